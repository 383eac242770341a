import { fc, test as ptest } from '@fast-check/vitest';
import { describe, expect, test } from 'vitest';
import type { DiskConfig } from '../../sim/disk.ts';
import { World } from '../../sim/world.ts';
import type { Env } from '../env.ts';
import { utf8Decoder, utf8Encoder } from '../message/bytes.ts';
import { ConsumerOffsetManager } from './consumer-offset-manager.ts';

const BROKER = '10.0.0.1:10911';
const FILE = 'store/config/consumerOffset.json';

/** A ConsumerOffsetManager as the broker runs it: loaded at start, persisted every 5 s and at shutdown. */
function offsetNode(disk: Partial<DiskConfig> = {}) {
  const world = new World({ seed: 1, disk, keepTrace: true });
  let manager: ConsumerOffsetManager | undefined;
  const loads: boolean[] = [];
  const node = world.addNode(BROKER, (env) => {
    manager = new ConsumerOffsetManager(env, 'store');
    loads.push(manager.load());
    manager.start(5_000);
    return { shutdown: (done) => manager!.shutdown(done) };
  });
  const text = (path: string) => utf8Decoder.decode(node.disk.read(path, 0, node.disk.size(path)));
  const events = (event: string) => world.trace.records.filter((r) => r.event === event).map((r) => r.fields);
  return { world, node, loads, manager: () => manager!, text, events };
}

describe('ConsumerOffsetManager', () => {
  test('commit overwrites, a lower offset too (traced); an unknown queue reads -1', () => {
    const { manager, events } = offsetNode();
    const m = manager();
    expect(m.queryOffset('G', 'T', 0)).toBe(-1);
    m.commitOffset('10.0.0.9:1', 'G', 'T', 0, 12);
    m.commitOffset('10.0.0.9:1', 'G', 'T', 1, 3);
    m.commitOffset('10.0.0.9:1', 'G2', 'T', 0, 40);
    m.commitOffset('10.0.0.9:1', 'G', 'T', 0, 7);
    expect([m.queryOffset('G', 'T', 0), m.queryOffset('G', 'T', 1), m.queryOffset('G2', 'T', 0)]).toEqual([
      7, 3, 40,
    ]);
    expect(m.queryOffset('G', 'T', 2)).toBe(-1);
    expect(events('broker.offset-lowered')).toEqual([
      { clientHost: '10.0.0.9:1', key: 'T@G', queueId: 0, offset: 7, stored: 12 },
    ]);
  });

  test("removeOffset forgets every topic of that group and no other group's", () => {
    const { manager } = offsetNode();
    const m = manager();
    for (const [group, topic] of [
      ['G', 'T1'],
      ['G', 'T2'],
      ['GG', 'T1'],
      ['G', '%RETRY%G'],
    ]) {
      m.commitOffset('c', group!, topic!, 0, 5);
    }
    m.removeOffset('G');
    expect([...m.offsetTable.keys()]).toEqual(['T1@GG']);
  });

  test('the file is written 10 s after start, then every 5 s, in consumerOffset.json form', () => {
    const { world, node, manager, text } = offsetNode();
    manager().commitOffset('c', 'G', 'T', 0, 12);
    world.runUntil(9_999);
    expect(node.disk.exists(FILE)).toBe(false);
    world.runUntil(10_001);
    expect(JSON.parse(text(FILE))).toEqual({ offsetTable: { 'T@G': { '0': 12 } } });
    manager().commitOffset('c', 'G', 'T', 0, 13);
    world.runUntil(15_001);
    expect(JSON.parse(text(FILE))).toEqual({ offsetTable: { 'T@G': { '0': 13 } } });
    expect(JSON.parse(text(`${FILE}.bak`))).toEqual({ offsetTable: { 'T@G': { '0': 12 } } });
  });

  test("fastjson's form, queue ids unquoted, loads too", () => {
    const { world, node, manager, loads } = offsetNode();
    node.kill();
    node.disk.write(FILE, 0, utf8Encoder.encode('{\n\t"offsetTable":{\n\t\t"T@G":{0:250,1:249}\n\t}\n}'));
    node.start();
    world.runUntil(1);
    expect(loads.at(-1)).toBe(true);
    expect([manager().queryOffset('G', 'T', 0), manager().queryOffset('G', 'T', 1)]).toEqual([250, 249]);
  });

  test('a clean shutdown persists what was committed since the last round', () => {
    const { world, node, manager } = offsetNode();
    manager().commitOffset('c', 'G', 'T', 0, 12);
    world.runUntil(2_000);
    node.shutdown();
    world.runUntil(3_000);
    node.powerOff();
    node.start();
    expect(manager().queryOffset('G', 'T', 0)).toBe(12);
  });

  test('a kill loses the commits since the last round; an unfsynced round survives it (page cache)', () => {
    const { world, node, manager } = offsetNode({ flushLatencyMs: 3_000 });
    manager().commitOffset('c', 'G', 'T', 0, 10);
    world.runUntil(12_000);
    manager().commitOffset('c', 'G', 'T', 0, 15);
    world.runUntil(19_000); // the 15 s round: .bak durable at 18 s, the file rewritten then, fsync pending
    manager().commitOffset('c', 'G', 'T', 0, 19);
    node.kill();
    node.start();
    expect(manager().queryOffset('G', 'T', 0)).toBe(15);
  });

  test('a power loss keeps only what was fsynced: mid-round, the .bak holds the previous round', () => {
    const { world, node, manager, events } = offsetNode({ flushLatencyMs: 3_000 });
    manager().commitOffset('c', 'G', 'T', 0, 10);
    world.runUntil(12_000);
    manager().commitOffset('c', 'G', 'T', 0, 15);
    world.runUntil(19_000);
    node.powerOff();
    expect(node.disk.size(FILE)).toBe(0);
    node.start();
    expect(manager().queryOffset('G', 'T', 0)).toBe(10);
    expect(events('config.loaded').at(-1)).toEqual({ path: FILE, from: 'bak' });
  });

  test('a power loss before the first fsync: no offsets, as on a first start', () => {
    const { world, node, manager, loads } = offsetNode({ flushLatencyMs: 3_000 });
    manager().commitOffset('c', 'G', 'T', 0, 10);
    world.runUntil(11_000);
    node.powerOff();
    node.start();
    expect([loads.at(-1), manager().queryOffset('G', 'T', 0)]).toEqual([true, -1]);
  });

  test('a torn or corrupt file falls back to the .bak; if the .bak is bad too, the load fails', () => {
    const { world, node, manager, loads, events } = offsetNode();
    manager().commitOffset('c', 'G', 'T', 0, 10);
    world.runUntil(10_001);
    manager().commitOffset('c', 'G', 'T', 0, 15);
    world.runUntil(15_001);
    node.kill();
    node.disk.write(FILE, 5, new Uint8Array(8)); // zeros where a torn page was never written
    node.start();
    expect([loads.at(-1), manager().queryOffset('G', 'T', 0)]).toEqual([true, 10]);
    expect(events('config.load-failed')).toHaveLength(1);
    node.kill();
    node.disk.write(`${FILE}.bak`, 0, utf8Encoder.encode('{"offsetTable":{"T@G":{"0":"x"}}}'));
    node.start();
    expect(loads.at(-1)).toBe(false);
  });
});

describe('ConsumerOffsetManager.encode', () => {
  const key = fc.oneof(
    fc.constantFrom('T@G', '%RETRY%G@G', '__proto__', '7', '0', '01', '4294967294', '4294967295', 'a"b\\'),
    fc.string({ unit: 'binary' }),
  );
  const queueId = fc.oneof(
    fc.nat(20),
    fc.integer({ min: -3, max: 2 ** 33 }),
    fc.constantFrom(0.5, 2 ** 32 - 2),
  );
  const offset = fc.oneof(fc.integer({ min: -1, max: 2 ** 40 }), fc.constantFrom(Infinity, NaN));
  ptest.prop([
    fc.array(fc.tuple(key, fc.array(fc.tuple(queueId, offset), { maxLength: 6 })), { maxLength: 6 }),
  ])("writes what JSON.stringify writes for the table as objects, in an object's key order", (rows) => {
    const m = new ConsumerOffsetManager({} as Env, 'store');
    const asObjects: Record<string, Record<string, number>> = {};
    for (const [k, queues] of rows) {
      m.putOffsets(k, queues);
      asObjects[k] = Object.fromEntries(m.offsetTable.get(k)!);
    }
    const text = JSON.stringify({ offsetTable: asObjects }, null, '\t');
    expect(m.encode()).toBe(text);
    const bytes = (m as unknown as { encodeBytes(): Uint8Array }).encodeBytes();
    expect(bytes).toEqual(utf8Encoder.encode(text));
    expect(m.encode()).toBe(text); // once more, with its queues put in order
  });
});

describe('ConsumerOffsetManager, the kept text', () => {
  const env = { probe() {}, trace() {} } as unknown as Env;
  const asText = (m: ConsumerOffsetManager) => {
    const objects = [...m.offsetTable].map(([key, queues]) => [key, Object.fromEntries(queues)]);
    return JSON.stringify({ offsetTable: Object.fromEntries(objects) }, null, '\t');
  };
  const name = fc.constantFrom('G', 'H', 'T');
  const queues = fc.array(fc.tuple(fc.nat(3), fc.nat(3)), { maxLength: 4 });
  const op = fc.oneof(
    fc.record({ commit: fc.tuple(name, name, fc.nat(3), fc.nat(3)) }),
    fc.record({ remove: name }),
    fc.record({ put: fc.tuple(fc.constantFrom('T@G', 'T@H', 'G@T'), queues) }),
    fc.record({
      decode: fc.dictionary(
        fc.constantFrom('T@G', 'H@H'),
        fc.dictionary(fc.constantFrom('0', '2'), fc.nat(3)),
      ),
    }),
  );
  ptest.prop([fc.array(op, { maxLength: 30 })])(
    'is the text of the table as it is after any commits, removals, copies and loads',
    (ops) => {
      const m = new ConsumerOffsetManager(env, 'store');
      for (const o of ops) {
        const before = m.changeCount;
        const text = m.encode();
        if ('commit' in o) {
          const [group, topic, queueId, offset] = o.commit;
          const same = m.queryOffset(group, topic, queueId) === offset;
          m.commitOffset('c', group, topic, queueId, offset);
          if (same) expect(m.changeCount).toBe(before); // the offset already stored changes nothing
        } else if ('remove' in o) m.removeOffset(o.remove);
        else if ('put' in o) m.putOffsets(...o.put);
        else m.decode(JSON.stringify({ offsetTable: o.decode }));
        expect(m.encode()).toBe(asText(m));
        if (m.changeCount === before) expect(m.encode()).toBe(text);
      }
    },
  );
});
