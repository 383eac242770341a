// A client's request in flight (NettyRemotingAbstract's ResponseFuture): the network tells it how
// the request ended, and it tells the caller's InvokeCallback the response, or the
// RemotingException the failure stands for. One object a request, in place of a closure and its
// context, and no result object an answer: every pull, send and offset query of a client makes one.
import type { NetError, ResponseCallback } from '../env.ts';
import { isRemotingCommand, type RemotingCommand } from '../protocol/remoting-command.ts';
import { remotingExceptionOf, type MQClientException, type RemotingException } from './exceptions.ts';

/** RocketMQ's InvokeCallback: a request's response, or (response undefined) why none came. */
export interface InvokeCallback {
  operationComplete(
    response: RemotingCommand | undefined,
    error: RemotingException | MQClientException | undefined,
  ): void;
}

export type InvokeResult =
  { ok: true; response: RemotingCommand } | { ok: false; error: RemotingException | MQClientException };

/** An InvokeCallback for a caller that reads the outcome as one InvokeResult (the rarer requests). */
export function onInvokeResult(done: (result: InvokeResult) => void): InvokeCallback {
  return {
    operationComplete: (response, error) =>
      done(error === undefined ? { ok: true, response: response! } : { ok: false, error }),
  };
}

export class ResponseFuture implements ResponseCallback {
  constructor(
    readonly addr: string,
    /** The caller's timeout, which a timeout's exception names (the wait may differ: invokeAsync). */
    readonly timeoutMillis: number,
    private readonly invokeCallback: InvokeCallback,
  ) {}

  operationComplete(body: unknown, error: NetError | undefined): void {
    // An answer that is not a command is what a broken connection hands a Netty client: nothing.
    const failure = error ?? (isRemotingCommand(body) ? undefined : 'closed');
    if (failure !== undefined) {
      return this.invokeCallback.operationComplete(
        undefined,
        remotingExceptionOf(failure, this.addr, this.timeoutMillis),
      );
    }
    this.invokeCallback.operationComplete(body as RemotingCommand, undefined);
  }
}
