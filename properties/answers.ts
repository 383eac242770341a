// What the world saw of each send on the wire, beside the history the producers' traces give:
// each SEND_MESSAGE request a producer put on the wire, and each answer as it left its broker,
// with what that broker's disk and its slaves' reports held at that moment (answer-witness.ts
// records them in a run; tests build them by hand). The checkers that judge a promise at the
// moment of the answer (flushed-at-answer, replicated-at-answer, available) read these, never
// core's own variables, so a core that lies about durability or replication is caught.
import { formatTime, isSend, type History, type SendOp, type Violation } from './history.ts';

/** A producer put a SEND_MESSAGE request for the message `uniqKey` on the wire. */
export interface SendRequestSeen {
  readonly time: number;
  /** The producer's and the broker's addresses. */
  readonly producer: string;
  readonly broker: string;
  /** The broker's group. */
  readonly brokerName: string;
  readonly uniqKey: string;
}

/** A NameServer answered a producer's route query: the groups a send could go to then. */
export interface RouteSeen {
  readonly time: number;
  readonly producer: string;
  readonly topic: string;
  /** The groups with a master and writable queues of the topic (what the publish list is built from). */
  readonly writable: readonly string[];
}

/** The record an answer's msgId (offsetMsgId) names, as the answering broker's disk held it then. */
export interface RecordSeen {
  /** The CommitLog offset the msgId carries. */
  readonly offset: number;
  /** The record's TOTALSIZE, read from the page cache (0 if no record was found there). */
  readonly size: number;
  /** The record's UNIQ_KEY as the bytes say (undefined if no record was found). */
  readonly uniqKey?: string;
  /** Bytes of the record a power loss at that moment would have taken (not on the medium). */
  readonly unflushedBytes: number;
  /** Why no record could be read there (no such file, not a record). */
  readonly problem?: string;
}

/** A broker answered a SEND_MESSAGE: what left it, and what the world held as it left. */
export interface SendAnswerSeen {
  readonly time: number;
  /** The answering broker's address and its group's name. */
  readonly broker: string;
  readonly brokerName: string;
  readonly producer: string;
  readonly uniqKey: string;
  /** The response code (0: SUCCESS, read by the producer as SEND_OK). */
  readonly code: number;
  /** The message's WAIT property (isWaitStoreMsgOK): false means no flush or replica wait is owed. */
  readonly waitStoreMsgOK: boolean;
  readonly queueId?: number;
  readonly queueOffset?: number;
  readonly record?: RecordSeen;
  /**
   * The highest CommitLog offset a slave's HA report had carried to this broker's running
   * incarnation when the answer left (-1: none had): what RocketMQ counts as the slaves' ack.
   */
  readonly slaveAckedOffset: number;
}

export interface WireSeen {
  readonly requests: readonly SendRequestSeen[];
  readonly answers: readonly SendAnswerSeen[];
  readonly routes: readonly RouteSeen[];
}

export const SUCCESS_CODE = 0;

/** One SEND_OK send of the history with the broker answer it was given (undefined if none was seen). */
interface AnsweredSend {
  readonly send: SendOp;
  readonly answer: SendAnswerSeen | undefined;
}

/**
 * Each SEND_OK send stored by a group in `brokerNames`, with the SUCCESS answer that carried it:
 * the same message, group, queue and queue offset (a queue offset names one stored copy).
 */
function sendOkAnswers(
  history: History,
  answers: readonly SendAnswerSeen[],
  brokerNames: ReadonlySet<string>,
): AnsweredSend[] {
  const byCopy = new Map<string, SendAnswerSeen>();
  const copy = (uniqKey: string, brokerName: string, queueId: number, queueOffset: number) =>
    `${uniqKey}|${brokerName}|${queueId}|${queueOffset}`;
  for (const a of answers) {
    if (a.code !== SUCCESS_CODE || a.queueId === undefined || a.queueOffset === undefined) continue;
    byCopy.set(copy(a.uniqKey, a.brokerName, a.queueId, a.queueOffset), a);
  }
  const out: AnsweredSend[] = [];
  for (const op of history) {
    if (!isSend(op) || op.type !== 'ok' || op.value.sendStatus !== 'SEND_OK') continue;
    const { uniqKey, brokerName, queueId, queueOffset } = op.value;
    if (brokerName === undefined || !brokerNames.has(brokerName)) continue;
    const answer = byCopy.get(copy(String(uniqKey), brokerName, Number(queueId), Number(queueOffset)));
    out.push({ send: op, answer });
  }
  return out;
}

/**
 * The violations of a promise about SEND_OK answers of `groups`: each SEND_OK send whose answer
 * no broker of the groups was seen giving, and each whose answer `judge` finds wanting (it says
 * why, after "…acknowledged SEND_OK at t (where), "). A message with WAIT=false is owed nothing.
 */
export function judgeSendOkAnswers(
  property: string,
  history: History,
  answers: readonly SendAnswerSeen[],
  groups: ReadonlySet<string>,
  judge: (answer: SendAnswerSeen, send: SendOp) => string | undefined,
): Violation[] {
  const violations: Violation[] = [];
  for (const { send, answer } of sendOkAnswers(history, answers, groups)) {
    const why =
      answer === undefined
        ? 'but no broker of its group was seen answering it so'
        : answer.waitStoreMsgOK
          ? judge(answer, send)
          : undefined;
    if (why === undefined) continue;
    const { key, brokerName, queueId, queueOffset } = send.value;
    const said = `message ${key} was acknowledged SEND_OK at ${formatTime(send.time)} (${brokerName}/${queueId} offset ${queueOffset})`;
    violations.push({ property, key, explanation: `${said}, ${why}` });
  }
  return violations;
}
