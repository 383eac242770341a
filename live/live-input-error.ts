// Bad input to a live command (a flag, a broker.conf, a port, a store directory): the CLI prints
// the message, which names what is wrong, and exits 2.
export class LiveInputError extends Error {
  override name = 'LiveInputError';
}
