// Flat config: ESLint's and typescript-eslint's recommended rules over the sources, the webview
// code, tests, benchmarks and scripts. Type checking itself is `npm run typecheck`; in .ts files
// typescript-eslint turns off no-undef because the compiler already checks names.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** The Node globals the plain-JavaScript build scripts use. */
const nodeGlobals = Object.fromEntries(
  ['process', 'console', 'Buffer', 'URL', 'URLSearchParams', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'AbortController', 'fetch'].map((name) => [name, 'readonly']),
);

export default tseslint.config(
  {
    ignores: ['dist/', 'out/', 'node_modules/', '.tools/', '.test-runs/', '.bench/', '.demo/', '.vscode-test/'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      // tsc's noUnusedLocals and noUnusedParameters check this, and know a value used only in a
      // type (`keyof typeof names`) is used.
      '@typescript-eslint/no-unused-vars': 'off',
    },
  },
  {
    rules: {
      // Worth fixing where it appears, not worth failing the build over.
      'preserve-caught-error': 'warn',
    },
  },
  {
    files: ['**/*.mjs', '**/*.js'],
    languageOptions: { globals: nodeGlobals },
  },
);
