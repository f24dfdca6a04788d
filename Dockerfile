# One image for every part; docker-compose.yml picks the part with the command.
# Stage 1 installs everything and bundles scripts/serve.ts into dist/serve.js (esbuild; the
# packages stay in node_modules); stage 2 keeps production dependencies only and runs as "node".

FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
COPY prisma ./prisma
COPY prisma.config.ts ./
RUN npm ci --no-audit --no-fund --include=dev
COPY . .
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
# read-only for the process: owned by root, run as the image's unprivileged "node" user
COPY --from=build /app/package.json /app/prisma.config.ts ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# read at run time next to dist/: GraphQL schemas, migrations (migrate and /ready), the board page's sources
COPY --from=build /app/schema ./schema
COPY --from=build /app/prisma ./prisma
COPY --from=build /app/board ./board
# the only folder the process writes: uploaded photos' local store (a volume in docker-compose;
# a new named volume takes this folder's owner)
RUN mkdir -p /app/.data/uploads && chown -R node:node /app/.data
USER node
EXPOSE 4000 4001 4002 4003 4004
CMD ["node", "--enable-source-maps", "dist/serve.js", "router"]
