import type { LabProcess } from './lab-process.js';
import type { Netns } from './netns.js';
import { waitFor } from './wait-for.js';

/** A route change seen by `ip monitor route`. */
export interface RouteEvent {
  kind: 'add' | 'del';
  /** Destination as ip prints it (`198.51.100.10`, `198.51.100.0/24`, `default`). */
  dst: string;
  /** Gateways (`via X`), including those of multipath next-hop lines. */
  gateways: string[];
  /** The kernel message time printed by `ip -ts`, in microseconds since the epoch (local clock). */
  timestampMicros: number | undefined;
  /** `performance.now()` when this process read the line. */
  receivedAt: number;
  /** The text, continuation lines included. */
  text: string;
}

/** The private table used for the readiness marker route; its events are not reported. */
const markerTable = 4242;
const markerRoute = { 4: '192.0.2.255/32', 6: '2001:db8:ffff:ffff::/64' } as const;

/**
 * `ip -ts -rcvbuf 33554432 monitor route` in a namespace, parsed as it runs. The big receive
 * buffer keeps netlink from dropping events in a burst of 10k routes (P4). `start` returns once
 * the monitor is provably subscribed: it adds and removes a marker route in a private table and
 * waits to see it.
 */
export class RouteMonitor {
  readonly events: RouteEvent[] = [];
  #process: LabProcess | undefined;
  #markerSeen = false;

  static async start(
    netns: Netns,
    options: { family?: 4 | 6; timeoutMs?: number } = {},
  ): Promise<RouteMonitor> {
    const monitor = new RouteMonitor();
    const family = options.family ? [`-${options.family}`] : [];
    monitor.#process = await netns.spawn(
      ['ip', ...family, '-ts', '-rcvbuf', '33554432', 'monitor', 'route'],
      {
        name: 'ip-monitor-route',
        onLine: (line, stream) => {
          if (stream === 'stdout') monitor.#onLine(line);
        },
      },
    );
    const timeoutMs = options.timeoutMs ?? 20_000;
    const marker = markerRoute[options.family ?? 4];
    const markerArgs = [...(options.family === 6 ? ['-6'] : []), 'route'];
    // Each attempt adds a new route (a new metric): re-adding an identical route emits no
    // netlink event, so a monitor that subscribed after the first attempt would never see it.
    let attempt = 0;
    await waitFor(
      async () => {
        attempt++;
        await netns.ip([
          ...markerArgs,
          'add',
          'unreachable',
          marker,
          'table',
          String(markerTable),
          'metric',
          String(attempt),
        ]);
        return monitor.#markerSeen;
      },
      { timeoutMs, intervalMs: 50, description: `ip monitor in ${netns.name} to subscribe` },
    );
    await netns.ip([...markerArgs, 'flush', 'table', String(markerTable)]);
    return monitor;
  }

  /** Waits until `predicate` holds for the events seen so far; returns the matching event. */
  waitForEvent(
    predicate: (event: RouteEvent) => boolean,
    options: { timeoutMs: number; description: string },
  ): Promise<RouteEvent> {
    return waitFor(() => this.events.find(predicate), { ...options, intervalMs: 10 });
  }

  /** Stops `ip monitor`. */
  async stop(): Promise<void> {
    await this.#process?.stop();
  }

  #onLine(raw: string): void {
    const receivedAt = performance.now();
    let line = raw;
    let timestampMicros: number | undefined;
    const ts = /^\[(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)\.(\d+)\]\s?/.exec(line);
    if (ts) {
      const fraction = (ts[2] ?? '0').padEnd(6, '0').slice(0, 6);
      timestampMicros = new Date(ts[1] as string).getTime() * 1000 + Number(fraction);
      line = line.slice(ts[0].length);
    }
    if (/^\s/.test(line) || line.startsWith('nexthop')) {
      const last = this.events.at(-1);
      if (last) {
        last.text += `\n${line}`;
        last.gateways.push(...viaAddresses(line));
      }
      return;
    }
    if (!line.trim()) return;
    if (line.includes(`table ${markerTable}`)) {
      this.#markerSeen = true;
      return;
    }
    const deleted = line.startsWith('Deleted ');
    const body = deleted ? line.slice('Deleted '.length) : line;
    const words = body.trim().split(/\s+/);
    const typed = [
      'unreachable',
      'blackhole',
      'prohibit',
      'local',
      'broadcast',
      'multicast',
      'unicast',
    ].includes(words[0] ?? '');
    this.events.push({
      kind: deleted ? 'del' : 'add',
      dst: (typed ? words[1] : words[0]) ?? '',
      gateways: viaAddresses(body),
      timestampMicros,
      receivedAt,
      text: line,
    });
  }
}

function viaAddresses(text: string): string[] {
  return [...text.matchAll(/\bvia (?:inet6 )?(\S+)/g)].map((match) => match[1] as string);
}

/** Starts a route monitor in `netns` (see RouteMonitor). */
export function startRouteMonitor(
  netns: Netns,
  options: { family?: 4 | 6; timeoutMs?: number } = {},
): Promise<RouteMonitor> {
  return RouteMonitor.start(netns, options);
}
