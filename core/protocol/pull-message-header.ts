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

/**
 * The schema's answer, without zod for a well-formed header (every pull a client sends): zod's
 * parse of each pull header was a tenth of a run's allocations. A header the quick reading refuses
 * goes through the schema, which says what is wrong with it.
 */
export function parsePullMessageRequestHeader(
  ext: ExtFields | undefined,
): z.ZodSafeParseResult<PullMessageRequestHeader> {
  const e = ext ?? NO_FIELDS;
  const { consumerGroup, topic, subscription, expressionType } = e;
  const data = {
    consumerGroup,
    topic,
    queueId: numberField(e.queueId, parseJavaInt),
    queueOffset: numberField(e.queueOffset, parseJavaLong),
    maxMsgNums: numberField(e.maxMsgNums, parseJavaInt),
    sysFlag: numberField(e.sysFlag, parseJavaInt),
    commitOffset: numberField(e.commitOffset, parseJavaLong),
    suspendTimeoutMillis: numberField(e.suspendTimeoutMillis, parseJavaLong),
  } as PullMessageRequestHeader;
  const wellFormed =
    typeof consumerGroup === 'string' &&
    consumerGroup.length > 0 &&
    typeof topic === 'string' &&
    topic.length > 0 &&
    (subscription === undefined || typeof subscription === 'string') &&
    (expressionType === undefined || typeof expressionType === 'string') &&
    data.queueId !== undefined &&
    data.queueOffset !== undefined &&
    data.maxMsgNums !== undefined &&
    data.sysFlag !== undefined &&
    data.commitOffset !== undefined &&
    data.suspendTimeoutMillis !== undefined;
  const subVersion = numberField(e.subVersion, parseJavaLong);
  if (!wellFormed || subVersion === undefined) return pullMessageRequestHeaderSchema.safeParse(e);
  // In the schema's key order, an absent optional field absent, as zod returns them.
  if (subscription !== undefined) data.subscription = subscription;
  data.subVersion = subVersion;
  if (expressionType !== undefined) data.expressionType = expressionType;
  return { success: true, data };
}

export interface PullMessageResponseHeader {
  suggestWhichBrokerId: number;
  nextBeginOffset: number;
  minOffset: number;
  maxOffset: number;
}
