import * as path from 'node:path';
import { defaultOptions, parseBenchArguments, UsageError } from './options';

describe('benchmark command line', () => {
  test('the full run covers every model, three lengths and both layouts', () => {
    const options = parseBenchArguments([]);
    expect(options).toMatchObject({
      quick: false,
      models: ['builtin', 'bert-base-fp32', 'bert-base-int8'],
      lengths: [16, 128, 256],
      layouts: [
        { allocations: 1, threads: 2 },
        { allocations: 2, threads: 1 },
      ],
      batchingClients: 32,
    });
  });

  test('--quick is the built-in model only, for a couple of seconds per measurement', () => {
    expect(parseBenchArguments(['--quick'])).toEqual(defaultOptions(true));
    expect(defaultOptions(true)).toMatchObject({ models: ['builtin'], seconds: 2, rounds: 1 });
  });

  test('lists and numbers override the defaults, in either flag form', () => {
    const options = parseBenchArguments([
      '--quick',
      '--models=builtin,bert-base-int8',
      '--lengths',
      '32, 64',
      '--seconds',
      '0.5',
      '--out',
      'x',
    ]);
    expect(options).toMatchObject({ models: ['builtin', 'bert-base-int8'], lengths: [32, 64], seconds: 0.5, outDir: path.resolve('x') });
    expect(parseBenchArguments(['--help'])).toBe('help');
  });

  test('rejects what it cannot run', () => {
    expect(() => parseBenchArguments(['--models', 'gpt'])).toThrow(UsageError);
    expect(() => parseBenchArguments(['--lengths', '2'])).toThrow(/from 3 to 512/);
    expect(() => parseBenchArguments(['--lengths', '600'])).toThrow(/from 3 to 512/);
    expect(() => parseBenchArguments(['--seconds', '0'])).toThrow(/positive number/);
    expect(() => parseBenchArguments(['--rounds', '1.5'])).toThrow(/positive integer/);
    expect(() => parseBenchArguments(['--seconds'])).toThrow(/needs a value/);
    expect(() => parseBenchArguments(['--fast'])).toThrow(/unknown argument/);
  });
});
