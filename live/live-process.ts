// One of core/'s processes (a NameServer, a broker, a client) running on the real machine: its
// Env is a LiveEnv over a FileDisk and a TcpNet. Listening comes first, so a port in use fails
// the start before the process has written anything. stop() is the clean shutdown a JVM shutdown
// hook runs on SIGTERM (the process finishes its flushes, then its sockets and files close);
// The live commands stop it at SIGTERM or SIGINT (stop-signal.ts).
import type { Process, ProcessMain } from '../core/env.ts';
import { FileDisk, type FileDiskOptions } from './file-disk.ts';
import { LiveEnv, type TraceSink } from './live-env.ts';
import type { Endpoint } from './sockets.ts';
import { TcpNet } from './tcp-net.ts';

export interface LiveOptions {
  /** The process's address, as core/ sees it (a broker's brokerIP1:listenPort). */
  readonly address: string;
  /** RemotingCommand port; a client listens on nothing. */
  readonly listen?: Endpoint;
  /** HA port of a broker (listenPort + 1). */
  readonly listenHa?: Endpoint;
  readonly disk: FileDiskOptions;
  readonly trace?: TraceSink;
}

export class ListenError extends Error {
  override name = 'ListenError';
  constructor(
    readonly at: Endpoint,
    readonly code: string,
  ) {
    super(`${at.host}:${at.port}: ${code === 'EADDRINUSE' ? 'address in use' : code}`);
  }
}

export class LiveProcess {
  private stopping: Promise<void> | undefined;

  private constructor(
    readonly env: LiveEnv,
    readonly net: TcpNet,
    readonly disk: FileDisk,
    private process: Process | undefined,
  ) {}

  /** Listens, then starts `main`; a port that cannot be had is a ListenError, nothing started. */
  static async start(main: ProcessMain, options: LiveOptions): Promise<LiveProcess> {
    const net = new TcpNet();
    for (const [at, how] of [
      [options.listen, (e: Endpoint) => net.listen(e)],
      [options.listenHa, (e: Endpoint) => net.listenHa(e)],
    ] as const) {
      if (at === undefined) continue;
      try {
        await how(at);
      } catch (error) {
        await net.close();
        throw new ListenError(at, (error as NodeJS.ErrnoException).code ?? String(error));
      }
    }
    const disk = new FileDisk(options.disk);
    const env = new LiveEnv(options.address, disk, net, options.trace);
    const live = new LiveProcess(env, net, disk, undefined);
    live.process = main(env);
    return live;
  }

  /** The clean stop: the process's shutdown (flushes, abort file), then its timers, sockets, files. */
  stop(): Promise<void> {
    this.stopping ??= new Promise<void>((resolve) => {
      const shutdown = this.process?.shutdown?.bind(this.process);
      if (shutdown === undefined) resolve();
      else shutdown(resolve);
    }).then(() => this.release());
    return this.stopping;
  }

  private async release(): Promise<void> {
    this.env.close();
    await this.net.close();
    this.disk.close();
  }
}
