// The scheduler's priority queue: a binary min-heap of events ordered by (at, seq), with the keys
// kept in typed arrays beside the events and given with each push (an event carries no key of its
// own: a task is re-queued with new keys, and no double field is read from objects of many shapes). Why not tinyqueue (which the scheduler used): its
// comparator reads `at` from each event object, and once events of several shapes share the
// queue (closures' events, node timers, packets) V8 loads those fractional times as fresh heap
// numbers, tens of bytes per comparison and hundreds per event. Here a comparison reads two
// Float64Arrays and allocates nothing. The order is the same total order, so the same events pop
// in the same sequence. Not here: removal from the middle (the scheduler marks events cancelled).

const INITIAL_CAPACITY = 1_024;

export class EventQueue<T> {
  private items: (T | undefined)[] = [];
  private ats = new Float64Array(INITIAL_CAPACITY);
  private seqs = new Float64Array(INITIAL_CAPACITY);
  private size = 0;

  get length(): number {
    return this.size;
  }

  peek(): T | undefined {
    return this.size === 0 ? undefined : this.items[0];
  }

  /** The time of peek()'s event; meaningless when the queue is empty. */
  peekAt(): number {
    return this.ats[0]!;
  }

  push(item: T, at: number, seq: number): void {
    if (this.size === this.ats.length) this.grow();
    let i = this.size++;
    const { ats, seqs, items } = this;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const pa = ats[parent]!;
      if (pa < at || (pa === at && seqs[parent]! < seq)) break;
      items[i] = items[parent];
      ats[i] = pa;
      seqs[i] = seqs[parent]!;
      i = parent;
    }
    items[i] = item;
    ats[i] = at;
    seqs[i] = seq;
  }

  pop(): T | undefined {
    if (this.size === 0) return undefined;
    const { ats, seqs, items } = this;
    const top = items[0];
    const last = --this.size;
    const at = ats[last]!;
    const seq = seqs[last]!;
    const moved = items[last];
    items[last] = undefined;
    if (last > 0) {
      let i = 0;
      const half = last >> 1;
      while (i < half) {
        let child = 2 * i + 1;
        const right = child + 1;
        if (
          right < last &&
          (ats[right]! < ats[child]! || (ats[right] === ats[child] && seqs[right]! < seqs[child]!))
        ) {
          child = right;
        }
        const ca = ats[child]!;
        if (at < ca || (at === ca && seq < seqs[child]!)) break;
        items[i] = items[child];
        ats[i] = ca;
        seqs[i] = seqs[child]!;
        i = child;
      }
      items[i] = moved;
      ats[i] = at;
      seqs[i] = seq;
    }
    return top;
  }

  private grow(): void {
    const ats = new Float64Array(this.ats.length * 2);
    ats.set(this.ats);
    this.ats = ats;
    const seqs = new Float64Array(this.seqs.length * 2);
    seqs.set(this.seqs);
    this.seqs = seqs;
  }
}
