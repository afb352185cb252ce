import * as path from 'node:path';
import { sessionOptionsFor } from './session-options';
import { allocationWorkerScript } from './worker-script';

describe('allocation worker loading', () => {
  test('compiled code starts the compiled worker as is', () => {
    expect(allocationWorkerScript('/app/dist/model/allocation/model-allocation.js')).toEqual({
      filename: '/app/dist/model/allocation/allocation-worker.js',
      execArgv: [],
    });
  });

  test('TypeScript sources start the TypeScript worker with the swc hook preloaded', () => {
    const script = allocationWorkerScript(path.join(__dirname, 'model-allocation.ts'));
    expect(script).toEqual({
      filename: path.join(__dirname, 'allocation-worker.ts'),
      execArgv: ['--require', path.join(__dirname, 'ts-worker-hook.js')],
    });
  });
});

describe('allocation session options', () => {
  test('threads per allocation are intra-op threads, sequential, fully optimized, no arena; spinning is a string flag', () => {
    expect(sessionOptionsFor(4)).toEqual({
      intraOpNumThreads: 4,
      interOpNumThreads: 1,
      executionMode: 'sequential',
      graphOptimizationLevel: 'all',
      enableCpuMemArena: false,
      extra: { session: { intra_op: { allow_spinning: '0' } } },
    });
    expect(sessionOptionsFor(1, { allowSpinning: true }).extra).toEqual({ session: { intra_op: { allow_spinning: '1' } } });
    expect(sessionOptionsFor(1, { memoryArena: true }).enableCpuMemArena).toBe(true);
  });
});
