import { fc, test as ptest } from '@fast-check/vitest';
import { describe, expect, test } from 'vitest';
import { ConfigError } from '../config-error.ts';
import { messageStoreConfigSchema, type MessageStoreConfigInput } from '../store/message-store-config.ts';
import { brokerConfFrom, parseBrokerConf, renderBrokerConf } from './broker-config.ts';
import { parseProperties, renderProperty } from './java-properties.ts';

/** RocketMQ 4.9's conf/broker.conf, edited as the seed article says (namesrvAddr added). */
const SEED_BROKER_CONF = `# Licensed to the Apache Software Foundation (ASF) under one or more
# contributor license agreements.  See the NOTICE file distributed with
# this work for additional information regarding copyright ownership.
#
#     http://www.apache.org/licenses/LICENSE-2.0
#

brokerClusterName = DefaultCluster
brokerName = broker-a
brokerId = 0
deleteWhen = 04
fileReservedTime = 48
brokerRole = ASYNC_MASTER
flushDiskType = ASYNC_FLUSH
namesrvAddr=localhost:9876
`;

/** The ConfigError message parseBrokerConf throws for `text`. */
function problem(text: string): string {
  try {
    parseBrokerConf(text);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).message;
  }
  throw new Error(`parsed: ${text}`);
}

describe('parseBrokerConf', () => {
  test("the seed article's broker.conf parses", () => {
    const { broker, store } = parseBrokerConf(SEED_BROKER_CONF);
    expect(broker).toMatchObject({
      brokerClusterName: 'DefaultCluster',
      brokerName: 'broker-a',
      brokerId: 0,
      namesrvAddr: 'localhost:9876',
      deleteWhen: '04',
    });
    expect(store).toMatchObject({
      fileReservedTime: 48,
      brokerRole: 'ASYNC_MASTER',
      flushDiskType: 'ASYNC_FLUSH',
    });
  });

  test("an empty file gives RocketMQ 4.9's defaults", () => {
    const { broker, store } = parseBrokerConf('');
    expect(broker).toEqual({
      brokerClusterName: 'DefaultCluster',
      brokerId: 0,
      listenPort: 10_911,
      brokerPermission: 6,
      defaultTopicQueueNums: 8,
      autoCreateTopicEnable: true,
      autoCreateSubscriptionGroup: true,
      registerNameServerPeriod: 30_000,
      registerBrokerTimeoutMills: 6_000,
      flushConsumerOffsetInterval: 5_000,
      longPollingEnable: true,
      shortPollingTimeMills: 1_000,
      notifyConsumerIdsChangedEnable: true,
      slaveReadEnable: false,
      rejectTransactionMessage: false,
      transactionTimeOut: 6_000,
      transactionCheckMax: 15,
      transactionCheckInterval: 60_000,
      flushDelayOffsetInterval: 10_000,
      deleteWhen: '04',
      haSendHeartbeatInterval: 5_000,
      haHousekeepingInterval: 20_000,
      haTransferBatchSize: 32 * 1024,
      haSlaveFallbehindMax: 256 * 1024 * 1024,
      slaveTimeout: 3_000,
    });
    const forTheStore: MessageStoreConfigInput = store; // what DefaultMessageStore takes
    expect(messageStoreConfigSchema.parse(forTheStore)).toEqual(messageStoreConfigSchema.parse({}));
    expect(store).toMatchObject({
      flushDiskType: 'ASYNC_FLUSH',
      brokerRole: 'ASYNC_MASTER',
      syncFlushTimeout: 5_000,
    });
  });

  test('values are read as properties2Object reads them: trimmed, then as the field type', () => {
    const { broker, store } = parseBrokerConf(
      'listenPort =  +10921  \nslaveReadEnable=TRUE\nfileReservedTime=0.5\nbrokerName=\\u0062roker-b \n',
    );
    expect(broker).toMatchObject({ listenPort: 10_921, slaveReadEnable: true, brokerName: 'broker-b' });
    expect(store.fileReservedTime).toBe(0.5);
  });

  test('a SLAVE needs a positive brokerId', () => {
    const { broker, store } = parseBrokerConf('brokerRole=SLAVE\nbrokerId=1\nhaMasterAddress=10.0.0.1:10912');
    expect([store.brokerRole, broker.brokerId, broker.haMasterAddress]).toEqual([
      'SLAVE',
      1,
      '10.0.0.1:10912',
    ]);
  });

  test.each([
    ['fooBar=1', 'fooBar: unknown key (line 1)'],
    ['# x\nflushdisktype=SYNC_FLUSH', 'flushdisktype: unknown key (did you mean flushDiskType?) (line 2)'],
    [
      'sendMessageThreadPoolNums=16',
      'sendMessageThreadPoolNums: a RocketMQ setting that rmqsim does not model',
    ],
    ['haListenPort=10912', 'haListenPort: a RocketMQ setting that rmqsim does not model (BrokerStartup'],
    ['flushDiskType=SYNC', 'flushDiskType: expected one of ASYNC_FLUSH|SYNC_FLUSH, got SYNC (line 1)'],
    ['brokerRole=master', 'brokerRole: expected one of ASYNC_MASTER|SYNC_MASTER|SLAVE, got master'],
    ['mappedFileSizeCommitLog=-1', 'mappedFileSizeCommitLog: Too small'],
    ['haSlaveFallbehindMax=0', 'haSlaveFallbehindMax: Too small'],
    ['listenPort=abc', 'listenPort: expected an integer, got abc'],
    ['listenPort=70000', 'listenPort: Too big'],
    ['brokerId=', 'brokerId: expected an integer, got an empty value'],
    ['fileReservedTime=72h', 'fileReservedTime: expected a number, got 72h'],
    ['mappedFileSizeCommitLog=1e9', 'mappedFileSizeCommitLog: expected an integer, got 1e9'],
    ['autoCreateTopicEnable=yes', 'autoCreateTopicEnable: expected true or false, got yes'],
    ['mappedFileSizeConsumeQueue=1010', 'mappedFileSizeConsumeQueue: must be a multiple of the 20-byte'],
    ['namesrvAddr=localhost', 'namesrvAddr: expected host:port[;host:port...]'],
    ['namesrvAddr=a:9876;b:98765', 'namesrvAddr: expected host:port[;host:port...]'],
    ['deleteWhen=4am', 'deleteWhen: expected hours such as 04 or 04;16'],
    ['messageDelayLevel=1s 5', 'messageDelayLevel: space-separated durations'],
    ['brokerRole=SLAVE', "brokerId: a SLAVE's brokerId must be > 0"],
    ['brokerId=1', "brokerId: a ASYNC_MASTER's brokerId is 0"],
    ['brokerName=a\\u00zz', 'line 1: malformed \\uxxxx encoding'],
  ])('%j is refused: %s', (text, expected) => {
    expect(problem(text)).toContain(expected);
  });

  test('every problem of a file is reported at once, each with its key and line', () => {
    const message = problem('flushDiskType=SYNC\nbogus=1\nlistenPort=x\nmappedFileSizeCommitLog=0\n');
    expect(message).toContain('flushDiskType: expected one of ASYNC_FLUSH|SYNC_FLUSH, got SYNC (line 1)');
    expect(message).toContain('bogus: unknown key (line 2)');
    expect(message).toContain('listenPort: expected an integer, got x (line 3)');
    expect(message).toContain('mappedFileSizeCommitLog: Too small');
  });

  test('typed settings (a scenario) are checked alike', () => {
    expect(brokerConfFrom({ flushDiskType: 'SYNC_FLUSH', brokerName: 'b' }).store.flushDiskType).toBe(
      'SYNC_FLUSH',
    );
    expect(() => brokerConfFrom({ listenPort: '10911' })).toThrow(
      /listenPort: Invalid input: expected number/,
    );
    expect(() => brokerConfFrom({ transferMsgByHeap: true })).toThrow(
      /transferMsgByHeap: a RocketMQ setting/,
    );
  });
});

describe('java.util.Properties format', () => {
  test('comments, blanks, separators, continuations, escapes and repeated keys', () => {
    const text = [
      '  # a comment \\',
      '! another',
      '',
      'a = 1',
      'b:2',
      'c 3',
      'd\t=\t  4 5 ',
      'e = one \\',
      '    two',
      'f=\\u0041\\t\\=\\:\\\\',
      'g\\ h=i',
      'a=last',
      'j',
      'k=trailing\\',
    ].join('\r\n');
    expect(parseProperties(text).map(({ key, value, line }) => [key, value, line])).toEqual([
      ['a', 'last', 12],
      ['b', '2', 5],
      ['c', '3', 6],
      ['d', '4 5 ', 7],
      ['e', 'one two', 8],
      ['f', 'A\t=:\\', 10],
      ['g h', 'i', 11],
      ['j', '', 13],
      ['k', 'trailing', 14],
    ]);
  });

  ptest.prop([fc.string({ unit: 'binary', minLength: 1 }), fc.string({ unit: 'binary' })])(
    'a rendered entry reads back exactly',
    (key, value) => {
      expect(parseProperties(renderProperty(key, value)).map((e) => [e.key, e.value])).toEqual([
        [key, value],
      ]);
    },
  );
});

/** Text that survives properties2Object's trim: neither end is a character up to U+0020. */
const trimmed = fc
  .string({ unit: 'binary', minLength: 1, maxLength: 12 })
  .filter((s) => s.charCodeAt(0) > 0x20 && s.charCodeAt(s.length - 1) > 0x20);
const hostPort = fc.tuple(fc.stringMatching(/^[a-z0-9.-]{1,10}$/), fc.integer({ min: 1, max: 65_535 }));
const positive = fc.integer({ min: 1, max: 2 ** 31 - 1 });

const settingsArb = fc
  .tuple(
    fc.oneof(
      fc.record({ brokerRole: fc.constantFrom('ASYNC_MASTER', 'SYNC_MASTER'), brokerId: fc.constant(0) }),
      fc.record({ brokerRole: fc.constant('SLAVE'), brokerId: fc.integer({ min: 1, max: 16 }) }),
    ),
    fc.record(
      {
        brokerClusterName: trimmed,
        brokerName: trimmed,
        namesrvAddr: fc
          .array(hostPort, { minLength: 1, maxLength: 3 })
          .map((list) => list.map(([h, p]) => `${h}:${p}`).join(';')),
        brokerIP1: trimmed,
        listenPort: fc.integer({ min: 1, max: 65_535 }),
        brokerPermission: fc.integer({ min: 0, max: 15 }),
        autoCreateTopicEnable: fc.boolean(),
        slaveReadEnable: fc.boolean(),
        shortPollingTimeMills: positive,
        deleteWhen: fc
          .array(fc.integer({ min: 0, max: 23 }), { minLength: 1, maxLength: 3 })
          .map((h) => h.join(';')),
        haMasterAddress: trimmed,
        haSlaveFallbehindMax: positive,
        storePathRootDir: trimmed,
        mappedFileSizeCommitLog: positive,
        mappedFileSizeConsumeQueue: fc.integer({ min: 1, max: 100_000 }).map((n) => n * 20),
        flushDiskType: fc.constantFrom('ASYNC_FLUSH', 'SYNC_FLUSH'),
        fileReservedTime: fc.double({ min: 0.001, max: 1_000, noNaN: true }),
        accessMessageInMemoryMaxRatio: fc.integer({ min: 0, max: 100 }),
        messageIndexEnable: fc.boolean(),
        messageDelayLevel: fc
          .array(fc.tuple(fc.integer({ min: 1, max: 99 }), fc.constantFrom('s', 'm', 'h', 'd')), {
            minLength: 1,
            maxLength: 4,
          })
          .map((levels) => levels.map(([n, unit]) => `${n}${unit}`).join(' ')),
      },
      { requiredKeys: [] },
    ),
  )
  .map(([role, rest]) => ({ ...role, ...rest }));

describe('renderBrokerConf', () => {
  ptest.prop([settingsArb])('parse(render(conf)) is conf', (settings) => {
    const conf = brokerConfFrom(settings);
    expect(parseBrokerConf(renderBrokerConf(conf))).toEqual(conf);
  });

  test('the seed conf round-trips, written as its non-default settings', () => {
    const conf = parseBrokerConf(SEED_BROKER_CONF);
    const text = renderBrokerConf(conf);
    expect(text.split('\n').slice(1, -1)).toEqual([
      'brokerName=broker-a',
      'namesrvAddr=localhost\\:9876',
      'fileReservedTime=48',
    ]);
    expect(parseBrokerConf(text)).toEqual(conf);
  });
});
