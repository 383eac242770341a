// PULL_MESSAGE's protocol: PullSysFlag's bits, PullMessageRequestHeader (its numbers may be text,
// read as Java reads them, with a fast reader for a well-formed header) and PullMessageResponseHeader.
import { z } from 'zod';
import { parseJavaInt } from '../message/message.ts';
import { javaInt, javaLong, NO_FIELDS, parseJavaLong } from './header-reader.ts';
import type { ExtFields } from './remoting-command.ts';

/** PullSysFlag's bits. */
export const PullSysFlag = {
  COMMIT_OFFSET: 0x1,
  SUSPEND: 0x2,
  SUBSCRIPTION: 0x4,
  CLASS_FILTER: 0x8,
  LITE_PULL_MESSAGE: 0x10,
} as const;

export const pullMessageRequestHeaderSchema = z.object({
  consumerGroup: z.string().min(1),
  topic: z.string().min(1),
  queueId: javaInt(),
  queueOffset: javaLong(),
  maxMsgNums: javaInt(),
  sysFlag: javaInt(),
  commitOffset: javaLong(),
  suspendTimeoutMillis: javaLong(),
  subscription: z.string().optional(),
  subVersion: javaLong(),
  expressionType: z.string().optional(),
});
export type PullMessageRequestHeader = z.infer<typeof pullMessageRequestHeaderSchema>;

/** A number field of the header: as it is, or its text read as Java reads it; undefined if neither. */
function numberField(value: unknown, parse: (text: string) => number | undefined): number | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) ? value : undefined;
  return typeof value === 'string' ? parse(value) : undefined;
}

/** A header to read pulls into (readPullMessageRequestHeader), its fields in the schema's order. */
export function newPullMessageRequestHeader(): PullMessageRequestHeader {
  return {
    consumerGroup: '',
    topic: '',
    queueId: 0,
    queueOffset: 0,
    maxMsgNums: 0,
    sysFlag: 0,
    commitOffset: 0,
    suspendTimeoutMillis: 0,
    subscription: undefined,
    subVersion: 0,
    expressionType: undefined,
  } as PullMessageRequestHeader;
}

/**
 * Reads `ext` into `into` (newPullMessageRequestHeader's; an absent optional field undefined) as
 * the schema would, and returns undefined; or leaves `into` unusable and returns the schema's
 * error. A well-formed header (every pull a client sends) is read without zod and into one object
 * the broker keeps: zod's parse of each pull header was a tenth of a run's allocations. A header
 * the quick reading refuses goes through the schema, which says what is wrong with it.
 */
export function readPullMessageRequestHeader(
  ext: ExtFields | undefined,
  into: PullMessageRequestHeader,
): z.ZodError | undefined {
  const e = ext ?? NO_FIELDS;
  const { consumerGroup, topic, subscription, expressionType } = e;
  const queueId = numberField(e.queueId, parseJavaInt);
  const queueOffset = numberField(e.queueOffset, parseJavaLong);
  const maxMsgNums = numberField(e.maxMsgNums, parseJavaInt);
  const sysFlag = numberField(e.sysFlag, parseJavaInt);
  const commitOffset = numberField(e.commitOffset, parseJavaLong);
  const suspendTimeoutMillis = numberField(e.suspendTimeoutMillis, parseJavaLong);
  const subVersion = numberField(e.subVersion, parseJavaLong);
  const wellFormed =
    typeof consumerGroup === 'string' &&
    consumerGroup.length > 0 &&
    typeof topic === 'string' &&
    topic.length > 0 &&
    (subscription === undefined || typeof subscription === 'string') &&
    (expressionType === undefined || typeof expressionType === 'string') &&
    queueId !== undefined &&
    queueOffset !== undefined &&
    maxMsgNums !== undefined &&
    sysFlag !== undefined &&
    commitOffset !== undefined &&
    suspendTimeoutMillis !== undefined &&
    subVersion !== undefined;
  if (!wellFormed) {
    const parsed = pullMessageRequestHeaderSchema.safeParse(e);
    if (!parsed.success) return parsed.error;
    return void Object.assign(into, UNSET_OPTIONALS, parsed.data);
  }
  into.consumerGroup = consumerGroup;
  into.topic = topic;
  into.queueId = queueId;
  into.queueOffset = queueOffset;
  into.maxMsgNums = maxMsgNums;
  into.sysFlag = sysFlag;
  into.commitOffset = commitOffset;
  into.suspendTimeoutMillis = suspendTimeoutMillis;
  into.subscription = subscription;
  into.subVersion = subVersion;
  into.expressionType = expressionType;
  return undefined;
}

/** What the schema's answer leaves out when the header has no such field. */
const UNSET_OPTIONALS = Object.freeze({ subscription: undefined, expressionType: undefined });

export interface PullMessageResponseHeader {
  suggestWhichBrokerId: number;
  nextBeginOffset: number;
  minOffset: number;
  maxOffset: number;
}
