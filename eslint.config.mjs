// `npm run lint` (and so `npm test`): typescript-eslint's type-aware recommended rules, plus a few that catch real
// mistakes in async, launch-steering code. Formatting is Prettier's job (.prettierrc.json), not ESLint's
// (but for max-len, below).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'bench/.cache/', 'coverage/', '.tmp/'] },
  js.configs.recommended,
  tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      globals: globals.node,
      // tsconfig.json covers src, test and scripts; the bench scripts and vitest's config get a default project.
      parserOptions: {
        projectService: { allowDefaultProject: ['bench/*.ts', 'bench/*.d.mts', 'vitest.config.ts'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' }],
      '@typescript-eslint/no-deprecated': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
      // A promise returned unawaited inside try/catch escapes the catch (and a finally runs too early).
      '@typescript-eslint/return-await': ['error', 'in-try-catch'],
      // Prettier wraps code at 140 but leaves long strings, comments and test names alone; this catches those.
      'max-len': ['error', { code: 140, ignoreUrls: true, ignoreRegExpLiterals: true }],
    },
  },
  {
    files: ['test/**/*.ts'],
    rules: {
      // Fakes and tests read wire payloads (JSON.parse, request bodies) as `any` and the assertions check their shape;
      // typing each one first would add casts, not checks. That includes declaring a payload `any` (the fakes do).
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      // Stubs implement promise-returning interfaces (`async sleep() {}`): async without await is how they do it.
      '@typescript-eslint/require-await': 'off',
    },
  },
  // Plain JavaScript (bench, demo, bin, scripts) has no types to check against.
  { files: ['**/*.{js,mjs,cjs}'], extends: [tseslint.configs.disableTypeChecked] },
);
