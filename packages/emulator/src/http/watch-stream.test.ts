// The HTTP watch stream: headers flushed at once, events coalesced into one write per turn,
// a slow client (too much queued in the socket) refused so the hub drops it.
import { describe, expect, it } from 'vitest';
import type { ServerResponse } from 'node:http';
import type { KObject } from '../kobject.js';
import { HttpWatchStream } from './watch-stream.js';

class FakeResponse {
  headers: unknown;
  flushed = false;
  writes: string[] = [];
  ended = false;
  destroyed = false;
  writableLength = 0;
  writeHead(_code: number, headers: unknown): void {
    this.headers = headers;
  }
  flushHeaders(): void {
    this.flushed = true;
  }
  write(data: string): boolean {
    this.writes.push(data);
    return true;
  }
  end(): void {
    this.ended = true;
  }
}

const obj: KObject = { metadata: { name: 'a', resourceVersion: '5' } };
const tick = () => new Promise((r) => setImmediate(r));

describe('HttpWatchStream', () => {
  it('flushes headers on open and writes the events of one turn together', async () => {
    const res = new FakeResponse();
    const s = new HttpWatchStream(res as unknown as ServerResponse);
    s.open();
    expect(res.flushed).toBe(true);
    expect(s.event('ADDED', obj, () => 'one\n')).toBe(true);
    expect(s.event('MODIFIED', obj, () => 'two\n')).toBe(true);
    expect(res.writes).toEqual([]);
    await tick();
    expect(res.writes).toEqual(['one\ntwo\n']);
    s.close();
    expect(res.ended).toBe(true);
    expect(s.event('DELETED', obj, () => 'late\n')).toBe(false);
  });

  it('refuses events for a client whose socket backlog passed the limit', () => {
    const res = new FakeResponse();
    const s = new HttpWatchStream(res as unknown as ServerResponse, { maxBacklog: 100 });
    s.open();
    res.writableLength = 101;
    expect(s.event('ADDED', obj, () => 'x\n')).toBe(false);
  });

  it('writes an ERROR event before closing', () => {
    const res = new FakeResponse();
    const s = new HttpWatchStream(res as unknown as ServerResponse);
    s.open();
    s.error({ code: 410 });
    s.close();
    expect(res.writes).toEqual(['{"type":"ERROR","object":{"code":410}}\n']);
  });
});
