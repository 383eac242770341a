// The extFields of the requests a NameServer serves (RocketMQ's RegisterBrokerRequestHeader,
// RegisterBrokerResponseHeader, UnRegisterBrokerRequestHeader, GetRouteInfoRequestHeader) and the
// body of REGISTER_BROKER. The schemas play the part of decodeCommandCustomHeader (numbers may be
// text, read as Java reads them): a missing or ill-typed field makes the request fail with
// SYSTEM_ERROR. Unknown fields are ignored.
// Simplifications: no bodyCrc32 and no compressed flag (a compressed body is refused), and the
// register body is the topic table and its DataVersion alone (on the wire, RocketMQ's
// RegisterBrokerBody with an empty filter-server list: command-bodies.ts).
import { z } from 'zod';
import { topicConfigSerializeWrapperSchema } from './topic-config.ts';
import { javaLong } from './header-reader.ts';

const name = z.string().min(1);

export const unRegisterBrokerRequestHeaderSchema = z.object({
  clusterName: name,
  brokerName: name,
  brokerAddr: name,
  brokerId: javaLong(z.number().int().nonnegative()),
});
export type UnRegisterBrokerRequestHeader = z.infer<typeof unRegisterBrokerRequestHeaderSchema>;

export const registerBrokerRequestHeaderSchema = unRegisterBrokerRequestHeaderSchema.extend({
  /** Where the broker's HA service listens; a slave of this broker connects there. */
  haServerAddr: z.string(),
});
export type RegisterBrokerRequestHeader = z.infer<typeof registerBrokerRequestHeaderSchema>;

/**
 * The answer to a slave whose master the NameServer knows: where the master serves and where its
 * HA service listens. Any other registration is answered with no extFields.
 */
export const registerBrokerResponseHeaderSchema = z.object({ masterAddr: name, haServerAddr: z.string() });
export type RegisterBrokerResponseHeader = z.infer<typeof registerBrokerResponseHeaderSchema>;

export const registerBrokerBodySchema = topicConfigSerializeWrapperSchema;

export const getRouteInfoRequestHeaderSchema = z.object({ topic: name });
export type GetRouteInfoRequestHeader = z.infer<typeof getRouteInfoRequestHeaderSchema>;
