// The part of ali-ons 3.12.0 (a Node.js client of RocketMQ 4.x's remoting protocol, a dev
// dependency) that the live tests and examples use; the package ships no types.
declare module 'ali-ons' {
  interface ClientOptions {
    httpclient: object;
    nameSrv: string;
    instanceName?: string;
    logger?: object;
    pollNameServerInteval?: number;
    heartbeatBrokerInterval?: number;
    rebalanceInterval?: number;
    persistConsumerOffsetInterval?: number;
  }
  class Base {
    ready(): Promise<void>;
    close(): Promise<void>;
    on(event: 'error', listener: (error: Error) => void): this;
  }
  export class Message {
    constructor(topic: string, tags: string, body: string | Buffer);
    msgId: string;
    tags: string;
    /** Set as a list; read back as the KEYS property's text. */
    keys: string[] | string;
    body: Buffer;
    properties: Record<string, string>;
  }
  export class Producer extends Base {
    constructor(options: ClientOptions & { producerGroup: string });
    send(msg: Message): Promise<{ sendStatus: string; msgId: string; queueOffset: number }>;
    /** The process-wide producer its consumers send retries with; nothing closes it. */
    static defaultProducer: Producer | null | undefined;
  }
  export class Consumer extends Base {
    constructor(options: ClientOptions & { consumerGroup: string; consumeFromWhere?: string });
    subscribe(topic: string, subExpression: string, handler: (msg: Message) => Promise<void>): void;
  }
}
