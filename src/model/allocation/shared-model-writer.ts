import * as path from 'node:path';
import { InferenceSession } from 'onnxruntime-node';
import type { SparseModelSignature } from '../sparse-model-signature';
import { buildFeeds } from './feeds';
import type { AllocationSessionOptions, TokenBatch } from './protocol';
import { SHARED_MODEL_FILE, sessionOptionsFor, sharedModelWriterOptions } from './session-options';

/*
 * A child process that loads a model once and writes the form the allocations
 * of a pool share (see `sharedModelWriterOptions`), then loads that form as an
 * allocation would and runs it once, and exits: 0 when it works, 1 with
 * onnxruntime's reason on stderr. onnxruntime has crashed the process running
 * some written forms (a fused GELU after an fp32 MatMul or Gemm whose
 * pre-packed weights were saved, in 1.30): that happens here rather than in
 * the server, and the pool then loads the model privately. A process rather
 * than a worker thread also lets the memory of these extra sessions go back
 * to the system.
 *
 * argv: source model, target directory, threads, session options as JSON, signature as JSON.
 */
async function main([source, directory, threads, options, signature]: string[]): Promise<void> {
  const sessionOptions = JSON.parse(options) as AllocationSessionOptions;
  const writer = await InferenceSession.create(source, sharedModelWriterOptions(Number(threads), sessionOptions, directory));
  await writer.release();
  const shared = await InferenceSession.create(path.join(directory, SHARED_MODEL_FILE), sessionOptionsFor(Number(threads), sessionOptions));
  const probe: TokenBatch = { ids: Int32Array.of(0, 0), lengths: Int32Array.of(2) };
  await shared.run(buildFeeds(probe, JSON.parse(signature) as SparseModelSignature));
  await shared.release();
}

main(process.argv.slice(2)).then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(error instanceof Error ? error.message : String(error));
    process.exit(1);
  },
);
