import { fc, test as ptest } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { utf8Encoder } from '../message/bytes.ts';
import { JsonBytes } from './json-bytes.ts';

const key = fc.oneof(
  fc.constantFrom('__proto__', '7', '01', 'a"b\\', 'toJSON'),
  fc.string({ unit: 'binary' }),
);
const odd = fc.constantFrom<unknown>(
  undefined,
  () => 1,
  { toJSON: () => 'x' },
  new (class {
    a = 1;
  })(),
  Object.assign(Object.create(null), { x: 1 }),
);
const value = fc.oneof(
  fc.jsonValue(),
  odd,
  fc.dictionary(key, fc.oneof(fc.jsonValue(), odd), { maxKeys: 5 }),
);

describe('JsonBytes', () => {
  ptest.prop([value, fc.nat(3)])(
    "value() writes JSON.stringify(value, null, '\\t'), nested as deep",
    (v, depth) => {
      const json = new JsonBytes();
      json.raw('[');
      json.value(v === undefined ? null : v, depth);
      const tabs = '\t'.repeat(depth);
      const expected = `[${(JSON.stringify(v === undefined ? null : v, null, '\t') ?? 'null').replaceAll('\n', `\n${tabs}`)}`;
      expect(json.text()).toBe(expected);
      expect(json.copy()).toEqual(utf8Encoder.encode(expected));
    },
  );

  ptest.prop([fc.array(fc.tuple(key, fc.oneof(fc.jsonValue(), odd)), { maxLength: 6 }), fc.boolean()])(
    'entries() writes the object a map makes, by Object.fromEntries or by assignment',
    (rows, assigned) => {
      const map = new Map(rows);
      const object: Record<string, unknown> = {};
      for (const [k, v] of map) object[k] = v;
      const expected = JSON.stringify(assigned ? object : Object.fromEntries(map), null, '\t');
      const json = new JsonBytes();
      json.entries(map, 0, assigned);
      expect(json.text()).toBe(expected);
    },
  );

  const id = fc.oneof(
    fc.nat(20),
    fc.integer({ min: -3, max: 2 ** 33 }),
    fc.constantFrom(0.5, -0, 2 ** 32 - 2, 1e21, Number.NaN),
  );
  const number = fc.oneof(fc.integer({ min: -1, max: 2 ** 40 }), fc.constantFrom(Infinity, NaN, 0.25));
  ptest.prop([fc.array(fc.tuple(id, number), { maxLength: 6 }), fc.nat(3)])(
    'numbers() writes the object Object.fromEntries makes of a map of numbers, nested as deep',
    (rows, depth) => {
      const map = new Map(rows);
      const expected = JSON.stringify(Object.fromEntries(map), null, '\t').replaceAll(
        '\n',
        `\n${'\t'.repeat(depth)}`,
      );
      const json = new JsonBytes();
      json.numbers(map, depth);
      expect(json.text()).toBe(expected);
    },
  );
});
