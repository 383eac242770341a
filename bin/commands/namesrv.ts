// `rmqsim namesrv`: a live NameServer (real TCP), as RocketMQ's mqnamesrv; SIGTERM stops it.
import type { Command } from 'commander';
import { stopSignal } from '../../live/stop-signal.ts';
import { act } from '../action.ts';
import { textOption, valueOption, wholeNumber } from '../options.ts';

export function registerNamesrv(program: Command): void {
  const command = program
    .command('namesrv')
    .description('a live NameServer on real TCP (RocketMQ 4.9 wire protocol)')
    .addOption(valueOption('--port <port>', 'the port to listen on (default: 9876)', wholeNumber(1, 65_535)))
    .addOption(textOption('--host <ip>', 'the address to bind (default: 127.0.0.1)'))
    .addHelpText(
      'after',
      '\nprints "The Name Server boot success. serializeType=JSON"\nexample: rmqsim namesrv --port 9876',
    );
  act(command, async (flags: { port?: number; host?: string }) => {
    const stopped = stopSignal();
    const { startNamesrv } = await import('../../live/servers.ts');
    const live = await startNamesrv({
      port: flags.port ?? 9876,
      ...(flags.host !== undefined && { host: flags.host }),
    });
    await stopped;
    await live.stop();
    return 0;
  });
}
