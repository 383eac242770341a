#!/usr/bin/env node
// The `rmqsim` executable: the command line of program.ts, its exit code the process's.
import { main } from './program.ts';

process.exit(await main(process.argv.slice(2)));
