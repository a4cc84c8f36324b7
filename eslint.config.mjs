// Lint rules, including the layer arrows of ARCHITECTURE.md:
// shared imports no node/electron/react; renderer imports no node or main;
// core imports no electron/react; only electron/ and preload/ import 'electron',
// and only the IPC binding touches ipcMain / ipcRenderer.
import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import { builtinModules } from 'node:module';
import tseslint from 'typescript-eslint';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];
const nativeAndNode = ['better-sqlite3', 'node-pty', 'dockerode', 'ws', 'commander'];

const restrict = (paths, patterns = []) => ['error', { paths, patterns }];
const named = (names, message) => names.map((name) => ({ name, message }));

export default tseslint.config(
  { ignores: ['dist/**', 'release/**', 'node_modules/**', 'test-results/**', '.bench-work/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
      'no-control-regex': 'off',
    },
  },
  {
    files: ['scripts/**/*.mjs', 'bin/**/*.js'],
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        require: 'readonly',
        __dirname: 'readonly',
        setTimeout: 'readonly',
        URL: 'readonly',
      },
    },
  },
  {
    files: ['src/shared/**/*.ts'],
    rules: {
      'no-restricted-imports': restrict(
        named(
          [...nodeBuiltins, 'electron', 'react', 'react-dom', 'zustand', ...nativeAndNode],
          'src/shared is pure TypeScript: no node, electron or react.',
        ),
        [{ group: ['**/main/**', '**/renderer/**', '**/preload/**'], message: 'src/shared imports nothing above it.' }],
      ),
    },
  },
  {
    files: ['src/renderer/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'no-restricted-imports': restrict(
        named(
          [...nodeBuiltins, 'electron', ...nativeAndNode],
          'The renderer runs in a browser: talk to the core through the client.',
        ),
        [
          {
            group: ['**/main/**', '**/preload/**'],
            message: 'The renderer reaches the core only through src/shared/api.',
          },
        ],
      ),
    },
  },
  {
    files: ['src/main/core/**/*.ts', 'src/main/cli/**/*.ts', 'src/main/server/**/*.ts'],
    rules: {
      'no-restricted-imports': restrict(
        named(['electron', 'react', 'react-dom'], 'Only src/main/electron imports electron; the core has no UI.'),
        [{ group: ['**/renderer/**', '**/electron/**'], message: 'Imports only point down.' }],
      ),
    },
  },
  {
    files: ['src/main/electron/**/*.ts'],
    ignores: ['src/main/electron/ipc.ts'],
    rules: {
      'no-restricted-imports': restrict([
        {
          name: 'electron',
          importNames: ['ipcMain', 'ipcRenderer'],
          message: 'Only src/main/electron/ipc.ts binds IPC (from the contract).',
        },
      ]),
    },
  },
);
