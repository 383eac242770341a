// PullRequestHoldService: long polling (RocketMQ 4.9's PullRequestHoldService, ManyPullRequest,
// PullRequest and NotifyMessageArrivingListener). A pull that found nothing and may be suspended
// is held per `topic@queueId`. Reput's arrival callback (a master's, with longPollingEnable)
// passes the queue's new max offset (the message's queue offset + 1) and its tagsCode; every
// held pull whose offset is now behind that end and whose subscription matches the tag is woken,
// that is, re-run once without the right to be suspended again. A check every 5 s (every
// shortPollingTimeMills when long polling is off) does the same with the queue's current max
// offset and no tag, and wakes the pulls whose hold time is over, which then answer
// PULL_NOT_FOUND (or whatever the re-run finds). So a pull that sees no message is answered at
// the first check at or after its timeout: 15 s to 20 s after it arrived, by the broker's wall
// clock.
// Simplifications: the check runs on a fixed period (RocketMQ's thread waits 5 s after each
// check ends, and checking takes no time here); a woken pull runs at once, inside the arrival
// callback, rather than on the pull thread pool.
import type { Env, Reply, TimerId } from '../env.ts';
import type { RemotingCommand } from '../protocol/remoting-command.ts';
import type { Dispatcher } from '../store/reput-message-service.ts';
import type { TagsCodeFilter } from '../store/get-message.ts';
import type { BrokerConfig } from './broker-config.ts';

/** How often held pulls are checked when long polling is on. */
export const LONG_POLLING_CHECK_INTERVAL = 5_000;

/** A held pull (RocketMQ's PullRequest): the request, where to answer it and what wakes it. */
export interface PullRequest {
  readonly requestCommand: RemotingCommand;
  readonly reply: Reply;
  readonly clientAddr: string;
  /** Re-runs the request and answers it: the broker's one PullMessageProcessor (no closure a hold). */
  readonly processor: PullRequestProcessor;
  readonly pullFromThisOffset: number;
  /** The broker's wall clock when it was held. */
  readonly suspendTimestamp: number;
  readonly timeoutMillis: number;
  /** The subscription's tag filter; undefined matches everything. */
  readonly filter: TagsCodeFilter | undefined;
}

/** The PullMessageProcessor's side of a wakeup. */
export interface PullRequestProcessor {
  executeRequestWhenWakeup(pull: PullRequest): void;
}

/** The pulls held on one queue (ManyPullRequest). */
interface HeldQueue {
  readonly topic: string;
  readonly queueId: number;
  /** The held pulls are held[0 .. count): the array keeps its room from one hold to the next. */
  readonly held: (PullRequest | undefined)[];
  count: number;
}

export class PullRequestHoldService {
  /** topic → queueId → its held pulls: looked up on every arrival with no key text made. */
  private readonly pullRequestTable = new Map<string, Map<number, HeldQueue>>();
  /** The table's queues in the order they were first held, as its checks visit them. */
  private readonly queues: HeldQueue[] = [];
  private timer: TimerId | undefined;

  constructor(
    private readonly env: Env,
    private readonly config: Pick<BrokerConfig, 'longPollingEnable' | 'shortPollingTimeMills'>,
    /** The store's getMaxOffsetInQueue (a function, so the store may be built after this service). */
    private readonly maxOffsetInQueue: (topic: string, queueId: number) => number,
  ) {}

  /** Pass as the store's `onArriving` (NotifyMessageArrivingListener plus reput's condition). */
  readonly arriving: Dispatcher = (dispatched) => {
    if (!this.config.longPollingEnable) return;
    const { topic, queueId, queueOffset, tagsCode } = dispatched;
    this.notifyMessageArriving(topic, queueId, queueOffset + 1, tagsCode);
  };

  private readonly tick = (): void => {
    this.checkHoldRequest();
    this.timer = this.env.setTimer(this.period(), this.tick);
  };

  start(): void {
    this.timer = this.env.setTimer(this.period(), this.tick);
  }

  shutdown(): void {
    if (this.timer !== undefined) this.env.cancelTimer(this.timer);
    this.timer = undefined;
  }

  suspendPullRequest(topic: string, queueId: number, pull: PullRequest): void {
    let byQueue = this.pullRequestTable.get(topic);
    if (byQueue === undefined) this.pullRequestTable.set(topic, (byQueue = new Map()));
    let entry = byQueue.get(queueId);
    if (entry === undefined) {
      entry = { topic, queueId, held: [], count: 0 };
      byQueue.set(queueId, entry);
      this.queues.push(entry);
    }
    entry.held[entry.count++] = pull;
  }

  /** How many pulls are held now (all queues, or one). */
  heldCount(topic?: string, queueId?: number): number {
    if (topic !== undefined) return this.pullRequestTable.get(topic)?.get(queueId ?? 0)?.count ?? 0;
    let n = 0;
    for (const entry of this.queues) n += entry.count;
    return n;
  }

  /**
   * Wakes the held pulls of a queue that can now find a message matching `tagsCode` (undefined:
   * any), and those whose hold time is over; the others stay held.
   */
  notifyMessageArriving(topic: string, queueId: number, maxOffset: number, tagsCode?: number): void {
    const entry = this.pullRequestTable.get(topic)?.get(queueId);
    if (entry === undefined || entry.count === 0) return;
    // In place: a woken pull re-runs without the right to be suspended, so none is held meanwhile.
    const held = entry.held;
    let kept = 0;
    for (let i = 0, n = entry.count; i < n; i++) {
      const pull = held[i]!;
      let newest = maxOffset;
      if (newest <= pull.pullFromThisOffset) newest = this.maxOffsetInQueue(topic, queueId);
      const matched =
        newest > pull.pullFromThisOffset &&
        (tagsCode === undefined || pull.filter === undefined || pull.filter(tagsCode));
      if (matched || this.env.now() >= pull.suspendTimestamp + pull.timeoutMillis) pull.processor.executeRequestWhenWakeup(pull);
      else held[kept++] = pull;
    }
    held.fill(undefined, kept, entry.count);
    entry.count = kept;
  }

  private checkHoldRequest(): void {
    // The queues held when the check began (a pull woken here is never held again).
    for (let i = 0, n = this.queues.length; i < n; i++) {
      const { topic, queueId } = this.queues[i]!;
      this.notifyMessageArriving(topic, queueId, this.maxOffsetInQueue(topic, queueId));
    }
  }

  private period(): number {
    return this.config.longPollingEnable ? LONG_POLLING_CHECK_INTERVAL : this.config.shortPollingTimeMills;
  }
}
