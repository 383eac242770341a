// A command as a Java client reads it: header fields that hold whole numbers are numbers. The
// simulated network carries either objects (numbers as the broker set them) or RocketMQ's frames
// (every header field text, as Java sends it; RMQSIM_FRAMES=1), and a client decodes its typed
// header either way. Tests of broker behaviour assert on this reading so they hold over both.
import type { RemotingCommand } from '../../core/protocol/remoting-command.ts';

const WHOLE_NUMBER = /^-?\d+$/;

export function asRead<T extends RemotingCommand | undefined>(command: T): T {
  if (command?.extFields === undefined) return command;
  const extFields: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(command.extFields)) {
    extFields[name] = typeof value === 'string' && WHOLE_NUMBER.test(value) ? Number(value) : value;
  }
  return { ...command, extFields } as T;
}
