// Bad input (a world configuration, a broker.conf, a fault schedule, a scenario) fails before anything runs,
// with zod's readable message naming the field at fault. The CLI maps it to exit code 2.
import { z } from 'zod';

export class ConfigError extends Error {
  constructor(
    readonly what: string,
    readonly error: z.ZodError,
  ) {
    super(`invalid ${what}:\n${z.prettifyError(error)}`);
    this.name = 'ConfigError';
  }
}

export function parseOrThrow<S extends z.ZodType>(schema: S, input: unknown, what: string): z.output<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw new ConfigError(what, result.error);
  return result.data;
}

/** A ConfigError for a check zod cannot express alone (e.g. a name that must exist elsewhere). */
export function configIssue(
  what: string,
  path: (string | number)[],
  message: string,
  input: unknown,
): ConfigError {
  return new ConfigError(what, new z.ZodError([{ code: 'custom', path, message, input }]));
}
