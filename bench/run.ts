// npm run bench: every benchmark, each figure beside its baseline measured in the same run.
// `npm run bench -- sim` (or scheduler, store, cli, frames, live) runs one group.
import os from 'node:os';
import { benchCli } from './cli.ts';
import { benchFrames } from './frames.ts';
import { benchLive } from './live.ts';
import { benchScheduler } from './scheduler.ts';
import { benchSim } from './sim.ts';
import { benchStore } from './store.ts';
import { print } from './measure.ts';

const only = process.argv[2];
print({
  bench: 'machine',
  node: process.version,
  cpus: os.cpus().length,
  cpu: os.cpus()[0]?.model ?? 'unknown',
  loadAverage1m: Number(os.loadavg()[0]!.toFixed(2)),
});
if (only === undefined || only === 'scheduler') benchScheduler();
if (only === undefined || only === 'store') benchStore();
if (only === undefined || only === 'sim') await benchSim();
if (only === undefined || only === 'cli') benchCli();
if (only === undefined || only === 'frames') await benchFrames();
if (only === undefined || only === 'live') await benchLive();
