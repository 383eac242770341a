// `rmqsim inspect <storePathRootDir>`: what a store directory holds, read with core/store's own
// decoders (so a CommitLog written live, by rmqsim or by a RocketMQ 4.9.1+ broker, reads back):
// - each CommitLog file's records in order (physical offset, size, topic, queue, queue offset,
//   store time, offsetMsgId, UNIQ_KEY, tags, keys, body length, and whether the body CRC holds),
//   to the first blank (END_OF_FILE) or the first bytes that are not a record;
// - each ConsumeQueue (topic, queue): its entries, and the first and last queue offsets;
// - the checkpoint's three timestamps, whether the abort file is there (the last stop was not
//   clean), and the config files.
// Read only: nothing in the directory is written or locked.
import fs from 'node:fs';
import path from 'node:path';
import { MessageConst } from '../core/message/message.ts';
import { decodeCheckpoint, type StoreCheckpoint } from '../core/store/checkpoint-format.ts';
import { checkRecord } from '../core/store/commit-log-record.ts';
import { CQ_STORE_UNIT_SIZE, decodeCqEntry, isValidCqEntry } from '../core/store/consume-queue-entry.ts';
import { parseMappedFileName } from '../core/store/mapped-file-name.ts';
import { LiveInputError } from './live-input-error.ts';

export interface RecordLine {
  readonly offset: number;
  readonly size: number;
  readonly topic: string;
  readonly queueId: number;
  readonly queueOffset: number;
  readonly storeTimestamp: number;
  readonly offsetMsgId: string;
  readonly uniqKey: string | null;
  readonly tags: string | null;
  readonly keys: string | null;
  readonly bodyLength: number;
  readonly crcOk: boolean;
}

export interface QueueLine {
  readonly topic: string;
  readonly queueId: number;
  readonly entries: number;
  readonly minOffset: number;
  readonly maxOffset: number;
}

export interface StoreReport {
  readonly root: string;
  readonly records: RecordLine[];
  /** Where reading stopped in each CommitLog file, and why. */
  readonly commitLogEnds: { file: string; at: number; why: string }[];
  readonly queues: QueueLine[];
  readonly checkpoint: StoreCheckpoint | null;
  readonly abort: boolean;
  readonly config: string[];
}

function sortedEntries(dir: string): string[] {
  return fs.existsSync(dir) ? fs.readdirSync(dir).sort() : [];
}

function readCommitLog(root: string): Pick<StoreReport, 'records' | 'commitLogEnds'> {
  const records: RecordLine[] = [];
  const commitLogEnds: StoreReport['commitLogEnds'] = [];
  const dir = path.join(root, 'commitlog');
  for (const name of sortedEntries(dir)) {
    const start = parseMappedFileName(name);
    if (start === undefined) continue;
    const bytes = new Uint8Array(fs.readFileSync(path.join(dir, name)));
    let pos = 0;
    let why = 'end of the file';
    while (pos < bytes.length) {
      const result = checkRecord(bytes, pos, { checkCRC: false });
      if (result.kind === 'end-of-file') {
        why = 'END_OF_FILE blank';
        break;
      }
      if (result.kind === 'corrupt') {
        why = bytes.subarray(pos, pos + 8).every((b) => b === 0) ? 'zeros (not written)' : result.reason;
        break;
      }
      const m = result.record;
      const crcOk = checkRecord(bytes, pos, { checkCRC: true }).kind === 'valid';
      records.push({
        offset: start + pos,
        size: result.size,
        topic: m.topic,
        queueId: m.queueId,
        queueOffset: m.queueOffset,
        storeTimestamp: m.storeTimestamp,
        offsetMsgId: m.msgId,
        uniqKey: m.getUniqKey() ?? null,
        tags: m.getTags() ?? null,
        keys: m.getProperty(MessageConst.KEYS) ?? null,
        bodyLength: m.body.length,
        crcOk,
      });
      pos += result.size;
    }
    commitLogEnds.push({ file: name, at: start + pos, why });
  }
  return { records, commitLogEnds };
}

function readQueues(root: string): QueueLine[] {
  const queues: QueueLine[] = [];
  const base = path.join(root, 'consumequeue');
  for (const topic of sortedEntries(base)) {
    for (const queue of sortedEntries(path.join(base, topic))) {
      const queueDir = path.join(base, topic, queue);
      let entries = 0;
      let minOffset = -1;
      for (const name of sortedEntries(queueDir)) {
        const start = parseMappedFileName(name);
        if (start === undefined) continue;
        const bytes = new Uint8Array(fs.readFileSync(path.join(queueDir, name)));
        for (let pos = 0; pos + CQ_STORE_UNIT_SIZE <= bytes.length; pos += CQ_STORE_UNIT_SIZE) {
          const entry = decodeCqEntry(bytes, pos);
          if (entry === undefined || !isValidCqEntry(entry.commitLogOffset, entry.size)) break;
          if (minOffset < 0) minOffset = (start + pos) / CQ_STORE_UNIT_SIZE;
          entries++;
        }
      }
      const min = Math.max(0, minOffset);
      queues.push({ topic, queueId: Number(queue), entries, minOffset: min, maxOffset: min + entries });
    }
  }
  return queues;
}

/** The report of a store directory; bad input (no such directory) names it. */
export function inspectStore(root: string): StoreReport {
  if (!fs.existsSync(root) || !fs.statSync(root).isDirectory())
    throw new LiveInputError(`<storePathRootDir> ${root}: not a directory`);
  const checkpointFile = path.join(root, 'checkpoint');
  const checkpoint = fs.existsSync(checkpointFile)
    ? decodeCheckpoint(new Uint8Array(fs.readFileSync(checkpointFile)))
    : null;
  return {
    root,
    ...readCommitLog(root),
    queues: readQueues(root),
    checkpoint,
    abort: fs.existsSync(path.join(root, 'abort')),
    config: sortedEntries(path.join(root, 'config')),
  };
}

const time = (ms: number) => (ms > 0 ? new Date(ms).toISOString() : '0');

/** The report as text: the records as a table, then the queues, the checkpoint and the rest. */
export function storeReportLines(
  report: StoreReport,
  table: (head: string[], rows: string[][]) => string,
): string[] {
  const records = report.records.map((r) => [
    String(r.offset),
    String(r.size),
    r.topic,
    String(r.queueId),
    String(r.queueOffset),
    r.uniqKey ?? '',
    r.tags ?? '',
    r.keys ?? '',
    String(r.bodyLength),
    r.crcOk ? 'ok' : 'BAD',
  ]);
  const queues = report.queues.map((q) => [
    q.topic,
    String(q.queueId),
    String(q.entries),
    String(q.minOffset),
    String(q.maxOffset),
  ]);
  const cp = report.checkpoint;
  return [
    `store ${report.root}: ${report.records.length} records`,
    table(
      ['#Offset', '#Size', '#Topic', '#QID', '#Queue Offset', '#UNIQ_KEY', '#Tags', '#Keys', '#Body', '#CRC'],
      records,
    ),
    ...report.commitLogEnds.map((e) => `commitlog/${e.file}: read to ${e.at} (${e.why})`),
    table(['#Topic', '#QID', '#Entries', '#Min Offset', '#Max Offset'], queues),
    cp === null
      ? 'checkpoint: none'
      : `checkpoint: physicMsgTimestamp ${time(cp.physicMsgTimestamp)}, logicsMsgTimestamp ${time(cp.logicsMsgTimestamp)}, indexMsgTimestamp ${time(cp.indexMsgTimestamp)}`,
    report.abort
      ? 'abort: present (the last stop was not clean: the next start recovers abnormally)'
      : 'abort: absent (a clean stop)',
    `config: ${report.config.join(', ') || 'none'}`,
  ];
}
