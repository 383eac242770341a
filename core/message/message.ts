// The message model: what a producer sends (Message) and what the store hands back (MessageExt),
// with RocketMQ's property names (MessageConst), system flag bits (MessageSysFlag) and the
// helpers that read tags, keys, delay level and UNIQ_KEY from the properties.
// Simplifications: hosts are IPv4 only (see host.ts), a Message owns the property Map it is
// given (no copy), and there is no transactionId field.
import type { Host } from './host.ts';
import { encodeOffsetMsgId } from './message-id.ts';
import { decodeProperties, findProperty } from './properties.ts';

export { formatHost, parseHost, type Host } from './host.ts';

/** Property names, spelled as RocketMQ's MessageConst spells them on the wire and on disk. */
export const MessageConst = {
  KEYS: 'KEYS',
  TAGS: 'TAGS',
  WAIT: 'WAIT',
  DELAY: 'DELAY',
  RETRY_TOPIC: 'RETRY_TOPIC',
  REAL_TOPIC: 'REAL_TOPIC',
  REAL_QID: 'REAL_QID',
  TRAN_MSG: 'TRAN_MSG',
  PGROUP: 'PGROUP',
  MIN_OFFSET: 'MIN_OFFSET',
  MAX_OFFSET: 'MAX_OFFSET',
  ORIGIN_MESSAGE_ID: 'ORIGIN_MESSAGE_ID',
  RECONSUME_TIME: 'RECONSUME_TIME',
  UNIQ_KEY: 'UNIQ_KEY',
  MAX_RECONSUME_TIMES: 'MAX_RECONSUME_TIMES',
  CONSUME_START_TIME: 'CONSUME_START_TIME',
  TRANSACTION_ID: '__transactionId__',
  TRANSACTION_CHECK_TIMES: 'TRANSACTION_CHECK_TIMES',
  CHECK_IMMUNITY_TIME_IN_SECONDS: 'CHECK_IMMUNITY_TIME_IN_SECONDS',
  CLUSTER: 'CLUSTER',
} as const;

/** Separates the keys inside the KEYS property. */
export const KEY_SEPARATOR = ' ';

/** The delay queue's topic; its ConsumeQueue entries carry a delivery time as tagsCode. */
export const SCHEDULE_TOPIC = 'SCHEDULE_TOPIC_XXXX';

/** Bits of a record's sysFlag. */
export const MessageSysFlag = {
  COMPRESSED_FLAG: 0x1,
  MULTI_TAGS_FLAG: 0x2,
  TRANSACTION_NOT_TYPE: 0x0,
  TRANSACTION_PREPARED_TYPE: 0x4,
  TRANSACTION_COMMIT_TYPE: 0x8,
  TRANSACTION_ROLLBACK_TYPE: 0xc,
  BORNHOST_V6_FLAG: 0x10,
  STOREHOSTADDRESS_V6_FLAG: 0x20,
} as const;

export function transactionType(sysFlag: number): number {
  return sysFlag & MessageSysFlag.TRANSACTION_ROLLBACK_TYPE;
}

/** An optional sign, then at least one ASCII digit: the text Integer.parseInt and Long.parseLong take. */
export function isJavaDecimal(text: string): boolean {
  const first = text.length > 0 ? text.charCodeAt(0) : 0;
  let i = first === 0x2b || first === 0x2d ? 1 : 0;
  if (i === text.length) return false;
  for (; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return false;
  }
  return true;
}

/** Java's Integer.parseInt: optional sign, decimal digits, 32-bit range; undefined where Java throws. */
export function parseJavaInt(text: string): number | undefined {
  if (!isJavaDecimal(text)) return undefined;
  const n = Number(text);
  return n >= -0x8000_0000 && n <= 0x7fff_ffff ? n : undefined;
}

export interface MessageInit {
  flag?: number;
  tags?: string;
  keys?: string | readonly string[];
  /** Taken over, not copied. */
  properties?: Map<string, string>;
  /**
   * Instead of `properties`: a stored record's property bytes, taken over (never changed after),
   * read in place until something needs the Map (see Message.properties).
   */
  encodedProperties?: Uint8Array;
}

/**
 * A message, constructed as in Java (`new Message("myTopic", "TagA", body)`, `(topic, tags,
 * keys, body)`, `(topic, tags, keys, flag, body, waitStoreMsgOK)`) or from its parts
 * (`(topic, body, init)`).
 */
export class Message {
  // In this order, as the fields were laid out when topic and body were parameter properties.
  flag: number;
  // A message made here has its properties as a Map from the start. One read from the store
  // keeps its record's bytes instead: a lookup scans them, a put waits in #puts, and the Map is
  // made (the bytes decoded, then the puts applied in order) only when asked for, so a message
  // pulled, looked at and consumed makes no Map. Private fields: not seen by spreads or equality.
  #props: Map<string, string> | undefined;
  #encoded: Uint8Array | undefined;
  /** Puts made before the Map: name, value, ... in first-put order, each name once, its last value. */
  #puts: string[] | undefined;
  topic: string;
  body: Uint8Array;

  constructor(topic: string, body: Uint8Array, init?: MessageInit);
  constructor(topic: string, tags: string, body: Uint8Array);
  constructor(topic: string, tags: string, keys: string, body: Uint8Array);
  constructor(
    topic: string,
    tags: string,
    keys: string,
    flag: number,
    body: Uint8Array,
    waitStoreMsgOK: boolean,
  );
  constructor(
    topic: string,
    a: Uint8Array | string,
    b?: Uint8Array | string | MessageInit,
    c?: Uint8Array | number,
    d?: Uint8Array,
    waitStoreMsgOK?: boolean,
  ) {
    this.topic = topic;
    const body = a instanceof Uint8Array ? a : b instanceof Uint8Array ? b : c instanceof Uint8Array ? c : d;
    if (body === undefined) throw new TypeError('new Message: no body');
    this.body = body;
    if (a instanceof Uint8Array) {
      const init = b as MessageInit | undefined;
      this.flag = init?.flag ?? 0;
      this.#encoded = init?.encodedProperties;
      if (this.#encoded === undefined) this.#props = init?.properties ?? new Map();
      if (init?.tags !== undefined) this.setTags(init.tags);
      if (init?.keys !== undefined) this.setKeys(init.keys);
    } else {
      // Java's constructors: empty tags or keys are none.
      this.flag = typeof c === 'number' ? c : 0;
      this.#props = new Map();
      if (a.length > 0) this.setTags(a);
      if (typeof b === 'string' && b.length > 0) this.setKeys(b);
    }
    if (waitStoreMsgOK !== undefined) this.setWaitStoreMsgOK(waitStoreMsgOK);
  }

  /** The properties as a Map (taken over from MessageInit, or decoded now from the record's bytes). */
  get properties(): Map<string, string> {
    if (this.#props !== undefined) return this.#props;
    const encoded = this.#encoded!;
    const props = decodeProperties(encoded, 0, encoded.length);
    const puts = this.#puts;
    if (puts !== undefined) for (let i = 0; i < puts.length; i += 2) props.set(puts[i]!, puts[i + 1]!);
    this.#encoded = this.#puts = undefined;
    return (this.#props = props);
  }

  getProperty(name: string): string | undefined {
    if (this.#props !== undefined) return this.#props.get(name);
    const puts = this.#puts;
    if (puts !== undefined) for (let i = 0; i < puts.length; i += 2) if (puts[i] === name) return puts[i + 1];
    return findProperty(this.#encoded!, name);
  }

  putProperty(name: string, value: string): void {
    if (this.#props !== undefined) return void this.#props.set(name, value);
    const puts = (this.#puts ??= []);
    for (let i = 0; i < puts.length; i += 2) if (puts[i] === name) return void (puts[i + 1] = value);
    puts.push(name, value);
  }

  clearProperty(name: string): void {
    this.properties.delete(name);
  }

  getTags(): string | undefined {
    return this.getProperty(MessageConst.TAGS);
  }

  setTags(tags: string): void {
    this.putProperty(MessageConst.TAGS, tags);
  }

  /** The raw KEYS property: keys joined by KEY_SEPARATOR. */
  getKeys(): string | undefined {
    return this.getProperty(MessageConst.KEYS);
  }

  setKeys(keys: string | readonly string[]): void {
    this.putProperty(MessageConst.KEYS, typeof keys === 'string' ? keys : keys.join(KEY_SEPARATOR));
  }

  /** The individual keys, as the IndexFile dispatcher splits them (empty pieces skipped). */
  keyList(): string[] {
    return (this.getKeys() ?? '').split(KEY_SEPARATOR).filter((k) => k.length > 0);
  }

  /** 0 when absent; a malformed value also reads 0 here, where Java's parseInt would throw. */
  getDelayTimeLevel(): number {
    const text = this.getProperty(MessageConst.DELAY);
    return text === undefined ? 0 : (parseJavaInt(text) ?? 0);
  }

  setDelayTimeLevel(level: number): void {
    this.putProperty(MessageConst.DELAY, String(level));
  }

  /** Absent means true, as in RocketMQ: a sync-flush broker waits for the flush by default. */
  isWaitStoreMsgOK(): boolean {
    const text = this.getProperty(MessageConst.WAIT);
    return text === undefined || text.toLowerCase() === 'true';
  }

  setWaitStoreMsgOK(wait: boolean): void {
    this.putProperty(MessageConst.WAIT, String(wait));
  }

  /** The client-side message id (what RocketMQ's SendResult calls msgId). */
  getUniqKey(): string | undefined {
    return this.getProperty(MessageConst.UNIQ_KEY);
  }

  setUniqKey(id: string): void {
    this.putProperty(MessageConst.UNIQ_KEY, id);
  }
}

/** What the store knows of a message besides its content: the CommitLog record's other fields. */
export interface StoredFields {
  queueId: number;
  queueOffset: number;
  commitLogOffset: number;
  storeSize: number;
  sysFlag: number;
  bornTimestamp: number;
  bornHost: Host;
  storeTimestamp: number;
  storeHost: Host;
  reconsumeTimes: number;
  preparedTransactionOffset: number;
  bodyCRC: number;
}

export class MessageExt extends Message implements StoredFields {
  queueId: number;
  queueOffset: number;
  commitLogOffset: number;
  storeSize: number;
  sysFlag: number;
  bornTimestamp: number;
  bornHost: Host;
  storeTimestamp: number;
  storeHost: Host;
  reconsumeTimes: number;
  preparedTransactionOffset: number;
  bodyCRC: number;

  constructor(topic: string, body: Uint8Array, init: MessageInit, stored: StoredFields) {
    super(topic, body, init);
    this.queueId = stored.queueId;
    this.queueOffset = stored.queueOffset;
    this.commitLogOffset = stored.commitLogOffset;
    this.storeSize = stored.storeSize;
    this.sysFlag = stored.sysFlag;
    this.bornTimestamp = stored.bornTimestamp;
    this.bornHost = stored.bornHost;
    this.storeTimestamp = stored.storeTimestamp;
    this.storeHost = stored.storeHost;
    this.reconsumeTimes = stored.reconsumeTimes;
    this.preparedTransactionOffset = stored.preparedTransactionOffset;
    this.bodyCRC = stored.bodyCRC;
  }

  /** The broker-side id (offsetMsgId): store host and CommitLog offset; a resend gets a new one. */
  get msgId(): string {
    return encodeOffsetMsgId(this.storeHost, this.commitLogOffset);
  }
}
