// What a broker tells the NameServer about its topics when it registers: its topic table
// (TopicConfigSerializeWrapper.topicConfigTable) and that table's DataVersion, which the broker
// bumps on every change so that the NameServer can skip rebuilding queue data when nothing changed.
// Simplifications: a TopicConfig keeps only the fields routes are built from (no topicFilterType,
// no order flag: order topics come from the NameServer's KV config in RocketMQ, not modelled); a
// DataVersion is (timestamp, counter), without 5.x's stateVersion.
import { z } from 'zod';

/** The topic every broker with autoCreateTopicEnable serves (TopicValidator.AUTO_CREATE_TOPIC_KEY_TOPIC). */
export const AUTO_CREATE_TOPIC_KEY_TOPIC = 'TBW102';

const count = z.number().int().nonnegative();

export const topicConfigSchema = z.object({
  readQueueNums: count,
  writeQueueNums: count,
  perm: count,
  topicSysFlag: count,
});
export type TopicConfig = Readonly<z.infer<typeof topicConfigSchema>>;

export const dataVersionSchema = z.object({ timestamp: z.number(), counter: z.number() });
export type DataVersion = Readonly<z.infer<typeof dataVersionSchema>>;

export const topicConfigSerializeWrapperSchema = z.object({
  topicConfigTable: z.record(z.string(), topicConfigSchema),
  dataVersion: dataVersionSchema,
});
export type TopicConfigSerializeWrapper = Readonly<z.infer<typeof topicConfigSerializeWrapperSchema>>;

/** DataVersion.equals: the same timestamp and the same counter. */
export function dataVersionEquals(a: DataVersion, b: DataVersion): boolean {
  return a.timestamp === b.timestamp && a.counter === b.counter;
}

/** DataVersion.nextVersion: the time of the change and one more change. */
export function nextDataVersion(version: DataVersion, now: number): DataVersion {
  return { timestamp: now, counter: version.counter + 1 };
}
