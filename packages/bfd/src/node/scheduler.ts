import { monotonicClock, type Clock } from './clock.js';
import { MinHeap } from './min-heap.js';

/**
 * Deadlines for every timer of every session, on one heap. Setting an id again replaces its
 * deadline; clearing removes it. `fire` receives the clock reading it fired at.
 */
export interface TimerScheduler {
  set(id: string, atUs: number, fire: (nowUs: number) => void): void;
  clear(id: string): void;
  /** Number of pending deadlines. */
  readonly pending: number;
  close(): void;
}

interface Entry {
  at: number;
  seq: number;
  id: string;
  fire: (nowUs: number) => void;
  live: boolean;
}

/**
 * The heap scheduler shared by all sessions: one `setTimeout` for the earliest deadline,
 * rather than a timer per session (50 sessions at 100 ms are 500 deadlines a second).
 *
 * Node fires a timeout against libuv's cached loop time, so it can run slightly before the
 * deadline in real time; entries due within `toleranceUs` fire with `now` raised to their
 * deadline, later ones wait for the next round. Lateness of every firing is reported to
 * `onLateness` (for the accuracy measurements).
 */
export function createTimerScheduler(
  options: { clock?: Clock; toleranceUs?: number; onLateness?: (lateUs: number) => void } = {},
): TimerScheduler {
  const clock = options.clock ?? monotonicClock;
  const tolerance = options.toleranceUs ?? 500;
  const heap = new MinHeap<Entry>();
  const byId = new Map<string, Entry>();
  let seq = 0;
  let timer: NodeJS.Timeout | undefined;
  let armedAt = Infinity;
  let closed = false;
  let running = false;

  function arm(): void {
    if (running) return;
    let top = heap.peek();
    while (top && !top.live) {
      heap.pop();
      top = heap.peek();
    }
    if (!top || closed) {
      if (timer) clearTimeout(timer);
      timer = undefined;
      armedAt = Infinity;
      return;
    }
    if (timer && armedAt <= top.at) return;
    if (timer) clearTimeout(timer);
    armedAt = top.at;
    const delayMs = Math.max(0, Math.ceil((top.at - clock.nowUs() - tolerance) / 1000));
    timer = setTimeout(run, delayMs);
  }

  function run(): void {
    timer = undefined;
    armedAt = Infinity;
    const now = clock.nowUs();
    running = true;
    try {
      for (let top = heap.peek(); top && (!top.live || top.at <= now + tolerance); top = heap.peek()) {
        heap.pop();
        if (!top.live) continue;
        top.live = false;
        byId.delete(top.id);
        // A fresh reading for each entry: the loop itself takes time (and the thread may be
        // descheduled in it), and a session computes its next deadline from this value.
        const at = clock.nowUs();
        options.onLateness?.(at - top.at);
        top.fire(Math.max(at, top.at));
      }
    } finally {
      running = false;
    }
    arm();
  }

  return {
    set(id, atUs, fire) {
      const old = byId.get(id);
      if (old) old.live = false;
      const entry: Entry = { at: atUs, seq: seq++, id, fire, live: true };
      byId.set(id, entry);
      heap.push(entry);
      if (atUs < armedAt) arm();
    },
    clear(id) {
      const old = byId.get(id);
      if (old) {
        old.live = false;
        byId.delete(id);
      }
    },
    get pending() {
      return byId.size;
    },
    close() {
      closed = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
    },
  };
}
