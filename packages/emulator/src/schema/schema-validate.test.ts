// Table-driven cases per keyword; messages as kube-openapi words them (§6.6, §6.10).
import { describe, expect, it } from 'vitest';
import { fieldErrorText } from '../errors.js';
import type { Schema } from './json-schema.js';
import { checkStructural } from './json-schema.js';
import { applyDefaults, prune } from './schema-default.js';
import { validateValue } from './schema-validate.js';

const texts = (v: unknown, s: Schema, path = 'spec.x') => validateValue(v, s, path).map(fieldErrorText);

describe('validateValue', () => {
  it.each<[string, unknown, Schema, string[]]>([
    [
      'type',
      42,
      { type: 'string' },
      ['spec.x: Invalid value: "integer": spec.x in body must be of type string: "integer"'],
    ],
    ['number accepts integer', 42, { type: 'number' }, []],
    [
      'enum',
      'c',
      { type: 'string', enum: ['a', 'b'] },
      ['spec.x: Unsupported value: "c": supported values: "a", "b"'],
    ],
    [
      'pattern',
      'ABC',
      { type: 'string', pattern: '^[a-z]+$' },
      [`spec.x: Invalid value: "ABC": spec.x in body should match '^[a-z]+$'`],
    ],
    [
      'minimum',
      0,
      { type: 'integer', minimum: 1 },
      ['spec.x: Invalid value: 0: spec.x in body should be greater than or equal to 1'],
    ],
    [
      'exclusive maximum',
      10,
      { type: 'integer', maximum: 10, exclusiveMaximum: true },
      ['spec.x: Invalid value: 10: spec.x in body should be less than 10'],
    ],
    [
      'maxLength',
      'abcd',
      { type: 'string', maxLength: 3 },
      ['spec.x: Too long: may not be more than 3 bytes'],
    ],
    [
      'minItems',
      [],
      { type: 'array', items: { type: 'string' }, minItems: 1 },
      ['spec.x: Invalid value: 0: spec.x in body should have at least 1 items'],
    ],
    [
      'maxItems',
      [1, 2],
      { type: 'array', items: { type: 'integer' }, maxItems: 1 },
      ['spec.x: Too many: 2: must have at most 1 items'],
    ],
    [
      'format cidr',
      '192.0.2.0/33',
      { type: 'string', format: 'cidr' },
      ['spec.x: Invalid value: "192.0.2.0/33": spec.x in body must be of type cidr: "192.0.2.0/33"'],
    ],
    ['format ipv6 ok', '2001:db8::1', { type: 'string', format: 'ipv6' }, []],
    [
      'required',
      {},
      { type: 'object', required: ['a'], properties: { a: { type: 'string' } } },
      ['spec.x.a: Required value'],
    ],
    [
      'nested items',
      ['a', 1],
      { type: 'array', items: { type: 'string' } },
      ['spec.x[1]: Invalid value: "integer": spec.x[1] in body must be of type string: "integer"'],
    ],
    [
      'set duplicates',
      ['a', 'a'],
      { type: 'array', items: { type: 'string' }, 'x-kubernetes-list-type': 'set' },
      ['spec.x[1]: Duplicate value: "a"'],
    ],
    [
      'int-or-string',
      true,
      { 'x-kubernetes-int-or-string': true },
      ['spec.x: Invalid value: "boolean": spec.x in body must be of type integer,string: "boolean"'],
    ],
    ['nullable', null, { type: 'string', nullable: true }, []],
    [
      'null not nullable',
      null,
      { type: 'string' },
      ['spec.x: Invalid value: "null": spec.x in body must be of type string: "null"'],
    ],
  ])('%s', (_n, v, s, want) => {
    expect(texts(v, s)).toEqual(want);
  });
});

describe('defaults and pruning', () => {
  const s: Schema = {
    type: 'object',
    properties: {
      spec: {
        type: 'object',
        properties: {
          auto: { type: 'boolean', default: true },
          nested: { type: 'object', properties: { n: { type: 'integer', default: 3 } } },
        },
      },
      free: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
    },
  };

  it('defaults only where the parent exists', () => {
    const v: Record<string, unknown> = { spec: {} };
    applyDefaults(v, s);
    expect(v).toEqual({ spec: { auto: true } });
  });

  it('prunes unknown fields but keeps preserved subtrees', () => {
    const v = { spec: { auto: false, foo: 1 }, free: { anything: { goes: 1 } }, bar: 2 };
    expect(prune(v, s, '')).toEqual(['spec.foo', 'bar']);
    expect(v).toEqual({ spec: { auto: false }, free: { anything: { goes: 1 } } });
  });
});

describe('checkStructural', () => {
  it('requires types and forbids uniqueItems', () => {
    const errs = checkStructural(
      {
        type: 'object',
        properties: {
          spec: { properties: { a: { type: 'string' } } },
          l: { type: 'array', items: { type: 'string' }, uniqueItems: true },
        },
      },
      's',
    );
    expect(errs.map(fieldErrorText)).toEqual([
      's.properties[spec].type: Required value: must not be empty for specified object fields',
      's.properties[l].uniqueItems: Forbidden: uniqueItems cannot be set to true since the runtime complexity becomes quadratic',
    ]);
  });
});
