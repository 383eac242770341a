// The determinism rule of the design card: core/ and sim/ reach the world only through Env and
// seeded RNG streams, and core/ never imports sim/.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const realIo = ['fs', 'fs/promises', 'net', 'dgram', 'child_process', 'worker_threads', 'http', 'https'];
const forbiddenImports = [
  ...realIo.flatMap((m) => [
    { name: m, message: 'Real I/O: go through Env (disk, net).' },
    { name: `node:${m}`, message: 'Real I/O: go through Env (disk, net).' },
  ]),
  ...['crypto', 'node:crypto'].map((name) => ({
    name,
    importNames: [
      'randomBytes',
      'randomInt',
      'randomUUID',
      'randomFill',
      'randomFillSync',
      'getRandomValues',
    ],
    message: 'Global randomness: use a seeded Rng stream.',
  })),
];
const wallClock = 'Wall clock or real timer: use Env.now / Env.setTimer.';
const deterministic = {
  'no-restricted-globals': [
    'error',
    ...['Date', 'performance', 'setTimeout', 'setInterval', 'setImmediate', 'queueMicrotask', 'process'].map(
      (name) => ({ name, message: wallClock }),
    ),
  ],
  'no-restricted-properties': [
    'error',
    { object: 'Math', property: 'random', message: 'Global randomness: use a seeded Rng stream.' },
    { object: 'process', property: 'hrtime', message: wallClock },
    { object: 'crypto', property: 'getRandomValues', message: 'Global randomness: use a seeded Rng stream.' },
    { object: 'crypto', property: 'randomUUID', message: 'Global randomness: use a seeded Rng stream.' },
  ],
};

export default tseslint.config(
  { ignores: ['node_modules/**', 'out/**', 'dist/**', 'examples/*/node_modules/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // core/'s own tests drive it on the simulated world, so they may import sim/.
    files: ['sim/**/*.ts', 'core/**/*.test.ts'],
    rules: { ...deterministic, 'no-restricted-imports': ['error', { paths: forbiddenImports }] },
  },
  {
    files: ['core/**/*.ts'],
    ignores: ['core/**/*.test.ts'],
    rules: {
      ...deterministic,
      'no-restricted-imports': [
        'error',
        {
          paths: forbiddenImports,
          patterns: [
            { group: ['**/sim', '**/sim/**'], message: 'core/ may not import sim/: use the Env interface.' },
          ],
        },
      ],
    },
  },
);
