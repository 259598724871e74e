import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'bench/results/**', 'bench/.corpus/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        Buffer: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        URL: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
      'max-lines': ['warn', { max: 450, skipBlankLines: true, skipComments: true }],
      'max-lines-per-function': ['warn', { max: 80, skipBlankLines: true, skipComments: true }],
    },
  },
  {
    files: ['src/trace/**/*.ts', 'src/content/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            'node:fs*',
            'node:path',
            'node:os',
            'node:child_process',
            'node:net',
            'node:http*',
            'node:timers*',
            'node:process',
            'fs',
            'path',
            '../source/*',
            '../sinks/*',
            '../../source/*',
            '../../sinks/*',
          ],
        },
      ],
      'no-restricted-globals': ['error', 'Date', 'setTimeout', 'setInterval', 'process'],
      'no-restricted-properties': ['error', { object: 'Math', property: 'random' }, { object: 'Date', property: 'now' }],
    },
  },
  {
    // the pipeline runs files for every mode; the CLI is one of its callers, never its dependency
    files: ['src/pipeline/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['../cli/*', '../../cli/*'], message: 'pipeline/ may not import cli/: report through pipeline/report.ts' }] },
      ],
    },
  },
  {
    // the Codex format, and only that: no file system, network or process; no other stage
    files: ['src/rollout/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['node:*', 'fs', 'fs/*', 'path', 'os', 'child_process', 'net', 'http', 'https', 'zlib', 'better-sqlite3', 'chokidar'],
              message: 'rollout/ does no I/O: it reads records given to it',
            },
            { group: ['../source/*', '../store/*', '../sinks/*', '../pipeline/*', '../cli/*'], message: 'rollout/ knows the format only' },
          ],
        },
      ],
    },
  },
  {
    files: ['test/**/*.ts', 'bench/**/*.{ts,js}'],
    rules: { 'max-lines-per-function': 'off', 'max-lines': 'off' },
  },
);
