// The seed's ProducerMain with ali-ons (a Node.js client of RocketMQ 4.x): one synchronous send.
/* global process, console */
import ons from 'ali-ons';

const { Producer, Message } = ons;
const producer = new Producer({
  httpclient: {}, // ali-ons asks for one; it is used only to look NameServers up over HTTP
  nameSrv: process.env.NAMESRV_ADDR ?? '127.0.0.1:9876',
  producerGroup: 'myProducerGroup',
});
await producer.ready();
const msg = new Message('myTopic', 'TagA', '我是一个同步消息 ');
const sendResult = await producer.send(msg);
console.log(
  `SendResult [sendStatus=${sendResult.sendStatus}, msgId=${sendResult.msgId}, ` +
    `messageQueue=${JSON.stringify(sendResult.messageQueue)}, queueOffset=${sendResult.queueOffset}]`,
);
await producer.close();
process.exit(0); // ali-ons's background loops would keep the process for their next turn
