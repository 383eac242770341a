// For the broker's tests: a broker.conf of broker-a as an operator writes it (the seed article's
// keys) with small files, so that tests roll CommitLog and ConsumeQueue files.
export function testBrokerConf(
  namesrvAddr: string,
  role: string,
  brokerId: number,
  mappedFileSizeCommitLog = 4096,
): string {
  return [
    '# broker-a',
    'brokerClusterName = DefaultCluster',
    'brokerName = broker-a',
    `brokerId = ${brokerId}`,
    `namesrvAddr = ${namesrvAddr}`,
    `brokerRole = ${role}`,
    'flushDiskType = ASYNC_FLUSH',
    `mappedFileSizeCommitLog = ${mappedFileSizeCommitLog}`,
    'mappedFileSizeConsumeQueue = 640',
    'maxHashSlotNum = 64',
    'maxIndexNum = 256',
  ].join('\n');
}
