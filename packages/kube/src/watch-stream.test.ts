import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { WatchLineDecoder } from './watch-stream.js';
import type { WatchEvent } from './watch-stream.js';

function decoder() {
  const events: WatchEvent[] = [];
  const malformed: string[] = [];
  const d = new WatchLineDecoder({
    onEvent: (e) => events.push(e),
    onMalformed: (l) => malformed.push(l),
    onClose: () => undefined,
  });
  return { d, events, malformed };
}

const line = (type: string, name: string) =>
  `${JSON.stringify({ type, object: { metadata: { name, resourceVersion: '7' } } })}\n`;

describe('WatchLineDecoder', () => {
  it('decodes events split anywhere across chunks, several per chunk', () => {
    const { d, events } = decoder();
    const text = line('ADDED', 'a') + line('MODIFIED', 'b') + line('DELETED', 'c');
    d.push(text.slice(0, 10));
    d.push(text.slice(10, 70));
    d.push(text.slice(70));
    expect(events.map((e) => `${e.type} ${e.object.metadata?.name}`)).toEqual([
      'ADDED a',
      'MODIFIED b',
      'DELETED c',
    ]);
  });

  it('drops lines that are not watch events and reports them, and keeps going', () => {
    const { d, events, malformed } = decoder();
    d.push('{"type":"ADDED"\n');
    d.push('not json\n\n');
    d.push('{"type":"EXPLODED","object":{}}\n');
    d.push('{"type":"ADDED","object":null}\n');
    d.push(line('BOOKMARK', 'x'));
    expect(malformed).toHaveLength(4);
    expect(events.map((e) => e.type)).toEqual(['BOOKMARK']);
  });

  it('decodes a last line without a newline when the stream ends', () => {
    const { d, events } = decoder();
    d.push(line('ADDED', 'a').trimEnd());
    expect(events).toHaveLength(0);
    d.end();
    expect(events).toHaveLength(1);
  });

  test.prop([fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 30 })])(
    'any chunking gives the same events',
    (cuts) => {
      const text = Array.from({ length: 6 }, (_, i) => line('ADDED', `s${i}-é`)).join('');
      const { d, events } = decoder();
      let at = 0;
      for (const n of cuts) {
        d.push(text.slice(at, at + n));
        at += n;
      }
      d.push(text.slice(at));
      expect(events.map((e) => e.object.metadata?.name)).toEqual(
        Array.from({ length: 6 }, (_, i) => `s${i}-é`),
      );
    },
  );
});
