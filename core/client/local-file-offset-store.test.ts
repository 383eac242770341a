import { test as ptest, fc } from '@fast-check/vitest';
import { describe, expect, test } from 'vitest';
import { World } from '../../sim/world.ts';
import type { Env } from '../env.ts';
import {
  decodeOffsetTable,
  encodeOffsetTable,
  localOffsetStorePath,
  LocalFileOffsetStore,
} from './local-file-offset-store.ts';
import { MessageQueue } from './message-queue.ts';

const NODE = '10.0.0.70:7001';
const CLIENT_ID = '10.0.0.70@4242';
const PATH = localOffsetStorePath(CLIENT_ID, 'G');

/** A node whose process is a LocalFileOffsetStore, loaded at start (the consumer's start). */
function storeNode(seed = 1) {
  const w = new World({ seed });
  const box: { store?: LocalFileOffsetStore; env?: Env } = {};
  w.addNode(NODE, (env) => {
    box.env = env;
    box.store = new LocalFileOffsetStore({ env, clientId: CLIENT_ID }, 'G');
    box.store.load();
    return {};
  });
  w.runUntil(10);
  return { w, box };
}

const mq = (q: number) => new MessageQueue('Orders', 'broker-a', q);
const read = (store: LocalFileOffsetStore, m: MessageQueue, type: 'READ_FROM_STORE' | 'READ_FROM_MEMORY') => {
  let got: number | undefined;
  store.readOffset(m, type, (o) => (got = o));
  return got;
};

describe('LocalFileOffsetStore: file format', () => {
  ptest.prop([
    fc.array(
      fc.record({
        topic: fc.stringMatching(/^[%|a-zA-Z0-9_-]{1,20}$/),
        brokerName: fc.stringMatching(/^[a-zA-Z0-9_-]{1,12}$/),
        queueId: fc.nat(64),
        offset: fc.maxSafeNat(),
      }),
      { maxLength: 12 },
    ),
  ])('encode then decode gives the table back', (rows) => {
    const table = new Map<string, { mq: MessageQueue; offset: number }>();
    for (const r of rows) {
      const m = new MessageQueue(r.topic, r.brokerName, r.queueId);
      table.set(m.key, { mq: m, offset: r.offset });
    }
    const decoded = decodeOffsetTable(encodeOffsetTable(table));
    expect([...decoded].map(([k, v]) => [k, v.offset])).toEqual([...table].map(([k, v]) => [k, v.offset]));
  });

  ptest.prop([fc.integer({ min: 1, max: 200 })])('any strict prefix of a file fails to parse', (cut) => {
    const table = new Map([0, 1, 2].map((q) => [mq(q).key, { mq: mq(q), offset: 100 + q }]));
    const text = encodeOffsetTable(table);
    const prefix = text.slice(0, Math.max(0, text.length - cut));
    // A prefix that only lost trailing layout is still the same file.
    if (prefix.replace(/\s+/g, '') === text.replace(/\s+/g, '')) return;
    expect(() => decodeOffsetTable(prefix)).toThrow();
  });

  test('the layout is an OffsetSerializeWrapper with MessageQueue keys', () => {
    const text = encodeOffsetTable(new Map([[mq(3).key, { mq: mq(3), offset: 250 }]]));
    expect(text.replace(/\s+/g, '')).toBe(
      '{"offsetTable":{{"brokerName":"broker-a","queueId":3,"topic":"Orders"}:250}}',
    );
  });
});

describe('LocalFileOffsetStore on a node', () => {
  test('round trip: persistAll, then a new incarnation loads the offsets; .bak holds the previous file', () => {
    const { w, box } = storeNode();
    const store = box.store!;
    store.updateOffset(mq(0), 5, true);
    store.updateOffset(mq(1), 9, true);
    store.updateOffset(mq(1), 7, true); // increaseOnly keeps 9
    store.persistAll(new Set([mq(0).key, mq(1).key]));
    store.updateOffset(mq(0), 6, true);
    store.persistAll(new Set([mq(0).key, mq(1).key]));
    const disk = box.env!.disk;
    expect(disk.exists(PATH)).toBe(true);
    expect(disk.exists(`${PATH}.tmp`)).toBe(false);
    expect(
      decodeOffsetTable(new TextDecoder().decode(disk.read(`${PATH}.bak`, 0, 1 << 20))).get(mq(0).key)
        ?.offset,
    ).toBe(5);
    w.node(NODE).shutdown();
    w.runUntil(w.now + 100);
    w.node(NODE).start();
    w.runUntil(w.now + 10);
    expect(box.store!.cloneOffsetTable()).toEqual(
      new Map([
        [mq(0).key, 6],
        [mq(1).key, 9],
      ]),
    );
    expect(read(box.store!, mq(1), 'READ_FROM_STORE')).toBe(9);
    expect(read(box.store!, mq(2), 'READ_FROM_STORE')).toBe(-1);
  });

  test('persistAll keeps entries of queues it was not given (it merges with the file)', () => {
    const { box } = storeNode();
    const store = box.store!;
    store.updateOffset(mq(0), 1, false);
    store.updateOffset(mq(1), 2, false);
    store.persistAll(new Set([mq(0).key, mq(1).key]));
    store.updateOffset(mq(0), 3, false);
    store.persistAll(new Set([mq(0).key]));
    expect(read(store, mq(1), 'READ_FROM_STORE')).toBe(2);
    expect(read(store, mq(0), 'READ_FROM_STORE')).toBe(3);
  });

  ptest.prop([fc.integer({ min: 1, max: 60 })])(
    'a torn offsets.json falls back to .bak (the previous persist)',
    (cut) => {
      const { box } = storeNode();
      const store = box.store!;
      const disk = box.env!.disk;
      store.updateOffset(mq(0), 10, false);
      store.persistAll(new Set([mq(0).key]));
      store.updateOffset(mq(0), 20, false);
      store.persistAll(new Set([mq(0).key]));
      disk.truncate(PATH, Math.max(0, disk.size(PATH) - cut));
      const fresh = new LocalFileOffsetStore({ env: box.env!, clientId: CLIENT_ID }, 'G');
      fresh.load();
      expect(fresh.readOffsetFromMemory(mq(0))).toBe(10);
    },
  );

  test('a torn .bak with a torn main file fails load (the consumer does not start)', () => {
    const { box } = storeNode();
    const disk = box.env!.disk;
    box.store!.updateOffset(mq(0), 10, false);
    box.store!.persistAll(new Set([mq(0).key]));
    box.store!.persistAll(new Set([mq(0).key]));
    disk.truncate(PATH, 5);
    disk.truncate(`${PATH}.bak`, 5);
    const fresh = new LocalFileOffsetStore({ env: box.env!, clientId: CLIENT_ID }, 'G');
    expect(() => fresh.load()).toThrow(/readLocalOffset Exception/);
  });

  test('a kill keeps the offsets: the page cache outlives the process', () => {
    const { w, box } = storeNode();
    box.store!.updateOffset(mq(0), 42, false);
    box.store!.persistAll(new Set([mq(0).key]));
    w.node(NODE).kill();
    w.runUntil(w.now + 100);
    w.node(NODE).start();
    w.runUntil(w.now + 10);
    expect(box.store!.readOffsetFromMemory(mq(0))).toBe(42);
  });

  test('no fsync: a power loss before the kernel writeback loses both files, after it keeps them', () => {
    const { w, box } = storeNode();
    box.store!.updateOffset(mq(0), 42, false);
    box.store!.persistAll(new Set([mq(0).key]));
    box.store!.persistAll(new Set([mq(0).key]));
    w.runUntil(w.now + 3_000);
    w.node(NODE).powerOff();
    w.node(NODE).start();
    w.runUntil(w.now + 10);
    // The files exist (metadata is durable) but hold nothing: no offset, so the consumer would
    // start from consumeFromWhere (the broker's max offset, or 0) instead of where it was.
    expect(box.env!.disk.exists(PATH)).toBe(true);
    expect(box.env!.disk.size(PATH)).toBe(0);
    expect(box.store!.readOffsetFromMemory(mq(0))).toBe(-1);
    expect(read(box.store!, mq(0), 'READ_FROM_STORE')).toBe(-1);

    // Persisted, then left alone past the writeback's 30 s: durable without any fsync.
    box.store!.updateOffset(mq(0), 43, false);
    box.store!.persistAll(new Set([mq(0).key]));
    w.runUntil(w.now + 40_000);
    w.node(NODE).powerOff();
    w.node(NODE).start();
    w.runUntil(w.now + 10);
    expect(box.store!.readOffsetFromMemory(mq(0))).toBe(43);
  });
});
