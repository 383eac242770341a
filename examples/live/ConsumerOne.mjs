// The seed's ConsumerOne with ali-ons: a push consumer of myTopic that prints each message.
// COUNT=n makes it stop after n messages, GROUP=g names another group (the tests use them); by
// default it runs until Ctrl-C.
/* global process, console */
import ons from 'ali-ons';

const { Consumer } = ons;
const consumer = new Consumer({
  httpclient: {},
  nameSrv: process.env.NAMESRV_ADDR ?? '127.0.0.1:9876',
  consumerGroup: process.env.GROUP ?? 'myConsumerGroup',
  consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
});
consumer.on('error', () => {}); // e.g. the retry topic's route, which the first heartbeat creates
const count = Number(process.env.COUNT ?? Infinity);
let consumed = 0;
consumer.subscribe('myTopic', '*', async (msg) => {
  console.log(`消费消息:${msg.body.toString()}`);
  if (++consumed >= count) {
    await consumer.close();
    process.exit(0);
  }
});
await consumer.ready();
console.log('ConsumerOne Started.');
