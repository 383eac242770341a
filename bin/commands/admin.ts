// `rmqsim admin updateTopic | topicStatus | consumerProgress`: mqadmin's words, against a live
// NameServer and its brokers.
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

/** Runs one admin request against the NameServer and prints its lines or table. */
async function withAdmin(
  namesrvAddr: string,
  run: (admin: import('../../live/admin.ts').AdminClient) => Promise<string[] | string[][]>,
) {
  const [{ AdminClient }, { table }] = await Promise.all([
    import('../../live/admin.ts'),
    import('../../reports/terminal-table.ts'),
  ]);
  const admin = new AdminClient(namesrvAddr);
  try {
    const out = await run(admin);
    if (out.length > 0 && Array.isArray(out[0])) {
      const [head, ...rows] = out as string[][];
      console.log(table(head!, rows));
    } else console.log((out as string[]).join('\n'));
    return 0;
  } finally {
    await admin.close();
  }
}

export function registerAdmin(program: Command): void {
  const admin = program
    .command('admin')
    .description("mqadmin's updateTopic, topicStatus and consumerProgress, live");
  const update = admin
    .command('updateTopic')
    .description('create or update a topic on every master of a cluster (-c) or on one broker (-b)')
    .addOption(namesrvAddrOption())
    .addOption(topicOption())
    .addOption(textOption('-c, --clusterName <cluster>', 'the cluster whose masters get the topic'))
    .addOption(textOption('-b, --brokerAddr <addr>', 'the one broker that gets the topic'))
    .addOption(valueOption('-r, --readQueueNums <n>', 'read queues (default: 8)', wholeNumber(1, 1024)))
    .addOption(valueOption('-w, --writeQueueNums <n>', 'write queues (default: 8)', wholeNumber(1, 1024)))
    .addOption(valueOption('-p, --perm <perm>', 'permission, 2 W, 4 R, 6 RW (default: 6)', wholeNumber(0, 7)))
    .addHelpText(
      'after',
      '\nexample: rmqsim admin updateTopic -n 127.0.0.1:9876 -c DefaultCluster -t myTopic',
    );
  act(
    update,
    async (f: {
      namesrvAddr: string;
      topic: string;
      clusterName?: string;
      brokerAddr?: string;
      readQueueNums?: number;
      writeQueueNums?: number;
      perm?: number;
    }) => {
      if ((f.clusterName === undefined) === (f.brokerAddr === undefined))
        throw new UsageError('give one of -c <cluster> and -b <brokerAddr>');
      const { updateTopic } = await import('../../live/admin.ts');
      return withAdmin(f.namesrvAddr, (a) =>
        updateTopic(a, {
          topic: f.topic,
          ...(f.clusterName !== undefined && { cluster: f.clusterName }),
          ...(f.brokerAddr !== undefined && { brokerAddr: f.brokerAddr }),
          readQueueNums: f.readQueueNums ?? 8,
          writeQueueNums: f.writeQueueNums ?? 8,
          perm: f.perm ?? 6,
        }),
      );
    },
  );
  const status = admin
    .command('topicStatus')
    .description("a topic's queues: min and max offsets on each broker")
    .addOption(namesrvAddrOption())
    .addOption(topicOption())
    .addHelpText('after', '\nexample: rmqsim admin topicStatus -n 127.0.0.1:9876 -t myTopic');
  act(status, async (f: { namesrvAddr: string; topic: string }) => {
    const { topicStatus } = await import('../../live/admin.ts');
    return withAdmin(f.namesrvAddr, (a) => topicStatus(a, f.topic));
  });
  const progress = admin
    .command('consumerProgress')
    .description(
      "a group's progress on a topic: broker offset, consumer offset and their difference per queue",
    )
    .addOption(namesrvAddrOption())
    .addOption(textOption('-g, --consumerGroup <group>', 'the consumer group').makeOptionMandatory())
    .addOption(topicOption())
    .addHelpText(
      'after',
      '\nexample: rmqsim admin consumerProgress -n 127.0.0.1:9876 -g myConsumerGroup -t myTopic',
    );
  act(progress, async (f: { namesrvAddr: string; consumerGroup: string; topic: string }) => {
    const { consumerProgress } = await import('../../live/admin.ts');
    return withAdmin(f.namesrvAddr, (a) => consumerProgress(a, f.consumerGroup, f.topic));
  });
}
