// UPDATE_AND_CREATE_TOPIC (mqadmin updateTopic, RocketMQ 4.9's AdminBrokerProcessor): creates or
// replaces a topic's config (read and write queue numbers, permission, system flag) and registers
// with the NameServers at once, so clients find the topic at their next route poll.
// Simplifications: no order flag or topic filter type (this model keeps neither); the topic may not
// be the cluster's name, as in 4.9, but other system-topic checks of later versions are not made.
import { z } from 'zod';
import { PermName } from '../protocol/perm-name.ts';
import { malformed, response } from '../protocol/remoting-command.ts';
import { RequestCode } from '../protocol/request-code.ts';
import { ResponseCode } from '../protocol/response-code.ts';
import type { BrokerContext, RequestProcessor } from './broker-context.ts';
import { newTopicConfig, type TopicConfigManager } from './topic-config-manager.ts';
import { topicProblem } from '../protocol/topic-validator.ts';
import { javaInt } from '../protocol/header-reader.ts';

export const createTopicRequestHeaderSchema = z.object({
  topic: z.string().min(1),
  readQueueNums: javaInt(z.number().int().positive().default(8)),
  writeQueueNums: javaInt(z.number().int().positive().default(8)),
  perm: javaInt(
    z
      .number()
      .int()
      .default(PermName.PERM_READ | PermName.PERM_WRITE),
  ),
  topicSysFlag: javaInt(z.number().int().default(0)),
});

export function topicAdminProcessors(
  ctx: BrokerContext,
  topics: TopicConfigManager,
  register: () => void,
): Map<number, RequestProcessor> {
  const updateAndCreateTopic: RequestProcessor = (req, reply) => {
    const header = createTopicRequestHeaderSchema.safeParse(req.extFields ?? {});
    if (!header.success) return reply?.answer(malformed('UPDATE_AND_CREATE_TOPIC header', header.error));
    const { topic, ...config } = header.data;
    const problem =
      topic === ctx.conf.broker.brokerClusterName
        ? `the topic[${topic}] is conflict with system reserved words.`
        : topicProblem(topic);
    if (problem !== undefined) return reply?.answer(response(ResponseCode.SYSTEM_ERROR, problem));
    topics.updateTopicConfig(topic, newTopicConfig(config));
    ctx.env.trace('broker.topic-updated', { topic, ...config });
    register();
    reply?.answer(response(ResponseCode.SUCCESS));
  };
  return new Map([[RequestCode.UPDATE_AND_CREATE_TOPIC, updateAndCreateTopic]]);
}
