import { describe, expect, test } from 'vitest';
import { fc, test as ptest } from '@fast-check/vitest';
import { propertyMap } from './arbitraries.ts';
import { utf8Decoder, utf8Encoder } from './bytes.ts';
import {
  decodeProperties,
  encodeProperties,
  forEachProperty,
  propertiesByteLength,
  propertiesToString,
  stringProperty,
  stringToProperties,
} from './properties.ts';
import { runs } from '../../properties/fc-setup.ts';

const bytes = (...parts: (string | number)[]): Uint8Array =>
  new Uint8Array(parts.flatMap((p) => (typeof p === 'number' ? [p] : [...new TextEncoder().encode(p)])));

describe('encodeProperties', () => {
  test('name \\u0001 value per entry, joined by \\u0002 (none after the last: 4.9.1+), in insertion order', () => {
    const props = new Map([
      ['TAGS', 'TagA'],
      ['KEYS', 'k1 k2'],
    ]);
    expect(encodeProperties(props)).toEqual(bytes('TAGS', 1, 'TagA', 2, 'KEYS', 1, 'k1 k2'));
  });

  test('UTF-8 for non-ASCII text', () => {
    expect(encodeProperties(new Map([['k', '\u00e9\u{1F600}']]))).toEqual(
      bytes('k', 1, 0xc3, 0xa9, 0xf0, 0x9f, 0x98, 0x80),
    );
  });

  test('refuses a separator inside a name or a value', () => {
    expect(() => encodeProperties(new Map([['a\u0001b', 'v']]))).toThrow(RangeError);
    expect(() => encodeProperties(new Map([['k', 'v\u0002']]))).toThrow(RangeError);
  });
});

describe('decodeProperties follows Java string2messageProperties', () => {
  test('drops entries with an empty name or value, keeps the last of a repeated name', () => {
    const decoded = decodeProperties(bytes(1, 'v', 2, 'k', 1, 2, 'a', 1, 'x', 2, 'a', 1, 'y', 2));
    expect([...decoded]).toEqual([['a', 'y']]);
  });

  test('reads a last entry without its trailing separator, and a value holding \\u0001', () => {
    expect([...decodeProperties(bytes('k', 1, 'v', 1, 'w', 2, 'n', 1, 'm'))]).toEqual([
      ['k', 'v\u0001w'],
      ['n', 'm'],
    ]);
  });

  test('an entry without a name-value separator is skipped', () => {
    expect([...decodeProperties(bytes('junk', 2, 'k', 1, 'v', 2))]).toEqual([['k', 'v']]);
  });

  test('decodes only the given range', () => {
    const buf = bytes('x', 1, 'y', 2, 'k', 1, 'v', 2, 'z', 1, 'w', 2);
    expect([...decodeProperties(buf, 4, 8)]).toEqual([['k', 'v']]);
  });

  test('malformed UTF-8 becomes U+FFFD instead of throwing', () => {
    expect(decodeProperties(bytes('k', 1, 0xff, 2)).get('k')).toBe('\ufffd');
  });
});

ptest.prop([propertyMap])('unicode round trip, order kept, length known in advance', (props) => {
  const encoded = encodeProperties(props);
  expect(propertiesByteLength(props)).toBe(encoded.length);
  expect([...decodeProperties(encoded)]).toEqual([...props]);
});

ptest.prop([fc.uint8Array({ maxLength: 100 })])('never throws on arbitrary bytes', (buf) => {
  decodeProperties(buf);
  forEachProperty(buf, 0, buf.length, (ns, ne, vs, ve) => {
    expect(ns).toBeLessThan(ne);
    expect(vs).toBeLessThan(ve);
    expect(ve).toBeLessThanOrEqual(buf.length);
  });
});

describe('the text form (a SEND header)', () => {
  // Any text, lone surrogates included, with the separators often; maps of it (no separators).
  const text = fc.string({
    unit: fc.oneof(
      fc.constantFrom('\u0001', '\u0002', 'a', '\ud800', '\udc00'),
      fc.string({ unit: 'binary', maxLength: 1 }),
    ),
    maxLength: 24,
  });
  const anyMap = fc
    .uniqueArray(fc.tuple(text, text), { selector: ([name]) => name, maxLength: 6 })
    .map(
      (entries) =>
        new Map(
          entries.filter(([n, v]) => ![n, v].some((t) => t.includes('\u0001') || t.includes('\u0002'))),
        ),
    );

  ptest.prop([text], runs(500))('reads as the bytes of the text read, entry order included', (t) => {
    expect([...stringToProperties(t)]).toEqual([...decodeProperties(utf8Encoder.encode(t))]);
  });

  ptest.prop([text, fc.oneof(text, fc.constantFrom('a', 'UNIQ_KEY'))], runs(500))(
    "one property read from it is the map's, the last of its name",
    (t, name) => {
      expect(stringProperty(t, name)).toBe(stringToProperties(t).get(name));
      const twice = `${name}\u0001x\u0002${t}\u0002${name}\u0001last`;
      expect(stringProperty(twice, name)).toBe(stringToProperties(twice).get(name));
    },
  );

  ptest.prop([fc.oneof(propertyMap, anyMap)], runs(300))('is the text of the bytes', (props) => {
    expect(propertiesToString(props)).toBe(utf8Decoder.decode(encodeProperties(props)));
    expect([...stringToProperties(propertiesToString(props))]).toEqual([
      ...decodeProperties(encodeProperties(props)),
    ]);
  });

  test('a separator inside a name or value is refused, as in the bytes', () => {
    expect(() => propertiesToString(new Map([['a\u0002', 'b']]))).toThrow(RangeError);
  });
});
