// `rmqsim produce`: rmqsim's own DefaultMQProducer (core/client) against a live NameServer.
import type { Command } from 'commander';
import { act } from '../action.ts';
import {
  namesrvAddrOption,
  textOption,
  topicOption,
  UsageError,
  valueOption,
  wholeNumber,
} from '../options.ts';

export function registerProduce(program: Command): void {
  const command = program
    .command('produce')
    .description("send messages with rmqsim's DefaultMQProducer to a live NameServer's brokers")
    .addOption(namesrvAddrOption())
    .addOption(topicOption())
    .addOption(textOption('-g, --group <group>', 'the producer group (default: myProducerGroup)'))
    .addOption(textOption('--tag <tag>', "the messages' tag"))
    .addOption(textOption('--keys <k1,k2>', "the messages' keys, comma-separated"))
    .option('--property <name=value...>', 'a user property (repeatable)')
    .addOption(
      textOption('--body <text>', 'the body (default: "Hello RocketMQ"); with --count, " <i>" is added'),
    )
    .addOption(
      valueOption(
        '--count <n>',
        'how many messages, one after another (default: 1)',
        wholeNumber(1, 1_000_000),
      ),
    )
    .addHelpText(
      'after',
      '\nprints each SendResult; exit 1 if a send failed\nexample: rmqsim produce -n 127.0.0.1:9876 -t myTopic --tag TagA --count 10',
    );
  act(
    command,
    async (f: {
      namesrvAddr: string;
      topic: string;
      group?: string;
      tag?: string;
      keys?: string;
      property?: string[];
      body?: string;
      count?: number;
    }) => {
      const properties = new Map<string, string>();
      for (const p of f.property ?? []) {
        const at = p.indexOf('=');
        if (at <= 0 || at === p.length - 1) throw new UsageError(`--property ${p}: expected name=value`);
        properties.set(p.slice(0, at), p.slice(at + 1));
      }
      const { produce } = await import('../../live/clients.ts');
      const results = await produce({
        namesrvAddr: f.namesrvAddr,
        topic: f.topic,
        group: f.group ?? 'myProducerGroup',
        ...(f.tag !== undefined && { tag: f.tag }),
        ...(f.keys !== undefined && { keys: f.keys.split(',') }),
        properties,
        body: f.body ?? 'Hello RocketMQ',
        count: f.count ?? 1,
      });
      return results.every((r) => !(r instanceof Error)) ? 0 : 1;
    },
  );
}
