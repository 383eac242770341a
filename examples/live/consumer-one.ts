// The seed's ConsumerOne with rmqsim's own DefaultMQPushConsumer, live. COUNT=n stops it after n
// messages, GROUP=g names another group (the tests use them); by default it runs until Ctrl-C.
// Run: npx tsx consumer-one.ts
import {
  DefaultMQPushConsumer,
  type ConsumeConcurrentlyStatus,
} from '../../core/client/default-mq-push-consumer.ts';
import type { MessageExt } from '../../core/message/message.ts';
import { startClient } from '../../live/clients.ts';

const namesrvAddr = process.env.NAMESRV_ADDR ?? '127.0.0.1:9876';
const count = Number(process.env.COUNT ?? Infinity);
let consumed = 0;
const client = await startClient(
  (env) => {
    const consumer = new DefaultMQPushConsumer(process.env.GROUP ?? 'myConsumerGroup', env);
    consumer.setNamesrvAddr(namesrvAddr);
    consumer.setConsumeFromWhere('CONSUME_FROM_FIRST_OFFSET');
    consumer.subscribe('myTopic', '*');
    consumer.registerMessageListener({
      consumeMessage(msgs: MessageExt[]): ConsumeConcurrentlyStatus {
        for (const msg of msgs) console.log(`消费消息:${new TextDecoder().decode(msg.body)}`);
        consumed += msgs.length;
        if (consumed >= count) setImmediate(() => void client.stop());
        return 'CONSUME_SUCCESS';
      },
    });
    consumer.start();
    console.log('ConsumerOne Started.');
    return consumer;
  },
  { namesrvAddr },
);
process.once('SIGINT', () => void client.stop());
