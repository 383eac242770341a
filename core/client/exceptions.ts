// The exceptions a RocketMQ 4.9.x client raises, as error values: in the event model they are
// handed to callbacks, never thrown across a network wait. The class names are RocketMQ's, so a
// trace or a report reads like a Java stack trace's first line.
// - RemotingException and its kinds: the network failed (no answer in time, nobody listening,
//   the connection broke), or the time budget was spent before the call (TooMuchRequest, whose
//   message "call timeout" is what sendDefaultImpl raises when sendMsgTimeout is used up).
// - MQBrokerException: the broker answered with an error code (responseCode, its remark).
// - MQClientException: the client itself refused (no route, not started, bad message).
import type { NetError } from '../env.ts';

export class RemotingException extends Error {
  override readonly name: string = 'RemotingException';
}

/** No response within the timeout: the request may or may not have been processed. */
export class RemotingTimeoutException extends RemotingException {
  override readonly name = 'RemotingTimeoutException';
}

/** Nobody listens at the address (the connect failed). */
export class RemotingConnectException extends RemotingException {
  override readonly name = 'RemotingConnectException';
}

/** The connection broke while the request was outstanding. */
export class RemotingSendRequestException extends RemotingException {
  override readonly name = 'RemotingSendRequestException';
}

/** The time budget was spent before the call could be made ("call timeout"). */
export class RemotingTooMuchRequestException extends RemotingException {
  override readonly name = 'RemotingTooMuchRequestException';
}

export class MQBrokerException extends Error {
  override readonly name = 'MQBrokerException';
  constructor(
    readonly responseCode: number,
    readonly errorMessage: string,
    readonly brokerAddr?: string,
  ) {
    super(`CODE: ${responseCode}  DESC: ${errorMessage}${brokerAddr ? `  BROKER: ${brokerAddr}` : ''}`);
  }
}

export class MQClientException extends Error {
  override readonly name = 'MQClientException';
  constructor(
    message: string,
    override readonly cause?: Error,
    /** ClientErrorCode or a broker's ResponseCode, when RocketMQ sets one. */
    public responseCode = -1,
  ) {
    super(cause ? `${message}, cause: ${cause.name}: ${cause.message}` : message);
  }
}

/** ClientErrorCode (org.apache.rocketmq.client.common.ClientErrorCode). */
export const ClientErrorCode = {
  CONNECT_BROKER_EXCEPTION: 10001,
  ACCESS_BROKER_TIMEOUT: 10002,
  BROKER_NOT_EXIST_EXCEPTION: 10003,
  NO_NAME_SERVER_EXCEPTION: 10004,
  NOT_FOUND_TOPIC_EXCEPTION: 10005,
} as const;

/** The remoting exception a failed simulated request stands for. */
export function remotingExceptionOf(error: NetError, addr: string, timeoutMs: number): RemotingException {
  switch (error) {
    case 'timeout':
      return new RemotingTimeoutException(`wait response on the channel <${addr}> timeout, ${timeoutMs}(ms)`);
    case 'refused':
      return new RemotingConnectException(`connect to <${addr}> failed`);
    case 'closed':
      return new RemotingSendRequestException(`the channel <${addr}> closed before the response arrived`);
  }
}

/** A one-line description for traces: "Name: message". */
export function describeError(error: Error): string {
  return `${error.name}: ${error.message}`;
}
