// RFC 6902 Appendix A examples, retyped by hand, plus RFC 6901 pointer escapes.
import { describe, expect, it } from 'vitest';
import { applyJsonPatch, parsePointer } from './json-patch.js';

const ok: [string, unknown, unknown[], unknown][] = [
  [
    'A.1 adding an object member',
    { foo: 'bar' },
    [{ op: 'add', path: '/baz', value: 'qux' }],
    { baz: 'qux', foo: 'bar' },
  ],
  [
    'A.2 adding an array element',
    { foo: ['bar', 'baz'] },
    [{ op: 'add', path: '/foo/1', value: 'qux' }],
    { foo: ['bar', 'qux', 'baz'] },
  ],
  [
    'A.3 removing an object member',
    { baz: 'qux', foo: 'bar' },
    [{ op: 'remove', path: '/baz' }],
    { foo: 'bar' },
  ],
  [
    'A.4 removing an array element',
    { foo: ['bar', 'qux', 'baz'] },
    [{ op: 'remove', path: '/foo/1' }],
    { foo: ['bar', 'baz'] },
  ],
  [
    'A.5 replacing a value',
    { baz: 'qux', foo: 'bar' },
    [{ op: 'replace', path: '/baz', value: 'boo' }],
    { baz: 'boo', foo: 'bar' },
  ],
  [
    'A.6 moving a value',
    { foo: { bar: 'baz', waldo: 'fred' }, qux: { corge: 'grault' } },
    [{ op: 'move', from: '/foo/waldo', path: '/qux/thud' }],
    { foo: { bar: 'baz' }, qux: { corge: 'grault', thud: 'fred' } },
  ],
  [
    'A.7 moving an array element',
    { foo: ['all', 'grass', 'cows', 'eat'] },
    [{ op: 'move', from: '/foo/1', path: '/foo/3' }],
    { foo: ['all', 'cows', 'eat', 'grass'] },
  ],
  [
    'A.8 testing a value: success',
    { baz: 'qux', foo: ['a', 2, 'c'] },
    [
      { op: 'test', path: '/baz', value: 'qux' },
      { op: 'test', path: '/foo/1', value: 2 },
    ],
    { baz: 'qux', foo: ['a', 2, 'c'] },
  ],
  [
    'A.10 adding a nested member object',
    { foo: 'bar' },
    [{ op: 'add', path: '/child', value: { grandchild: {} } }],
    { foo: 'bar', child: { grandchild: {} } },
  ],
  [
    'A.11 ignoring unrecognized elements',
    { foo: 'bar' },
    [{ op: 'add', path: '/baz', value: 'qux', xyz: 123 }],
    { foo: 'bar', baz: 'qux' },
  ],
  [
    'A.14 ~ escape ordering',
    { '/': 9, '~1': 10 },
    [{ op: 'test', path: '/~01', value: 10 }],
    { '/': 9, '~1': 10 },
  ],
  [
    'A.16 adding an array value',
    { foo: ['bar'] },
    [{ op: 'add', path: '/foo/-', value: ['abc', 'def'] }],
    { foo: ['bar', ['abc', 'def']] },
  ],
  ['copy', { a: { b: 1 } }, [{ op: 'copy', from: '/a', path: '/c' }], { a: { b: 1 }, c: { b: 1 } }],
  ['replace the root', { a: 1 }, [{ op: 'replace', path: '', value: { b: 2 } }], { b: 2 }],
];

const applyFailures: [string, unknown, unknown[]][] = [
  ['A.9 testing a value: error', { baz: 'qux' }, [{ op: 'test', path: '/baz', value: 'bar' }]],
  ['A.12 adding to a nonexistent target', { foo: 'bar' }, [{ op: 'add', path: '/baz/bat', value: 'qux' }]],
  ['A.15 comparing strings and numbers', { '/': 9, '~1': 10 }, [{ op: 'test', path: '/~01', value: '10' }]],
  ['remove a missing member', { a: 1 }, [{ op: 'remove', path: '/b' }]],
  ['replace a missing member', { a: 1 }, [{ op: 'replace', path: '/b', value: 2 }]],
  ['array index out of bounds', { a: [1] }, [{ op: 'add', path: '/a/5', value: 2 }]],
  ['leading zero index', { a: [1, 2] }, [{ op: 'remove', path: '/a/01' }]],
];

describe('applyJsonPatch (RFC 6902)', () => {
  it.each(ok)('%s', (_name, doc, patch, want) => {
    const before = JSON.stringify(doc);
    expect(applyJsonPatch(doc, patch)).toEqual({ ok: true, value: want });
    expect(JSON.stringify(doc)).toBe(before);
  });

  it.each(applyFailures)('%s fails to apply', (_name, doc, patch) => {
    expect(applyJsonPatch(doc, patch)).toMatchObject({ ok: false, kind: 'apply' });
  });

  it('rejects a patch that is not a list of operations as undecodable', () => {
    expect(applyJsonPatch({}, { op: 'add' })).toMatchObject({ ok: false, kind: 'decode' });
    expect(applyJsonPatch({}, [{ op: 'frobnicate', path: '/a' }])).toMatchObject({
      ok: false,
      kind: 'decode',
    });
  });
});

describe('parsePointer (RFC 6901)', () => {
  it.each([
    ['', []],
    ['/foo', ['foo']],
    ['/foo/0', ['foo', '0']],
    ['/', ['']],
    ['/a~1b', ['a/b']],
    ['/m~0n', ['m~n']],
    ['/~01', ['~1']],
  ])('%j', (p, want) => expect(parsePointer(p)).toEqual(want));

  it('rejects a pointer without a leading slash', () => expect(parsePointer('foo')).toBeUndefined());
});
