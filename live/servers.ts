// `rmqsim namesrv` and `rmqsim broker -c broker.conf`: core/'s NameServer and broker as live
// processes, as RocketMQ's NamesrvStartup and BrokerStartup start them.
// - The NameServer listens on --port (9876) and prints "The Name Server boot success.
//   serializeType=JSON".
// - The broker reads broker.conf with RocketMQ's keys, is reached at brokerIP1:listenPort, serves
//   its slaves on listenPort + 1 (4.9's haListenPort) and registers brokerIP2 (else brokerIP1) and
//   that port as its HA address, keeps its files under storePathRootDir, and prints
//   "The broker[NAME, IP:PORT] boot success. serializeType=JSON and name server is ADDRS".
// Bad input is a LiveInputError naming it, before anything is written: a broker.conf that does
// not parse (key and line named), a port in use, a storePathRootDir that cannot be written or
// holds something that is not a RocketMQ store, config files the broker cannot load.
// Simplifications: both bind the address they are reached at (brokerIP1, or --host; 127.0.0.1 by
// default), where RocketMQ binds every interface and takes the machine's IP as brokerIP1.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { brokerConfFrom, parseBrokerConf, type BrokerConf } from '../core/broker/broker-config.ts';
import { brokerMain } from '../core/broker/broker-controller.ts';
import { namesrvMain } from '../core/namesrv/namesrv-controller.ts';
import { consoleTrace, type TraceSink } from './live-env.ts';
import { LiveInputError } from './live-input-error.ts';
import { ListenError, LiveProcess } from './live-process.ts';
import { storeDirProblem } from './store-dir.ts';

export const DEFAULT_HOST = '127.0.0.1';

export interface NamesrvOptions {
  readonly host?: string;
  readonly port: number;
  readonly trace?: TraceSink;
}

export async function startNamesrv(options: NamesrvOptions): Promise<LiveProcess> {
  const host = options.host ?? DEFAULT_HOST;
  const address = `${host}:${options.port}`;
  try {
    return await LiveProcess.start(namesrvMain(), {
      address,
      listen: { host, port: options.port },
      disk: { base: os.homedir(), boundary: os.homedir() },
      trace: options.trace ?? consoleTrace(address),
    });
  } catch (error) {
    if (error instanceof ListenError) throw new LiveInputError(`--port ${options.port}: ${error.message}`);
    throw error;
  }
}

export interface BrokerOptions {
  /** broker.conf's text, or its settings (tests). */
  readonly conf: string | Readonly<Record<string, unknown>>;
  /** Where relative paths (storePathRootDir) start. */
  readonly cwd?: string;
  readonly trace?: TraceSink;
}

/** broker.conf from a file; a missing file is bad input naming it. */
export function readBrokerConf(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new LiveInputError(`-c ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
}

export async function startBroker(options: BrokerOptions): Promise<LiveProcess> {
  const conf: BrokerConf =
    typeof options.conf === 'string' ? parseBrokerConf(options.conf) : brokerConfFrom(options.conf);
  const { broker, store } = conf;
  const ip = broker.brokerIP1 ?? DEFAULT_HOST;
  const address = `${ip}:${broker.listenPort}`;
  const haPort = broker.listenPort + 1;
  const base = options.cwd ?? process.cwd();
  const root = path.resolve(base, store.storePathRootDir);
  const problem = storeDirProblem(root, store.mappedFileSizeCommitLog);
  if (problem !== undefined) throw new LiveInputError(`storePathRootDir: ${problem}`);
  let startFailure: unknown;
  const print = options.trace ?? consoleTrace(address);
  const trace: TraceSink = (event, fields) => {
    if (event === 'broker.start-failed') startFailure = fields?.cannotLoad;
    print(event, fields);
  };
  let live: LiveProcess;
  try {
    live = await LiveProcess.start(
      brokerMain(conf, { haServerAddr: `${broker.brokerIP2 ?? ip}:${haPort}` }),
      {
        address,
        listen: { host: ip, port: broker.listenPort },
        listenHa: { host: broker.brokerIP2 ?? ip, port: haPort },
        disk: { base, boundary: root },
        trace,
      },
    );
  } catch (error) {
    if (!(error instanceof ListenError)) throw error;
    const key = error.at.port === haPort ? 'listenPort + 1 (the HA port)' : 'listenPort';
    throw new LiveInputError(`${key} ${error.at.port}: ${error.message}`);
  }
  if (startFailure !== undefined) {
    await live.stop();
    throw new LiveInputError(`storePathRootDir: cannot load ${String(startFailure)} under ${root}/config`);
  }
  return live;
}
