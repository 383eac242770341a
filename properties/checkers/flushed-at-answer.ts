// flushed-at-answer: a SEND_OK from a SYNC_FLUSH master means the message's record was on that
// master's disk (its medium, not only the page cache) when the answer left it: RocketMQ's
// CommitLog.handleDiskFlush holds the answer until the group commit's flush covers the record,
// and answers FLUSH_DISK_TIMEOUT otherwise. Judged on what the world saw as the answer left
// (answers.ts): the record the answer's msgId names, read from the simulated disk, must be this
// message's and wholly flushed. Every SUCCESS answer is judged as it left, whether or not its
// producer was still waiting (a late one counts too: the broker made the promise). So a broker
// that answers before its flush completes, or names a record that is not the message's, is
// caught at once, whether or not a power loss follows; and so is a producer's SEND_OK no broker
// gave.
// Not checked: sends answered with another status (they promise nothing of the disk), messages
// whose WAIT property is false (RocketMQ does not wait for them), ASYNC_FLUSH groups, and what
// becomes of the record later (`lost` and `durable` judge that).
import { judgeSendOkAnswers, type SendAnswerSeen } from '../answers.ts';
import type { History, Violation } from '../history.ts';

export function checkFlushedAtAnswer(
  history: History,
  answers: readonly SendAnswerSeen[],
  syncFlushGroups: ReadonlySet<string>,
): Violation[] {
  return judgeSendOkAnswers('flushed-at-answer', history, answers, syncFlushGroups, (answer) => {
    const record = answer.record;
    if (record === undefined) return 'but it named no CommitLog offset';
    if (record.problem !== undefined) return `but ${record.problem}`;
    if (record.uniqKey !== answer.uniqKey) {
      return `but the record at CommitLog offset ${record.offset} it named is another message's (${record.uniqKey})`;
    }
    if (record.unflushedBytes === 0) return undefined;
    return `while ${record.unflushedBytes} of its record's ${record.size} bytes (CommitLog offset ${record.offset}) were not yet on the disk: a power loss then would have taken it`;
  });
}
