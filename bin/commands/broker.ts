// `rmqsim broker -c broker.conf`: a live broker (real files, TCP, clock), as RocketMQ's mqbroker;
// SIGTERM shuts it down cleanly (flushes, removes the abort file).
import type { Command } from 'commander';
import { stopSignal } from '../../live/stop-signal.ts';
import { act } from '../action.ts';
import { textOption } from '../options.ts';

export function registerBroker(program: Command): void {
  const command = program
    .command('broker')
    .description("a live broker from a broker.conf with RocketMQ's keys, on real files and TCP")
    .addOption(textOption('-c, --config <file>', 'the broker.conf to read').makeOptionMandatory())
    .addHelpText(
      'after',
      '\nprints "The broker[NAME, IP:PORT] boot success. serializeType=JSON and name server is ADDRS"' +
        '\nexample: rmqsim broker -c broker.conf',
    );
  act(command, async (flags: { config: string }) => {
    const stopped = stopSignal();
    const { readBrokerConf, startBroker } = await import('../../live/servers.ts');
    const live = await startBroker({ conf: readBrokerConf(flags.config) });
    await stopped;
    await live.stop();
    return 0;
  });
}
