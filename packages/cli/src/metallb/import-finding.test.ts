import { describe, expect, it } from 'vitest';
import { FieldReader, Findings } from './import-finding.js';

describe('FieldReader', () => {
  it('reports every field nobody read, and fields of the wrong type', () => {
    const findings = new Findings();
    const r = new FieldReader(
      { name: 'x', count: 'three', tags: ['a', 1], extra: true, empty: null },
      { source: 'Kind ns/x', path: 'spec', findings },
    );
    expect(r.string('name')).toBe('x');
    expect(r.number('count')).toBeUndefined();
    expect(r.strings('tags')).toBeUndefined();
    r.done();
    expect(findings.list).toEqual([
      {
        severity: 'unconvertible',
        source: 'Kind ns/x',
        field: 'spec.count',
        message: 'spec.count is not a number',
      },
      {
        severity: 'unconvertible',
        source: 'Kind ns/x',
        field: 'spec.tags',
        message: 'spec.tags is not a list of strings',
      },
      {
        severity: 'unconvertible',
        source: 'Kind ns/x',
        field: 'spec.extra',
        message: 'spec.extra is not known to this importer and was dropped',
      },
    ]);
  });

  it('treats a missing object as empty and a non-object as a finding', () => {
    const findings = new Findings();
    expect(new FieldReader(undefined, { source: 's', path: 'spec', findings }).has('a')).toBe(false);
    new FieldReader('text', { source: 's', path: 'spec', findings });
    expect(findings.list.map((f) => f.message)).toEqual(['spec is not an object']);
  });
});
