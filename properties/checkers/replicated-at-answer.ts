// replicated-at-answer: a SEND_OK from a SYNC_MASTER means a slave had acknowledged the message's
// record when the answer left the master: RocketMQ's CommitLog.handleHA holds the answer until
// push2SlaveMaxOffset (the highest offset a slave's HA report carried) reaches the record's end,
// and answers FLUSH_SLAVE_TIMEOUT or SLAVE_NOT_AVAILABLE otherwise. Judged on what crossed the
// network (answers.ts): the highest offset the HA reports delivered to the master's running
// incarnation had carried when the answer left must cover the record the answer's msgId names
// (its size read from the master's disk). Every SUCCESS answer is judged as it left, whether or
// not its producer was still waiting. The master's own bookkeeping is not read, so a wait that
// answers early is caught even if no disk is ever lost.
// Not checked: sends answered with another status, messages whose WAIT property is false,
// ASYNC_MASTER groups, and whether the slave kept what it acknowledged (RocketMQ's ack is of the
// slave's page cache; `lost` judges what survives).
import { judgeSendOkAnswers, type SendAnswerSeen } from '../answers.ts';
import type { History, Violation } from '../history.ts';

export function checkReplicatedAtAnswer(
  history: History,
  answers: readonly SendAnswerSeen[],
  syncMasterGroups: ReadonlySet<string>,
): Violation[] {
  return judgeSendOkAnswers('replicated-at-answer', history, answers, syncMasterGroups, (answer) => {
    const record = answer.record;
    if (record === undefined || record.problem !== undefined || record.size === 0) {
      return `but it named no record of the master's CommitLog (${record?.problem ?? 'no offset'})`;
    }
    const end = record.offset + record.size;
    if (answer.slaveAckedOffset >= end) return undefined;
    const acked =
      answer.slaveAckedOffset < 0
        ? 'no slave report had reached the master'
        : `the slaves' reports that had reached the master went up to offset ${answer.slaveAckedOffset}`;
    return `but ${acked}, short of the record's end at ${end}`;
  });
}
