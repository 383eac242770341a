// What the world saw of each send on the wire, beside the history the producers' traces give:
// each SEND_MESSAGE request a producer put on the wire, and each answer as it left its broker,
// with what that broker's disk and its slaves' reports held at that moment (answer-witness.ts
// records them in a run; tests build them by hand). The checkers that judge a promise at the
// moment of the answer (flushed-at-answer, replicated-at-answer, available) read these, never
// core's own variables, so a core that lies about durability or replication is caught.
import { formatTime, historyIndex, type History, type Violation } from './history.ts';

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
  /** Read for a group whose answers a checker judges (SYNC_FLUSH, SYNC_MASTER); absent otherwise. */
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

const copyOf = (uniqKey: string, brokerName: string, queueId: number, queueOffset: number) =>
  `${uniqKey}|${brokerName}|${queueId}|${queueOffset}`;

/**
 * The violations of a promise about the SUCCESS answers (SEND_OK) of `groups`, judged as they left
 * the broker whether or not the producer was still waiting for them: each one `judge` finds
 * wanting (it says why, after "…'s SEND_OK left <broker> at t (where), "), a message with
 * WAIT=false being owed nothing; and each SEND_OK of the history that no broker of the groups
 * was seen giving (the same message, group, queue and queue offset: one stored copy).
 */
export function judgeSendOkAnswers(
  property: string,
  history: History,
  answers: readonly SendAnswerSeen[],
  groups: ReadonlySet<string>,
  judge: (answer: SendAnswerSeen) => string | undefined,
): Violation[] {
  const keys = new Map<string, string>();
  const { sends } = historyIndex(history);
  for (const op of sends) if (op.value.uniqKey !== undefined) keys.set(op.value.uniqKey, op.value.key);
  const violations: Violation[] = [];
  const given = new Set<string>();
  for (const a of answers) {
    if (a.code !== SUCCESS_CODE || !groups.has(a.brokerName)) continue;
    given.add(copyOf(a.uniqKey, a.brokerName, Number(a.queueId), Number(a.queueOffset)));
    const why = a.waitStoreMsgOK ? judge(a) : undefined;
    if (why === undefined) continue;
    const key = keys.get(a.uniqKey) ?? a.uniqKey;
    const said = `message ${key}'s SEND_OK left ${a.broker} at ${formatTime(a.time)} (${a.brokerName}/${a.queueId} offset ${a.queueOffset})`;
    violations.push({ property, key, explanation: `${said}, ${why}` });
  }
  for (const op of sends) {
    if (op.type !== 'ok' || op.value.sendStatus !== 'SEND_OK') continue;
    const { key, uniqKey, brokerName, queueId, queueOffset } = op.value;
    if (brokerName === undefined || !groups.has(brokerName)) continue;
    if (given.has(copyOf(String(uniqKey), brokerName, Number(queueId), Number(queueOffset)))) continue;
    violations.push({
      property,
      key,
      explanation: `message ${key} was acknowledged SEND_OK at ${formatTime(op.time)} (${brokerName}/${queueId} offset ${queueOffset}), but no broker of its group was seen answering it so`,
    });
  }
  return violations;
}
