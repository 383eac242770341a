// HeartbeatData (a client's HEART_BEAT body): its client id, its producer groups and its consumer
// groups, each with its ConsumerData and SubscriptionData, and FilterAPI.buildSubscriptionData,
// which both the consumer (to subscribe) and the broker (a pull's own subscription) use.
// Simplifications: only TAG expressions; no unitMode, classFilterMode or filterClassSource.
import { z } from 'zod';
import { javaHashCode } from '../message/java-hash.ts';

/** SubscriptionData.SUB_ALL. */
export const SUB_ALL = '*';

export const subscriptionDataSchema = z.object({
  topic: z.string().min(1),
  subString: z.string(),
  tagsSet: z.array(z.string()),
  codeSet: z.array(z.number().int()),
  subVersion: z.number().int(),
  expressionType: z.string().default('TAG'),
});
export type SubscriptionData = z.output<typeof subscriptionDataSchema>;

export const consumerDataSchema = z.object({
  groupName: z.string().min(1),
  consumeType: z.enum(['CONSUME_ACTIVELY', 'CONSUME_PASSIVELY']),
  messageModel: z.enum(['BROADCASTING', 'CLUSTERING']),
  consumeFromWhere: z.string(),
  subscriptionDataSet: z.array(subscriptionDataSchema),
});
export type ConsumerData = z.output<typeof consumerDataSchema>;

export const heartbeatDataSchema = z.object({
  clientID: z.string().min(1),
  producerDataSet: z.array(z.object({ groupName: z.string().min(1) })).default([]),
  consumerDataSet: z.array(consumerDataSchema).default([]),
});
export type HeartbeatData = z.input<typeof heartbeatDataSchema>;

/** FilterAPI.buildSubscriptionData: `a || b` becomes tags {a, b} and their Java hash codes. */
export function buildSubscriptionData(
  topic: string,
  subString: string,
  subVersion: number,
): SubscriptionData {
  const base = { topic, subVersion, expressionType: 'TAG', tagsSet: [] as string[], codeSet: [] as number[] };
  if (subString.trim() === '' || subString === SUB_ALL) return { ...base, subString: SUB_ALL };
  const tags = subString
    .split('||')
    .map((t) => t.trim())
    .filter((t) => t.length > 0);
  return { ...base, subString, tagsSet: tags, codeSet: tags.map(javaHashCode) };
}
