// Every command of the command line, each a file of its own that registers itself on the program
// (its flags, help and action): adding a command is adding its file and one line here.
import type { Command } from 'commander';
import { registerAdmin } from './admin.ts';
import { registerBroker } from './broker.ts';
import { registerClaims } from './claims.ts';
import { registerConsume } from './consume.ts';
import { registerInspect } from './inspect.ts';
import { registerList } from './list.ts';
import { registerMerge } from './merge.ts';
import { registerNamesrv } from './namesrv.ts';
import { registerProduce } from './produce.ts';
import { registerReplay, registerRun } from './run.ts';
import { registerSweep } from './sweep.ts';

export const COMMANDS: readonly ((program: Command) => void)[] = [
  registerList,
  registerRun,
  registerReplay,
  registerSweep,
  registerClaims,
  registerMerge,
  registerNamesrv,
  registerBroker,
  registerAdmin,
  registerProduce,
  registerConsume,
  registerInspect,
];
