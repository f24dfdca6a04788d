// ESLint flat config: typescript-eslint's recommended rules, the router's boundary, short functions.
// Formatting is Prettier's (.prettierrc.json); `npm run lint` checks, `npm run format` writes.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  {
    ignores: [
      "node_modules/",
      "prisma/generated/",
      "**/__generated__/",
      ".data/",
      "dist/",
      "coverage/",
      "bitrix/",
      "app/board/dist/",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ["**/*.{ts,mts,cts}"],
    rules: {
      // an unused name is a leftover; `_name` marks one kept on purpose (a callback's position)
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none", ignoreRestSiblings: true },
      ],
      "@typescript-eslint/no-explicit-any": "off",
      "max-lines-per-function": ["error", { max: 60, skipBlankLines: true, skipComments: true, IIFEs: true }],
      // a closure may read a handler that is assigned once, later in start-up
      "prefer-const": ["error", { ignoreReadBeforeAssign: true }],
      // input validators match control characters on purpose, to refuse them
      "no-control-regex": "off",
    },
  },
  {
    // lazy loads: the embedded server only when no DATABASE_URL is set, the bench's scenarios by file name
    files: ["app/database.ts", "core/embedded-postgres.ts", "bench/run.ts", "scripts/**/*.ts"],
    rules: { "@typescript-eslint/no-require-imports": "off" },
  },
  {
    // the router routes: business rules and SQL live in the subgraphs (README "The router routes")
    files: ["router/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: ["**/subgraphs", "**/subgraphs/**"],
              message:
                "The router imports nothing from subgraphs/: call the subgraph (GraphQL or an internal operation).",
            },
          ],
        },
      ],
    },
  },
  {
    files: ["**/*.test.ts", "test/**/*.ts", "bench/**/*.ts"],
    rules: { "max-lines-per-function": "off" },
  },
  {
    files: ["**/*.{js,cjs,mjs}"],
    languageOptions: {
      globals: {
        require: "readonly",
        module: "writable",
        process: "readonly",
        __dirname: "readonly",
        console: "readonly",
      },
    },
  },
);
