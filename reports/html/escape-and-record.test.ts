// The HTML reports' pure parts, no browser: escaping (text, attributes, JSON inside a script
// element, whole pages with hostile data) and the field-by-field decoding of a CommitLog record.
import { matrixCoverage } from '../../scenarios/coverage.ts';
import { describe, expect, test } from 'vitest';
import { encodeRecord, type RecordInput } from '../../core/store/commit-log-record.ts';
import { claimsHtml } from './claims-page.ts';
import { escapeHtml, html, jsonForScript } from './escape.ts';
import { decodeRecordFields, propertiesText } from './record-fields.ts';

const HOSTILE = '<script>alert(1)</script>';

describe('escaping', () => {
  test('escapeHtml turns markup and quotes into entities', () => {
    expect(escapeHtml(`${HOSTILE} & "a" 'b'`)).toBe(
      '&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;a&quot; &#39;b&#39;',
    );
  });

  test('html`` escapes every value, lists included, and keeps nested html as is', () => {
    const inner = html`<b>${HOSTILE}</b>`;
    const out = html`<p title="${'"x"'}">${[HOSTILE, 1]}${inner}${undefined}</p>`.text;
    expect(out).not.toContain('<script>');
    expect(out).toContain('<b>&lt;script&gt;');
    expect(out).toContain('title="&quot;x&quot;"');
  });

  test('jsonForScript has no < or > and parses back to the same value', () => {
    const value = { body: `${HOSTILE}<!-- \u2028 \u2029 & >`, n: [1, 2] };
    const text = jsonForScript(value);
    expect(text).not.toMatch(/[<>\u2028\u2029]/);
    expect(JSON.parse(text)).toEqual(value);
  });

  test('the claims page shows a hostile explanation as text', () => {
    const row = {
      claim: 'not-lost',
      cell: `x${HOSTILE}`,
      config: {
        flushDiskType: 'ASYNC_FLUSH',
        brokerRole: 'ASYNC_MASTER',
        slaves: 0,
        sendMode: 'sync',
        consumeMode: 'concurrently',
      },
      fault: 'power-loss',
      promised: true,
      verdict: 'refuted',
      seeds: 1,
      probes: {},
      counterexample: {
        seed: 1,
        property: 'lost',
        explanation: HOSTILE,
        faults: 2,
        messages: 3,
        scenario: { name: 'x', title: HOSTILE, lesson: { teaches: 't', expect: 'e', why: 'w' } },
        replay: `npx rmqsim replay ${HOSTILE}@1`,
        file: 'out/counterexamples/x.json',
      },
    } as const;
    const shard = { index: 1, count: 1 };
    const coverage = matrixCoverage([], []);
    const page = claimsHtml({ seeds: 1, from: 1, shard, claims: [row], lessons: [], coverage });
    expect(page).not.toContain(HOSTILE);
    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page).toContain('href="counterexamples/x%3Cscript%3Ealert(1)%3C%2Fscript%3E.html"');
  });
});

describe('record decoding', () => {
  const input: RecordInput = {
    topic: 'myTopic',
    body: new TextEncoder().encode(HOSTILE),
    properties: new Map([
      ['KEYS', 'm7'],
      ['TAGS', 'TagA'],
    ]),
    queueId: 3,
    flag: 0,
    queueOffset: 7,
    commitLogOffset: 4_294_967_396, // 2^32 + 100: the high word is used
    sysFlag: 0,
    bornTimestamp: 1_767_225_603_000,
    bornHost: { ip: '10.0.100.1', port: 5555 },
    storeTimestamp: 1_767_225_603_002,
    storeHost: { ip: '10.0.1.1', port: 10911 },
    reconsumeTimes: 2,
    preparedTransactionOffset: 0,
  };
  const bytes = encodeRecord(input);
  const fields = new Map(decodeRecordFields(bytes).map((f) => [f.name, f]));
  const value = (name: string) => fields.get(name)?.value;

  test('every field of the V1 layout, in order, at its offset', () => {
    expect([...fields.keys()]).toEqual([
      'total size',
      'magic code',
      'body CRC',
      'queue id',
      'flag',
      'queue offset',
      'physical offset',
      'sysflag',
      'born timestamp',
      'born host',
      'store timestamp',
      'store host',
      'reconsume times',
      'prepared transaction offset',
      'body length',
      'body',
      'topic length',
      'topic',
      'properties length',
      'properties',
    ]);
    expect(fields.get('physical offset')).toMatchObject({ offset: 28, length: 8 });
    expect(fields.get('body')).toMatchObject({ offset: 88, length: HOSTILE.length });
  });

  test('values read back what was encoded', () => {
    expect(value('total size')).toBe(String(bytes.length));
    expect(value('magic code')).toBe('0xdaa320a7 (MESSAGE_MAGIC_CODE)');
    expect(value('body CRC')).toMatch(/\(matches the body\)$/);
    expect(value('queue id')).toBe('3');
    expect(value('queue offset')).toBe('7');
    expect(value('physical offset')).toBe('4294967396');
    expect(value('born timestamp')).toBe('1767225603000 (2026-01-01T00:00:03.000Z)');
    expect(value('born host')).toBe('10.0.100.1:5555');
    expect(value('store host')).toBe('10.0.1.1:10911');
    expect(value('reconsume times')).toBe('2');
    expect(value('body')).toBe(HOSTILE);
    expect(value('topic')).toBe('myTopic');
    expect(value('properties')).toBe('KEYS=m7\nTAGS=TagA');
    expect(fields.get('physical offset')?.hex).toBe('00 00 00 01 00 00 00 64');
  });

  test('a flipped body bit shows as a CRC mismatch; a short record decodes as far as it goes', () => {
    const flipped = bytes.slice();
    flipped[88] ^= 1;
    expect(decodeRecordFields(flipped).find((f) => f.name === 'body CRC')?.value).toMatch(/MISMATCH/);
    const cut = decodeRecordFields(bytes.subarray(0, 95));
    expect(cut.at(-1)?.name).toBe('body');
    expect(decodeRecordFields(bytes.subarray(0, 10))[0]?.name).toBe('short record');
  });

  test('propertiesText splits RocketMQ property pairs', () => {
    expect(propertiesText('A\u0001x\u0002B\u0001y=z\u0002')).toBe('A=x\nB=y=z');
  });
});
