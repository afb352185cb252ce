import { InferenceSession } from 'onnxruntime-node';
import type { AllocationSessionOptions } from './protocol';
import { sharedModelWriterOptions } from './session-options';

/*
 * A child process that loads a model once and writes the form the allocations
 * of a pool share (see `sharedModelWriterOptions`), then exits: 0 when
 * written, 1 with onnxruntime's reason on stderr. A process rather than a
 * worker thread, so that the memory of this extra session goes back to the
 * system instead of lingering in the server's allocator.
 *
 * argv: source model, target directory, threads, session options as JSON.
 */
async function main([source, directory, threads, options]: string[]): Promise<void> {
  const session = await InferenceSession.create(
    source,
    sharedModelWriterOptions(Number(threads), JSON.parse(options) as AllocationSessionOptions, directory),
  );
  await session.release();
}

main(process.argv.slice(2)).then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(error instanceof Error ? error.message : String(error));
    process.exit(1);
  },
);
