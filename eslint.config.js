// Lint configuration for the whole repository: TypeScript sources only, compiled output ignored.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', 'network/.cache/**', 'network/.run/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  { languageOptions: { globals: globals.node } },
  // Plain-JavaScript scripts may still name the globals they use in a /* global */ comment.
  { files: ['**/*.mjs'], rules: { 'no-redeclare': ['error', { builtinGlobals: false }] } },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
);
