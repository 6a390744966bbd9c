import { describe, expect, it } from 'vitest';
import { CliError, CliErrorCode, describeError } from './cli-error.js';

describe('describeError', () => {
  it('user mistakes are their message, with exit code 1 (2 for usage)', () => {
    expect(describeError(new CliError(CliErrorCode.notFound, 'Service a/b not found'))).toEqual({
      message: 'Service a/b not found',
      exitCode: 1,
      userMistake: true,
    });
    expect(describeError(new CliError(CliErrorCode.usage, 'bad')).exitCode).toBe(2);
  });

  it('system errors about files and connections become one sentence', () => {
    const enoent = Object.assign(new Error("ENOENT: no such file or directory, open 'x.yaml'"), {
      code: 'ENOENT',
      path: 'x.yaml',
    });
    expect(describeError(enoent)).toMatchObject({
      message: 'x.yaml: no such file or directory',
      userMistake: true,
    });
    const refused = Object.assign(new Error('connect ECONNREFUSED'), {
      code: 'ECONNREFUSED',
      address: '127.0.0.1',
      port: 6443,
    });
    expect(describeError(refused).message).toBe('connection refused by 127.0.0.1:6443');
  });

  it('lab errors written for users pass through; anything else is flagged as a bug, first line only', () => {
    const lab = Object.assign(new Error('the IronLB lab needs root: ...'), {
      code: 'ERR_IRONLB_LAB_PREREQUISITES',
    });
    expect(describeError(lab)).toMatchObject({
      message: 'the IronLB lab needs root: ...',
      userMistake: true,
    });
    expect(describeError(new TypeError('x is undefined\n    at foo'))).toEqual({
      message: 'unexpected error: x is undefined',
      exitCode: 1,
      userMistake: false,
    });
  });
});
