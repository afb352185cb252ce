import { pipeline, Transform, TransformCallback } from 'node:stream';
import type { ArtefactBody, ModelRepositorySource, OpenArtefactOptions } from './model-repository-source';

/** How fast artefacts may arrive: not at all, or at most `bytesPerSecond`. */
export type DownloadLimit = { stall: true } | { stall?: false; bytesPerSecond: number };

/** Decides, chunk by chunk, how an artefact's bytes are let through. */
export interface DownloadThrottle {
  /** The limit in force now; undefined lets bytes through as they come. */
  limit(): DownloadLimit | undefined;
  /** Resolves the next time the limit changes, so that a stalled transfer resumes once its stall is lifted. */
  changed(): Promise<void>;
}

/** A rate is enforced in slices of this many milliseconds' worth of bytes. */
const SLICE_MS = 100;

/**
 * A repository whose artefacts arrive as slowly as the throttle says: a model
 * download that stalls or crawls without a slow repository behind it.
 * Offsets and lengths are the wrapped source's, so resuming by range is unchanged.
 */
export class ThrottledRepositorySource implements ModelRepositorySource {
  constructor(
    private readonly source: ModelRepositorySource,
    private readonly throttle: DownloadThrottle,
  ) {}

  get location(): string {
    return this.source.location;
  }

  uriOf(artefact: string): string {
    return this.source.uriOf(artefact);
  }

  async open(artefact: string, options?: OpenArtefactOptions): Promise<ArtefactBody> {
    const body = await this.source.open(artefact, options);
    const throttled = new ThrottledStream(this.throttle);
    pipeline(body.stream, throttled, () => undefined);
    return { ...body, stream: throttled };
  }
}

class ThrottledStream extends Transform {
  private readonly abort = new AbortController();

  constructor(private readonly throttle: DownloadThrottle) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.pass(chunk).then(
      () => {
        if (!this.destroyed) callback();
      },
      (error: unknown) => {
        if (!this.destroyed) callback(error as Error);
      },
    );
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.abort.abort();
    callback(error);
  }

  private async pass(chunk: Buffer): Promise<void> {
    let offset = 0;
    while (offset < chunk.length && !this.destroyed) {
      const limit = this.throttle.limit();
      if (limit === undefined) {
        this.push(offset === 0 ? chunk : chunk.subarray(offset));
        return;
      }
      if (limit.stall) {
        await this.until({ change: this.throttle.changed() });
        continue;
      }
      const slice = Math.min(chunk.length - offset, Math.max(1, Math.floor((limit.bytesPerSecond * SLICE_MS) / 1000)));
      this.push(chunk.subarray(offset, offset + slice));
      offset += slice;
      // A slice's wait is short, so a lifted or changed limit takes effect by the next one.
      await this.until({ ms: (slice * 1000) / limit.bytesPerSecond });
    }
  }

  /** Waits for the change or the time to pass, whichever comes first; a destroyed stream waits no longer. */
  private until({ change, ms }: { change?: Promise<void>; ms?: number }): Promise<void> {
    return new Promise<void>((resolve) => {
      const signal = this.abort.signal;
      const timer = ms === undefined ? undefined : setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      }
      if (signal.aborted) return done();
      signal.addEventListener('abort', done);
      void change?.then(done);
    });
  }
}
