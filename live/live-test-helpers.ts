// For the live tests: free loopback ports, a scratch store directory, a broker.conf, the compiled
// command line started as a child process (so it can be SIGKILLed), and bounded waits that fail
// by themselves instead of hanging.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { updateTopic, type AdminClient } from './admin.ts';

export const CLI = path.join(import.meta.dirname, '..', 'dist', 'bin', 'rmqsim.js');

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen({ host: '127.0.0.1', port, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/** A free loopback port p whose p + 1 is free too (a broker's listenPort and HA port). */
export async function freePortPair(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const server = net.createServer();
    const port = await new Promise<number>((resolve) =>
      server.listen({ host: '127.0.0.1', port: 0 }, () =>
        resolve((server.address() as net.AddressInfo).port),
      ),
    );
    await new Promise((resolve) => server.close(resolve));
    if (port < 65_535 && (await portFree(port)) && (await portFree(port + 1))) return port;
  }
  throw new Error('no free pair of loopback ports after 50 tries');
}

export function scratchDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'rmqsim-live-'));
}

export function brokerConf(fields: Record<string, string | number>): string {
  const base = {
    brokerClusterName: 'DefaultCluster',
    brokerIP1: '127.0.0.1',
    mappedFileSizeCommitLog: 1 << 20,
  };
  return Object.entries({ ...base, ...fields })
    .map(([k, v]) => `${k}=${v}`)
    .join('\n');
}

/** Resolves with `value()` once it is not undefined; rejects after `timeoutMs`, saying `what`. */
export async function waitFor<T>(
  what: string,
  value: () => T | undefined | Promise<T | undefined>,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await value();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export interface Child {
  readonly process: ChildProcess;
  out: string;
  err: string;
  readonly exited: Promise<number | null>;
}

/** The compiled command line (or `script`: node's arguments) as a child process, its output collected. */
export function startCli(
  args: string[],
  cwd: string,
  env: Record<string, string> = {},
  script = [CLI],
): Child {
  const child = spawn(process.execPath, [...script, ...args], {
    cwd,
    env: { ...process.env, CI: '1', ...env },
  });
  const c: Child = {
    process: child,
    out: '',
    err: '',
    exited: new Promise((resolve) => child.on('close', (code) => resolve(code))),
  };
  child.stdout.on('data', (chunk: Buffer) => (c.out += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (c.err += chunk.toString()));
  return c;
}

/** Waits until the child printed a line matching `line`; fails with its output if it ended first. */
export async function printed(child: Child, line: RegExp, timeoutMs = 15_000): Promise<void> {
  let ended = false;
  void child.exited.then(() => (ended = true));
  await waitFor(
    `${line} from ${child.process.spawnargs.join(' ')}`,
    () => {
      if (line.test(child.out)) return true;
      if (ended) throw new Error(`the child ended before printing ${line}:\n${child.out}\n${child.err}`);
      return undefined;
    },
    timeoutMs,
  );
}

/**
 * Creates a topic of 4 queues on the cluster's masters (perm 6), retrying while no broker has
 * registered yet (updateTopic finds no master to send it to).
 */
export async function createTopic(admin: AdminClient, topic: string): Promise<void> {
  const options = { topic, cluster: 'DefaultCluster', readQueueNums: 4, writeQueueNums: 4, perm: 6 };
  await waitFor(`a registered broker to create topic ${topic} on`, () =>
    updateTopic(admin, options).then(
      () => true,
      () => undefined,
    ),
  );
}
