// flushed-at-answer and replicated-at-answer over generated histories and witnesses: a clean run
// (every SEND_OK answer left its master with its record flushed and a slave's report past its
// end) passes; one answer planted too early (a byte unflushed, a report short of the record's end)
// is flagged, naming that message, and only in a group that makes the promise.
import { fc, test as ptest } from '@fast-check/vitest';
import { describe, expect, test } from 'vitest';
import type { SendAnswerSeen } from '../answers.ts';
import { historyOf } from './history-builder.ts';
import { checkFlushedAtAnswer } from './flushed-at-answer.ts';
import { checkReplicatedAtAnswer } from './replicated-at-answer.ts';
import type { History } from '../history.ts';

const STATUSES = [
  'SEND_OK',
  'SEND_OK',
  'FLUSH_DISK_TIMEOUT',
  'FLUSH_SLAVE_TIMEOUT',
  'SLAVE_NOT_AVAILABLE',
] as const;
const CODES: Record<(typeof STATUSES)[number], number> = {
  SEND_OK: 0,
  FLUSH_DISK_TIMEOUT: 10,
  SLAVE_NOT_AVAILABLE: 11,
  FLUSH_SLAVE_TIMEOUT: 12,
};

interface Sent {
  status: (typeof STATUSES)[number];
  broker: 'broker-a' | 'broker-b';
  size: number;
}

const sends = fc.array(
  fc.record({
    status: fc.constantFrom(...STATUSES),
    broker: fc.constantFrom('broker-a' as const, 'broker-b' as const),
    size: fc.integer({ min: 100, max: 400 }),
  }),
  { minLength: 1, maxLength: 40 },
);

/**
 * A run of sends, each answered in turn: a SEND_OK answer's record flushed and replicated as it
 * left; the other statuses are what they say (not flushed, not replicated), which promises nothing.
 */
function clean(list: Sent[]): { history: History; answers: SendAnswerSeen[] } {
  const answers: SendAnswerSeen[] = [];
  const ends = { 'broker-a': 0, 'broker-b': 0 };
  const history = historyOf((h) => {
    list.forEach((s, i) => {
      const offset = ends[s.broker];
      ends[s.broker] += s.size;
      h.at(i * 10 + 5);
      const value = { sendStatus: s.status, brokerName: s.broker, queueId: i % 4, queueOffset: i };
      answers.push({
        time: i * 10 + 4,
        broker: `${s.broker}-master`,
        brokerName: s.broker,
        producer: 'p1',
        uniqKey: `U-m${i}`,
        code: CODES[s.status],
        waitStoreMsgOK: true,
        queueId: i % 4,
        queueOffset: i,
        record: {
          offset,
          size: s.size,
          uniqKey: `U-m${i}`,
          unflushedBytes: s.status === 'FLUSH_DISK_TIMEOUT' ? s.size : 0,
        },
        slaveAckedOffset:
          s.status === 'FLUSH_SLAVE_TIMEOUT' || s.status === 'SLAVE_NOT_AVAILABLE'
            ? offset - 1
            : ends[s.broker] + (i % 3),
      });
      h.send(`m${i}`, 'ok', value);
    });
  });
  return { history, answers };
}

const both = new Set(['broker-a', 'broker-b']);
const onlyA = new Set(['broker-a']);

/** The index of the pick-th SEND_OK send of `list`, if any. */
function sendOkAt(list: Sent[], pick: number, broker?: string): number | undefined {
  const ok = list.flatMap((s, i) =>
    s.status === 'SEND_OK' && (broker === undefined || s.broker === broker) ? [i] : [],
  );
  return ok.length === 0 ? undefined : ok[pick % ok.length];
}

describe('flushed-at-answer and replicated-at-answer', () => {
  ptest.prop([sends])('a clean run passes both', (list) => {
    const { history, answers } = clean(list);
    expect(checkFlushedAtAnswer(history, answers, both)).toEqual([]);
    expect(checkReplicatedAtAnswer(history, answers, both)).toEqual([]);
  });

  ptest.prop([sends, fc.nat(), fc.integer({ min: 1, max: 100 })])(
    'an answer that left before its record was wholly flushed is flagged, that message only',
    (list, pick, unflushed) => {
      const i = sendOkAt(list, pick);
      fc.pre(i !== undefined);
      const { history, answers } = clean(list);
      const record = answers[i!]!.record!;
      answers[i!] = {
        ...answers[i!]!,
        record: { ...record, unflushedBytes: Math.min(unflushed, record.size) },
      };
      expect(checkFlushedAtAnswer(history, answers, both).map((v) => v.key)).toEqual([`m${i}`]);
      // A group that does not flush synchronously promises nothing of it.
      const promised = list[i!]!.broker === 'broker-a' ? [`m${i}`] : [];
      expect(checkFlushedAtAnswer(history, answers, onlyA).map((v) => v.key)).toEqual(promised);
      expect(checkReplicatedAtAnswer(history, answers, both)).toEqual([]);
    },
  );

  ptest.prop([sends, fc.nat(), fc.integer({ min: 1, max: 400 })])(
    'an answer that left before a slave reported the record’s end is flagged, that message only',
    (list, pick, short) => {
      const i = sendOkAt(list, pick);
      fc.pre(i !== undefined);
      const { history, answers } = clean(list);
      const { offset, size } = answers[i!]!.record!;
      answers[i!] = { ...answers[i!]!, slaveAckedOffset: offset + size - short };
      expect(checkReplicatedAtAnswer(history, answers, both).map((v) => v.key)).toEqual([`m${i}`]);
      expect(checkFlushedAtAnswer(history, answers, both)).toEqual([]);
    },
  );

  ptest.prop([sends, fc.nat()])(
    'an answer naming another message’s record, or none, is flagged by both',
    (list, pick) => {
      const i = sendOkAt(list, pick);
      fc.pre(i !== undefined);
      const { history, answers } = clean(list);
      const record = answers[i!]!.record!;
      answers[i!] = { ...answers[i!]!, record: { ...record, uniqKey: 'U-other' } };
      expect(checkFlushedAtAnswer(history, answers, both).map((v) => v.key)).toEqual([`m${i}`]);
      answers[i!] = {
        ...answers[i!]!,
        record: { offset: record.offset, size: 0, unflushedBytes: 0, problem: 'no record' },
      };
      expect(checkReplicatedAtAnswer(history, answers, both).map((v) => v.key)).toEqual([`m${i}`]);
    },
  );

  ptest.prop([sends, fc.nat()])(
    'a SUCCESS answer that came too late for its producer is judged all the same',
    (list, pick) => {
      const i = sendOkAt(list, pick);
      fc.pre(i !== undefined);
      const { history, answers } = clean(list);
      // The producer had given up (a timeout: outcome unknown) when the answer left.
      const late = history.map((op) =>
        op.f === 'send' && op.type === 'ok' && op.value.key === `m${i}`
          ? { ...op, type: 'info' as const }
          : op,
      );
      const { offset, size } = answers[i!]!.record!;
      answers[i!] = { ...answers[i!]!, slaveAckedOffset: offset + size - 1 };
      expect(checkReplicatedAtAnswer(late, answers, both).map((v) => v.key)).toEqual([`m${i}`]);
    },
  );

  test('a SEND_OK no broker was seen giving, or a message that asked not to wait', () => {
    const { history, answers } = clean([
      { status: 'SEND_OK', broker: 'broker-a', size: 120 },
      { status: 'SEND_OK', broker: 'broker-a', size: 120 },
    ]);
    const [first, second] = answers;
    const unflushed = {
      ...second!,
      waitStoreMsgOK: false,
      record: { ...second!.record!, unflushedBytes: 5 },
    };
    const violations = checkFlushedAtAnswer(history, [unflushed], both);
    expect(violations.map((v) => v.key)).toEqual(['m0']);
    expect(violations[0]!.explanation).toMatch(/no broker of its group was seen answering/);
    expect(first!.record!.unflushedBytes).toBe(0);
  });
});
