// npm run bench: every benchmark, each figure beside its baseline measured in the same run.
import os from 'node:os';
import { benchScheduler } from './scheduler.ts';
import { benchStore } from './store.ts';
import { print } from './measure.ts';

print({
  bench: 'machine',
  node: process.version,
  cpus: os.cpus().length,
  cpu: os.cpus()[0]?.model ?? 'unknown',
});
benchScheduler();
benchStore();
