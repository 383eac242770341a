// The world's witness of sends (answers.ts says what it records and why): it watches the wire
// (SimNetwork.observe) and, as a broker's answer to a SEND_MESSAGE leaves it, reads that broker's
// simulated disk if a checker judges the group's answers (SYNC_FLUSH or SYNC_MASTER; no other reads
// the record): the CommitLog file holding the offset the answer's msgId carries, the record's
// bytes there (its UNIQ_KEY) and how many of them no flush had reached. It also keeps, per broker
// incarnation, the highest offset a slave's HA report delivered to it carried. It reads files as
// the disk holds them, by their names (a CommitLog file is named after its first offset), never
// through the broker's objects. It is passive: no event, no randomness, no trace record, so a run
// watched has the trace hash of a run not watched.
// Not seen: batch sends (not modelled), sends that never reach the wire (no route, no address).
import type { RemotingCommand } from '../core/protocol/remoting-command.ts';
import { isRemotingCommand } from '../core/protocol/remoting-command.ts';
import { RequestCode } from '../core/protocol/request-code.ts';
import { parseSendMessageHeader } from '../core/protocol/send-message-header.ts';
import { isWriteable } from '../core/protocol/perm-name.ts';
import { MASTER_ID, type TopicRouteData } from '../core/protocol/route-data.ts';
import { newDiskSpan } from '../core/env.ts';
import { checkRecordForDispatch } from '../core/store/commit-log-record.ts';
import { commitLogOffsetOf } from '../core/message/message-id.ts';
import { MessageConst } from '../core/message/message.ts';
import { stringProperty } from '../core/message/properties.ts';
import type { SimDisk } from '../sim/disk.ts';
import type { WireObserver } from '../sim/network.ts';
import type { RecordSeen, RouteSeen, SendAnswerSeen, SendRequestSeen, WireSeen } from './answers.ts';

/** A broker the witness reads: its group's name and where its CommitLog files live. */
export interface WitnessedBroker {
  readonly brokerName: string;
  readonly commitLogDir: string;
  /**
   * Whether to read the record each answer names: only where a checker judges it (a SYNC_FLUSH
   * or SYNC_MASTER group), as reading and checking a record is most of what the witness costs.
   */
  readonly readsRecords: boolean;
}

export interface WitnessWorld {
  now(): number;
  /** The machine's current disk (a lost disk is replaced by a fresh one). */
  diskOf(address: string): SimDisk;
  observe(observer: WireObserver): void;
}

interface SendSeen {
  readonly uniqKey: string;
  readonly waitStoreMsgOK: boolean;
}

/** Starts watching `world`; the returned lists grow as the run goes. */
export function witnessSends(world: WitnessWorld, brokers: ReadonlyMap<string, WitnessedBroker>): WireSeen {
  const requests: SendRequestSeen[] = [];
  const answers: SendAnswerSeen[] = [];
  const routes: RouteSeen[] = [];
  /** Per broker: the incarnation that last received a packet, and its slaves' highest report. */
  const reports = new Map<string, { incarnation: number; acked: number }>();
  const incarnations = new Map<string, number>();
  /** Per disk: the CommitLog file the last answer's record was in (most answers' is too). */
  const lastFiles: LastFiles = new Map();
  world.observe({
    requested(from, to, body) {
      const broker = brokers.get(to);
      const send = broker === undefined ? undefined : sendOf(body);
      if (send === undefined) return;
      requests.push({
        time: world.now(),
        producer: from,
        broker: to,
        brokerName: broker!.brokerName,
        uniqKey: send.uniqKey,
      });
    },
    delivered(_from, to, body, incarnation) {
      if (!brokers.has(to)) return;
      incarnations.set(to, incarnation);
      const report = haReportOffset(body);
      if (report === undefined) return;
      const seen = reports.get(to);
      if (seen === undefined || seen.incarnation !== incarnation)
        reports.set(to, { incarnation, acked: report });
      else seen.acked = Math.max(seen.acked, report);
    },
    answered(server, client, request, response) {
      const route = routeOf(request, response, world, client);
      if (route !== undefined) routes.push(route);
      const broker = brokers.get(server);
      const send = broker === undefined ? undefined : sendOf(request);
      if (broker === undefined || send === undefined || !isRemotingCommand(response)) return;
      const seen = reports.get(server);
      const acked = seen !== undefined && seen.incarnation === incarnations.get(server) ? seen.acked : -1;
      const fields = response.extFields ?? NO_FIELDS;
      const read = fields.msgId !== undefined && broker.readsRecords;
      // One literal (absent fields undefined): no object spread in for each optional field.
      answers.push({
        time: world.now(),
        broker: server,
        brokerName: broker.brokerName,
        producer: client,
        uniqKey: send.uniqKey,
        code: response.code,
        waitStoreMsgOK: send.waitStoreMsgOK,
        queueId: fields.queueId === undefined ? undefined : Number(fields.queueId),
        queueOffset: fields.queueOffset === undefined ? undefined : Number(fields.queueOffset),
        record: read
          ? recordAt(world.diskOf(server), broker.commitLogDir, String(fields.msgId), lastFiles)
          : undefined,
        slaveAckedOffset: acked,
      });
    },
  });
  return { requests, answers, routes };
}

const NO_FIELDS: Readonly<Record<string, unknown>> = {};

/**
 * A GET_ROUTEINFO_BY_TOPIC answer as `producer` got it, now: its topic and the groups it could
 * publish to by it (with writable queues and a master). Loops, no sets or spreads: the cluster's
 * clients ask every 30 s.
 */
function routeOf(
  request: unknown,
  response: unknown,
  world: WitnessWorld,
  producer: string,
): RouteSeen | undefined {
  if (!isRemotingCommand(request) || request.code !== RequestCode.GET_ROUTEINFO_BY_TOPIC) return undefined;
  if (!isRemotingCommand(response) || response.code !== 0) return undefined;
  const route = response.body as TopicRouteData | undefined;
  const topic = request.extFields?.topic;
  if (route === undefined || !Array.isArray(route.queueDatas) || topic === undefined) return undefined;
  const withMaster: string[] = [];
  for (const b of route.brokerDatas)
    if (b.brokerAddrs[MASTER_ID] !== undefined) withMaster.push(b.brokerName);
  const writable: string[] = [];
  for (const q of route.queueDatas) {
    if (isWriteable(q.perm) && q.writeQueueNums > 0 && withMaster.includes(q.brokerName))
      writable.push(q.brokerName);
  }
  return { time: world.now(), producer, topic: String(topic), writable };
}

/** Each request is read once: the answer's turn finds what its request's turn read. */
const sendsRead = new WeakMap<object, SendSeen | null>();

/** A SEND_MESSAGE(_V2) request's message id and WAIT property; undefined for any other body. */
function sendOf(body: unknown): SendSeen | undefined {
  if (!isRemotingCommand(body)) return undefined;
  const command = body as RemotingCommand;
  if (command.code !== RequestCode.SEND_MESSAGE && command.code !== RequestCode.SEND_MESSAGE_V2)
    return undefined;
  let seen = sendsRead.get(command);
  if (seen === undefined) {
    seen = readSend(command);
    sendsRead.set(command, seen);
  }
  return seen ?? undefined;
}

function readSend(command: RemotingCommand): SendSeen | null {
  let properties: string;
  try {
    properties = parseSendMessageHeader(command).properties ?? '';
  } catch {
    return null;
  }
  // Only the two values it needs, read from the text (a map of all of them was most of a read).
  const uniqKey = stringProperty(properties, MessageConst.UNIQ_KEY);
  if (uniqKey === undefined) return null;
  const wait = stringProperty(properties, MessageConst.WAIT);
  return { uniqKey, waitStoreMsgOK: wait === undefined || wait.toLowerCase() === 'true' };
}

function haReportOffset(body: unknown): number | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const report = body as { type?: unknown; maxOffset?: unknown };
  return report.type === 'ha.report' && typeof report.maxOffset === 'number' ? report.maxOffset : undefined;
}

/** The CommitLog file names: 20 digits, the offset of its first byte. */
const FILE_NAME = /^\d{20}$/;

interface CommitLogFile {
  readonly dir: string;
  readonly start: number;
  readonly path: string;
}

type LastFiles = Map<SimDisk, CommitLogFile>;

/** The CommitLog file holding `offset`: the last file that starts at or before it. */
function fileOf(disk: SimDisk, dir: string, offset: number, lastFiles: LastFiles): CommitLogFile | undefined {
  const last = lastFiles.get(disk);
  if (last !== undefined && last.dir === dir && last.start <= offset) {
    if (disk.exists(last.path) && offset < last.start + disk.size(last.path)) return last;
  }
  let start = -1;
  for (const name of disk.list(dir)) {
    if (!FILE_NAME.test(name)) continue;
    const first = Number(name);
    if (first <= offset && first > start) start = first;
  }
  if (start < 0) return undefined;
  const file = { dir, start, path: `${dir}/${String(start).padStart(20, '0')}` };
  lastFiles.set(disk, file);
  return file;
}

/** The record at CommitLog offset `msgId` names, as `disk` holds it now. */
function recordAt(disk: SimDisk, dir: string, msgId: string, lastFiles: LastFiles): RecordSeen {
  let offset: number;
  try {
    offset = commitLogOffsetOf(msgId);
  } catch {
    return missing(-1, `the msgId ${msgId} is not an offsetMsgId`);
  }
  const file = fileOf(disk, dir, offset, lastFiles);
  if (file === undefined) return missing(offset, `no CommitLog file holds offset ${offset}`);
  const { path } = file;
  const at = offset - file.start;
  const fileSize = disk.size(path);
  if (at >= fileSize) return missing(offset, `offset ${offset} lies past the end of ${path}`);
  // Only what dispatch reads (its UNIQ_KEY among them), the body's CRC checked.
  disk.view(path, 0, fileSize, span);
  const checked = checkRecordForDispatch(span.bytes.subarray(span.start, span.end), at, CHECK_CRC);
  if (checked.kind !== 'valid') return missing(offset, `no record at offset ${offset} of the CommitLog`);
  const { uniqKey } = checked.record;
  return { offset, size: checked.size, uniqKey, unflushedBytes: disk.unflushedIn(path, at, checked.size) };
}

const CHECK_CRC = { checkCRC: true };
/** Where recordAt finds a file's bytes in place, read at once. */
const span = newDiskSpan();

const missing = (offset: number, problem: string): RecordSeen => ({
  offset,
  size: 0,
  unflushedBytes: 0,
  problem,
});
