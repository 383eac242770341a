// A tiny process pair for testing the world itself: an echo server and a client that sends
// numbered requests one after another and logs each outcome. Both are written only against Env,
// as core/ processes are, so they exercise timers, the network and restarts the same way.
import { onResult, type Env, type Process, type ProcessMain } from '../core/env.ts';

export interface EchoOutcome {
  readonly n: number;
  /** The client's wall-clock reading when the outcome arrived. */
  readonly at: number;
  readonly ok: boolean;
  readonly error?: string;
}

export interface EchoRequest {
  readonly type: 'echo';
  readonly n: number;
}

export const echoServer: ProcessMain = (env: Env): Process => {
  env.net.serve((from, body, reply) => {
    const request = body as EchoRequest;
    env.trace('echo.serve', { from, n: request.n });
    reply?.answer({ type: 'echo-reply', n: request.n });
  });
  return {};
};

export interface EchoClientOptions {
  server: string;
  count: number;
  intervalMs: number;
  timeoutMs: number;
  /** Outcomes of every incarnation, in order; the client resumes after the last number logged. */
  log: EchoOutcome[];
}

export function echoClient(options: EchoClientOptions): ProcessMain {
  return (env: Env): Process => {
    const { server, count, intervalMs, timeoutMs, log } = options;
    const sendNext = (n: number): void => {
      if (n >= count) return;
      env.net.request(
        server,
        { type: 'echo', n } satisfies EchoRequest,
        timeoutMs,
        onResult((result) => {
          const reply = result.ok ? (result.body as { n: number }) : undefined;
          if (reply !== undefined && reply.n !== n) throw new Error(`echo ${n} answered with ${reply.n}`);
          const outcome: EchoOutcome = result.ok
            ? { n, at: env.now(), ok: true }
            : { n, at: env.now(), ok: false, error: result.error };
          log.push(outcome);
          env.trace('echo.outcome', { ...outcome });
          env.setTimer(intervalMs, () => sendNext(n + 1));
        }),
      );
    };
    sendNext(log.length === 0 ? 0 : log[log.length - 1]!.n + 1);
    return {};
  };
}
