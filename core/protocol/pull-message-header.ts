// PULL_MESSAGE's protocol: PullSysFlag's bits, PullMessageRequestHeader (with a fast reader for
// a header whose fields are already of their types) and PullMessageResponseHeader.
import { z } from 'zod';
import type { ExtFields } from './remoting-command.ts';

/** PullSysFlag's bits. */
export const PullSysFlag = {
  COMMIT_OFFSET: 0x1,
  SUSPEND: 0x2,
  SUBSCRIPTION: 0x4,
  CLASS_FILTER: 0x8,
  LITE_PULL_MESSAGE: 0x10,
} as const;

const int = z.number().int();
export const pullMessageRequestHeaderSchema = z.object({
  consumerGroup: z.string().min(1),
  topic: z.string().min(1),
  queueId: int,
  queueOffset: int,
  maxMsgNums: int,
  sysFlag: int,
  commitOffset: int,
  suspendTimeoutMillis: int,
  subscription: z.string().optional(),
  subVersion: int,
  expressionType: z.string().optional(),
});
export type PullMessageRequestHeader = z.infer<typeof pullMessageRequestHeaderSchema>;

const PULL_INT_FIELDS = [
  'queueId',
  'queueOffset',
  'maxMsgNums',
  'sysFlag',
  'commitOffset',
  'suspendTimeoutMillis',
  'subVersion',
] as const;

/**
 * The schema's answer, without zod for a header every field of which is already of its type (every
 * pull a client sends): zod's parse of each pull header was a tenth of a run's allocations. A
 * header the quick test refuses goes through the schema, which says what is wrong with it.
 */
export function parsePullMessageRequestHeader(
  ext: ExtFields | undefined,
): z.ZodSafeParseResult<PullMessageRequestHeader> {
  const e = ext ?? {};
  const { consumerGroup, topic, subscription, expressionType } = e;
  const wellFormed =
    typeof consumerGroup === 'string' &&
    consumerGroup.length > 0 &&
    typeof topic === 'string' &&
    topic.length > 0 &&
    (subscription === undefined || typeof subscription === 'string') &&
    (expressionType === undefined || typeof expressionType === 'string') &&
    PULL_INT_FIELDS.every((name) => Number.isSafeInteger(e[name]));
  if (!wellFormed) return pullMessageRequestHeaderSchema.safeParse(e);
  const data = {
    consumerGroup,
    topic,
    queueId: e.queueId as number,
    queueOffset: e.queueOffset as number,
    maxMsgNums: e.maxMsgNums as number,
    sysFlag: e.sysFlag as number,
    commitOffset: e.commitOffset as number,
    suspendTimeoutMillis: e.suspendTimeoutMillis as number,
  } as PullMessageRequestHeader;
  // In the schema's key order, an absent optional field absent, as zod returns them.
  if (subscription !== undefined) data.subscription = subscription;
  data.subVersion = e.subVersion as number;
  if (expressionType !== undefined) data.expressionType = expressionType;
  return { success: true, data };
}

export interface PullMessageResponseHeader {
  suggestWhichBrokerId: number;
  nextBeginOffset: number;
  minOffset: number;
  maxOffset: number;
}
