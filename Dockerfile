# One image for every part; docker-compose.yml picks the part with the command.
FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
COPY prisma ./prisma
COPY prisma.config.ts ./
RUN npm ci --no-audit --no-fund --include=dev
COPY . .
EXPOSE 4000 4001 4002 4003
CMD ["npx", "tsx", "scripts/serve.ts", "router"]
