import js from "@eslint/js";
import tseslint from "typescript-eslint";
import reactHooks from "eslint-plugin-react-hooks";
import globals from "globals";
import prettier from "eslint-config-prettier";

export default tseslint.config(
  { ignores: ["build/", "public/build/", "node_modules/", ".data/", ".cache/", ".tmp/", "email-preview/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    plugins: { "react-hooks": reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/consistent-type-imports": "error",
      "no-console": ["error", { allow: ["error"] }],
    },
  },
  {
    // Lucia v3 is unmaintained upstream: only our auth module may import it (docs/decisions/004).
    files: ["**/*.ts", "**/*.tsx"],
    ignores: ["app/domain/auth/lucia.server.ts"],
    rules: {
      "no-restricted-imports": ["error", { paths: [{ name: "lucia", message: "Import Lucia only in app/domain/auth/lucia.server.ts" }] }],
    },
  },
  {
    files: ["scripts/**", "bench/**", "db/migrate.ts", "db/codegen.ts", ".ci/**"],
    rules: { "no-console": "off" },
  },
  prettier,
);
