import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { formatStructured, toYaml } from './output.js';

describe('output', () => {
  it('YAML quotes what kubectl (YAML 1.1) would read as booleans or numbers', () => {
    const text = toYaml({ a: 'yes', b: 'on', c: '12:30', d: '0755', e: 'plain' });
    expect(text).toBe('a: "yes"\nb: "on"\nc: "12:30"\nd: "0755"\ne: plain\n');
    expect(parse(text, { version: '1.1' })).toEqual({ a: 'yes', b: 'on', c: '12:30', d: '0755', e: 'plain' });
  });

  it('JSON is indented with a final newline', () => {
    expect(formatStructured({ a: [1] }, 'json')).toBe('{\n  "a": [\n    1\n  ]\n}\n');
  });
});
