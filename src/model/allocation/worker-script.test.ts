import * as path from 'node:path';
import { sessionOptionsFor, sharedModelWriterOptions } from './session-options';
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
  test('threads per allocation are intra-op threads, sequential, fully optimized, with the arena, spinning briefly; ORT flags are strings', () => {
    expect(sessionOptionsFor(4)).toEqual({
      intraOpNumThreads: 4,
      interOpNumThreads: 1,
      executionMode: 'sequential',
      graphOptimizationLevel: 'all',
      enableCpuMemArena: true,
      extra: { session: { intra_op: { allow_spinning: '1', spin_duration_us: '100' } } },
    });
    expect(sessionOptionsFor(1, { allowSpinning: false }).extra).toEqual({ session: { intra_op: { allow_spinning: '0' } } });
    expect(sessionOptionsFor(1, { spinDurationUs: 250 }).extra).toEqual({
      session: { intra_op: { allow_spinning: '1', spin_duration_us: '250' } },
    });
    expect(sessionOptionsFor(1, { memoryArena: false }).enableCpuMemArena).toBe(false);
  });

  test('the shared model is written optimized, with its weights and their pre-packed forms outside the graph', () => {
    const options = sharedModelWriterOptions(2, {}, '/tmp/shared');
    expect(options).toMatchObject({
      intraOpNumThreads: 2,
      graphOptimizationLevel: 'all',
      optimizedModelFilePath: path.join('/tmp/shared', 'model.onnx'),
      extra: {
        session: {
          intra_op: { allow_spinning: '1' },
          optimized_model_external_initializers_file_name: 'model.weights',
          optimized_model_external_initializers_min_size_in_bytes: '1024',
          save_external_prepacked_constant_initializers: '1',
        },
      },
    });
  });
});
