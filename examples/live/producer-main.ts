// The seed's ProducerMain with rmqsim's own DefaultMQProducer (core/client: the code the
// simulation verifies), live: real sockets, against any NameServer. Run: npx tsx producer-main.ts
import { DefaultMQProducer } from '../../core/client/default-mq-producer.ts';
import { Message } from '../../core/message/message.ts';
import { startClient } from '../../live/clients.ts';

const namesrvAddr = process.env.NAMESRV_ADDR ?? '127.0.0.1:9876';
const client = await startClient(
  (env) => {
    const producer = new DefaultMQProducer('myProducerGroup', env);
    producer.setNamesrvAddr(namesrvAddr);
    producer.setSendMsgTimeout(60000);
    producer.start();
    const msg = new Message('myTopic', new TextEncoder().encode('我是一个同步消息 '), { tags: 'TagA' });
    producer.send(msg, (error, sendResult) => {
      console.log(error ? `send failed: ${error.message}` : `${sendResult}`);
      void client.stop();
    });
    return producer;
  },
  { namesrvAddr },
);
