// fast-check arbitraries for the message and store formats, shared by their tests (and by any
// property test that needs a valid record). Generates only what the formats can represent:
// non-empty property text without separators, well-formed Unicode topics of at most 127 bytes,
// IPv4 hosts, 32-bit ints where Java has an int and safe integers where it has a long.
import fc from 'fast-check';
import { MAX_TOPIC_LENGTH, type RecordInput } from '../store/commit-log-record.ts';
import { utf8Length } from './bytes.ts';
import type { Host } from './host.ts';
import { MessageConst } from './message.ts';

const int32 = fc.integer({ min: -0x8000_0000, max: 0x7fff_ffff });

export const propertyText = fc
  .string({ unit: 'grapheme', minLength: 1, maxLength: 12 })
  .filter((s) => !s.includes('\u0001') && !s.includes('\u0002'));

/** Names RocketMQ reads itself appear often, so decoders meet them. */
const propertyName = fc.oneof(
  fc.constantFrom(MessageConst.KEYS, MessageConst.TAGS, MessageConst.UNIQ_KEY, MessageConst.DELAY),
  propertyText,
);

export const propertyMap = fc
  .uniqueArray(fc.tuple(propertyName, propertyText), { selector: ([name]) => name, maxLength: 8 })
  .map((entries) => new Map(entries));

export const host: fc.Arbitrary<Host> = fc
  .record({ octets: fc.array(fc.nat(255), { minLength: 4, maxLength: 4 }), port: fc.nat(65535) })
  .map(({ octets, port }) => ({ ip: octets.join('.'), port }));

/** Within V1's 1-byte topic length. */
export const topic = fc
  .string({ unit: 'grapheme', maxLength: 40 })
  .filter((s) => utf8Length(s) <= MAX_TOPIC_LENGTH);

export const recordInput: fc.Arbitrary<RecordInput> = fc.record({
  topic,
  body: fc.uint8Array({ maxLength: 200 }),
  properties: propertyMap,
  queueId: int32,
  flag: int32,
  queueOffset: fc.maxSafeInteger(),
  commitLogOffset: fc.maxSafeInteger(),
  // Bits 4 and 5 would mean IPv6 hosts, which the model does not store.
  sysFlag: int32.map((f) => f & ~0x30),
  bornTimestamp: fc.maxSafeInteger(),
  bornHost: host,
  storeTimestamp: fc.maxSafeInteger(),
  storeHost: host,
  reconsumeTimes: int32,
  preparedTransactionOffset: fc.maxSafeInteger(),
});
