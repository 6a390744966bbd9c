/**
 * Parsers for the `birdc` text output that tests need. BIRD 2 has no JSON output (P6).
 */

/** One row of `show protocols`. */
export interface BirdProtocol {
  name: string;
  proto: string;
  table: string;
  /** `up`, `start`, `down`, ... */
  state: string;
  since: string;
  /** `Established`, `Passive`, `Active Socket: Connection closed`, ... */
  info: string;
}

/** Removes birdc's `BIRD x.y.z ready.` banner. */
export function stripBirdBanner(text: string): string {
  return text.replace(/^BIRD [^\n]*ready\.\n?/, '');
}

/** Parses `show protocols`. */
export function parseBirdProtocols(text: string): BirdProtocol[] {
  const rows: BirdProtocol[] = [];
  for (const line of stripBirdBanner(text).split('\n')) {
    if (!line.trim() || line.startsWith('Name ')) continue;
    const match = /^(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s+((?:\d{4}-\d{2}-\d{2} )?[\d:.]+)\s*(.*)$/.exec(line);
    if (!match) continue;
    const [, name, proto, table, state, since, info] = match as unknown as string[];
    rows.push({
      name: name!,
      proto: proto!,
      table: table!,
      state: state!,
      since: since!,
      info: (info ?? '').trim(),
    });
  }
  return rows;
}

/** `show route count`: routes and networks summed over tables. */
export interface BirdRouteCount {
  routes: number;
  networks: number;
}

export function parseBirdRouteCount(text: string): BirdRouteCount {
  let routes = 0;
  let networks = 0;
  for (const match of stripBirdBanner(text).matchAll(/(\d+) of (\d+) routes for (\d+) networks/g)) {
    routes += Number(match[1]);
    networks += Number(match[3]);
  }
  return { routes, networks };
}

/** One route of `show route [all] [prefix]`. */
export interface BirdRoute {
  network: string;
  /** The protocol instance that gave the route (`nodes_1`). */
  protocol: string;
  /** Marked `*`: the best route for the network. */
  primary: boolean;
  /** Next hops (`via 192.0.2.11 on eth0`). */
  via: string[];
  /** BGP AS path when BIRD shows it (`[AS64513i]` -> `64513`). */
  asPath?: string;
}

/**
 * Parses `show route` output (optionally `all`). Lines look like:
 * `198.51.100.10/32     unicast [nodes_1 12:00:00.123] * (100) [AS64513i]`, then
 * `\tvia 192.0.2.11 on eth0`. A continuation row for the same network starts with spaces.
 */
export function parseBirdRoutes(text: string): BirdRoute[] {
  const routes: BirdRoute[] = [];
  let network = '';
  let current: BirdRoute | undefined;
  for (const line of stripBirdBanner(text).split('\n')) {
    if (!line.trim() || line.startsWith('Table ')) continue;
    const head = /^(\S+)?\s+(?:unicast|blackhole|unreachable|prohibited)\s+\[(\S+)[^\]]*\]\s*(\*)?(.*)$/.exec(
      line,
    );
    if (head) {
      if (head[1]) network = head[1];
      const asMatch = /\[AS(\d+)[ie?]\]/.exec(head[4] ?? '');
      current = { network, protocol: head[2] as string, primary: head[3] === '*', via: [] };
      if (asMatch) current.asPath = asMatch[1];
      routes.push(current);
      continue;
    }
    const via = /^\s+via (\S+)/.exec(line);
    if (via && current) current.via.push(via[1] as string);
    const path = /^\s+BGP\.as_path:\s*(.*)$/.exec(line);
    if (path && current) current.asPath = (path[1] ?? '').trim();
  }
  return routes;
}
