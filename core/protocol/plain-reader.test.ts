import { describe, expect, vi } from 'vitest';
import { test as ptest, fc } from '@fast-check/vitest';
import { z } from 'zod';
import { consumerOffsetWrapperSchema } from '../broker/consumer-offset-manager.ts';
import {
  queryConsumerOffsetRequestHeaderSchema,
  updateConsumerOffsetRequestHeaderSchema,
} from '../broker/consumer-manage-processor.ts';
import { subscriptionGroupWrapperSchema } from '../broker/subscription-group-manager.ts';
import { heartbeatDataSchema } from './heartbeat-data.ts';
import {
  getRouteInfoRequestHeaderSchema,
  registerBrokerBodySchema,
  registerBrokerRequestHeaderSchema,
  registerBrokerResponseHeaderSchema,
} from './namesrv-headers.ts';
import { plainParse, plainSafeParse } from './plain-reader.ts';
import { topicConfigSerializeWrapperSchema } from './topic-config.ts';

const word = fc.constantFrom(
  '',
  'a',
  'é',
  'topicA',
  '%RETRY%g',
  '12',
  '-3',
  'CONSUME_PASSIVELY',
  'CLUSTERING',
  'TAG',
);
const leaf = fc.oneof(
  word,
  fc.constantFrom(0, -1, 1, 3, 2 ** 53, 0.5, Number.NaN, Number.POSITIVE_INFINITY, -0),
  fc.boolean(),
  fc.constant(null),
  fc.constant(undefined),
);
/** Values near the schemas' shapes: objects whose keys are the schemas' own names, arrays, leaves. */
const KEYS = [
  'offsetTable',
  'topicConfigTable',
  'dataVersion',
  'timestamp',
  'counter',
  'readQueueNums',
  'writeQueueNums',
  'perm',
  'topicSysFlag',
  'subscriptionGroupTable',
  'groupName',
  'retryMaxTimes',
  'consumeEnable',
  'consumerGroup',
  'topic',
  'queueId',
  'commitOffset',
  'clientID',
  'producerDataSet',
  'consumerDataSet',
  'consumeType',
  'messageModel',
  'consumeFromWhere',
  'subscriptionDataSet',
  'subString',
  'tagsSet',
  'codeSet',
  'subVersion',
  'expressionType',
  'clusterName',
  'brokerName',
  'brokerAddr',
  'brokerId',
  'haServerAddr',
  'masterAddr',
  '0',
  '1',
  '__proto__',
  'g1',
];
const { value: nearly } = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.dictionary(fc.constantFrom(...KEYS), tie('value'), { maxKeys: 6 }),
    fc.array(tie('value'), { maxLength: 3 }),
  ),
}));

/** Values near the schema's shape, and valid ones. */
function mutated(schema: z.ZodType): fc.Arbitrary<unknown> {
  return fc.oneof(nearly, validOf(schema));
}

/** A valid value for the schemas under test, built from their definitions. */
function validOf(schema: z.ZodType, longStrings = false): fc.Arbitrary<unknown> {
  const def = (schema as unknown as { _zod: { def: Record<string, unknown> } })._zod.def;
  const sub = (s: unknown) => validOf(s as z.ZodType, longStrings);
  switch (def.type) {
    case 'object':
      return fc.record(Object.fromEntries(Object.entries(def.shape as object).map(([k, v]) => [k, sub(v)])));
    case 'record':
      return fc.dictionary(fc.constantFrom('0', '1', '12', 'topicA', 'g1'), sub(def.valueType), {
        maxKeys: 3,
      });
    case 'array':
      return fc.array(sub(def.element), { maxLength: 2 });
    case 'default':
    case 'optional':
      return fc.option(sub(def.innerType), { nil: undefined });
    case 'pipe':
      return fc.oneof(sub(def.out), sub(def.out).map(String));
    case 'enum':
      return fc.constantFrom(...Object.values(def.entries as object));
    case 'string':
      return longStrings
        ? fc.constantFrom('topicA', '%RETRY%g', 'broker-a')
        : fc.constantFrom('a', 'topicA', '%RETRY%g', 'é', '');
    case 'number':
      return fc.constantFrom(0, 1, 7, -1, 0.5, 2 ** 60);
    case 'boolean':
      return fc.boolean();
    default:
      return nearly;
  }
}

const SCHEMAS: [string, z.ZodType][] = [
  ['consumer offsets', consumerOffsetWrapperSchema],
  ['topic configs', topicConfigSerializeWrapperSchema],
  ['subscription groups', subscriptionGroupWrapperSchema],
  ['heartbeat', heartbeatDataSchema],
  ['UPDATE_CONSUMER_OFFSET header', updateConsumerOffsetRequestHeaderSchema],
  ['QUERY_CONSUMER_OFFSET header', queryConsumerOffsetRequestHeaderSchema],
  ['REGISTER_BROKER header', registerBrokerRequestHeaderSchema],
  ['REGISTER_BROKER body', registerBrokerBodySchema.optional()],
  ['REGISTER_BROKER answer', registerBrokerResponseHeaderSchema],
  ['GET_ROUTEINFO_BY_TOPIC header', getRouteInfoRequestHeaderSchema],
];

describe('plainSafeParse answers as the schema does', () => {
  for (const [name, schema] of SCHEMAS) {
    const read = plainSafeParse(schema);
    ptest.prop([mutated(schema)], { numRuns: 300 })(name, (value) => {
      const ours = read(value);
      const zods = schema.safeParse(value);
      expect(ours.success).toBe(zods.success);
      if (ours.success && zods.success) {
        expect(ours.data).toStrictEqual(zods.data);
        expect(JSON.stringify(ours.data)).toBe(JSON.stringify(zods.data));
      } else {
        expect(ours.error?.issues).toEqual(zods.error?.issues);
      }
    });
  }
});

/** A string value zod measures in code points (shorter than twice a minimum length of 1). */
const hasOneCharacterString = (value: unknown) =>
  /[:[,]"(?:[^"\\]|\\u[0-9a-f]{4})"/.test(JSON.stringify(value) ?? '');

describe('plainSafeParse reads a well-formed value without zod', () => {
  for (const [name, schema] of SCHEMAS) {
    ptest.prop([validOf(schema, true)], { numRuns: 100 })(name, (value) => {
      fc.pre(schema.safeParse(value).success && !hasOneCharacterString(value));
      const read = plainSafeParse(schema);
      const spy = vi.spyOn(schema, 'safeParse');
      try {
        expect(read(value).success).toBe(true);
        expect(spy).not.toHaveBeenCalled();
      } finally {
        spy.mockRestore();
      }
    });
  }
});

describe('plainParse', () => {
  const parse = plainParse(z.object({ n: z.number().int() }));
  ptest.prop([fc.integer()])('returns what the schema returns', (n) => {
    expect(parse({ n, extra: 1 })).toStrictEqual({ n });
  });
  ptest.prop([fc.oneof(fc.string(), fc.double({ noInteger: true }))])("throws the schema's error", (n) => {
    expect(() => parse({ n })).toThrow(z.ZodError);
  });
});
