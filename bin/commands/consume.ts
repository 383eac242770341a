// `rmqsim consume`: rmqsim's own DefaultMQPushConsumer (core/client) against a live NameServer.
import type { Command } from 'commander';
import { act } from '../action.ts';
import { namesrvAddrOption, textOption, topicOption, valueOption, wholeNumber } from '../options.ts';

export function registerConsume(program: Command): void {
  const command = program
    .command('consume')
    .description("receive messages with rmqsim's DefaultMQPushConsumer from a live NameServer's brokers")
    .addOption(namesrvAddrOption())
    .addOption(topicOption())
    .addOption(textOption('-g, --group <group>', 'the consumer group (default: myConsumerGroup)'))
    .addOption(textOption('-s, --subExpression <expr>', 'tags, e.g. "TagA || TagB" (default: *)'))
    .option('--from-first', "a new group starts at the queues' first offset (default: the last)")
    .addOption(valueOption('--count <n>', 'stop after this many messages', wholeNumber(1, 1_000_000_000)))
    .addOption(
      valueOption(
        '--idle <ms>',
        'stop when nothing arrived for this long (default: 10000)',
        wholeNumber(100, 86_400_000),
      ),
    )
    .addHelpText(
      'after',
      '\nprints one line a message\nexample: rmqsim consume -n 127.0.0.1:9876 -t myTopic --from-first --count 10',
    );
  act(
    command,
    async (f: {
      namesrvAddr: string;
      topic: string;
      group?: string;
      subExpression?: string;
      fromFirst?: true;
      count?: number;
      idle?: number;
    }) => {
      const { consume, messageLine } = await import('../../live/clients.ts');
      await consume({
        namesrvAddr: f.namesrvAddr,
        topic: f.topic,
        group: f.group ?? 'myConsumerGroup',
        ...(f.subExpression !== undefined && { subExpression: f.subExpression }),
        from: f.fromFirst ? 'CONSUME_FROM_FIRST_OFFSET' : 'CONSUME_FROM_LAST_OFFSET',
        ...(f.count !== undefined && { count: f.count }),
        idleMs: f.idle ?? 10_000,
        onMessage: (msg) => console.log(messageLine(msg)),
      });
      return 0;
    },
  );
}
