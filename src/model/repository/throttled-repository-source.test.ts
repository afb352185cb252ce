import { Readable } from 'node:stream';
import type { ModelRepositorySource } from './model-repository-source';
import { DownloadLimit, DownloadThrottle, ThrottledRepositorySource } from './throttled-repository-source';

class Throttle implements DownloadThrottle {
  private current: DownloadLimit | undefined;
  private notify = () => {};
  private next = new Promise<void>((resolve) => (this.notify = resolve));

  set(limit: DownloadLimit | undefined): void {
    this.current = limit;
    const notify = this.notify;
    this.next = new Promise<void>((resolve) => (this.notify = resolve));
    notify();
  }

  limit(): DownloadLimit | undefined {
    return this.current;
  }

  changed(): Promise<void> {
    return this.next;
  }
}

function sourceOf(bytes: Buffer): ModelRepositorySource & { destroyed: () => boolean } {
  let stream: Readable | undefined;
  return {
    location: 'file:///repo/',
    uriOf: (artefact) => `file:///repo/${artefact}`,
    open: async (_artefact, options) => {
      const start = options?.start ?? 0;
      stream = Readable.from([bytes.subarray(start)]);
      return { stream, offset: start, length: bytes.length };
    },
    destroyed: () => stream?.destroyed ?? false,
  };
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
}

const BYTES = Buffer.from('0123456789'.repeat(10));

describe('ThrottledRepositorySource', () => {
  it('passes bytes, offsets and names through when no limit is set', async () => {
    const source = new ThrottledRepositorySource(sourceOf(BYTES), new Throttle());
    expect(source.location).toBe('file:///repo/');
    expect(source.uriOf('m.onnx')).toBe('file:///repo/m.onnx');
    const body = await source.open('m.onnx', { start: 40 });
    expect(body).toMatchObject({ offset: 40, length: 100 });
    expect(await readAll(body.stream)).toEqual(BYTES.subarray(40));
  });

  it('holds the bytes back while stalled and lets them through once the stall is lifted', async () => {
    const throttle = new Throttle();
    throttle.set({ stall: true });
    const body = await new ThrottledRepositorySource(sourceOf(BYTES), throttle).open('m.onnx');
    const received: Buffer[] = [];
    body.stream.on('data', (chunk: Buffer) => received.push(chunk));
    const ended = new Promise((resolve) => body.stream.once('end', resolve));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(received).toEqual([]);
    throttle.set(undefined);
    await ended;
    expect(Buffer.concat(received)).toEqual(BYTES);
  });

  it('lets bytes through at the given rate', async () => {
    const throttle = new Throttle();
    throttle.set({ bytesPerSecond: 500 });
    const body = await new ThrottledRepositorySource(sourceOf(BYTES), throttle).open('m.onnx');
    const started = performance.now();
    const chunks: Buffer[] = [];
    for await (const chunk of body.stream as AsyncIterable<Buffer>) chunks.push(chunk);
    // 100 bytes at 500 B/s: 50-byte slices, the wait after the last one included.
    expect(performance.now() - started).toBeGreaterThanOrEqual(150);
    expect(chunks.every((chunk) => chunk.length <= 50)).toBe(true);
    expect(Buffer.concat(chunks)).toEqual(BYTES);
  });

  it('stops waiting, and closes the source, when the consumer gives up', async () => {
    const throttle = new Throttle();
    throttle.set({ stall: true });
    const source = sourceOf(BYTES);
    const body = await new ThrottledRepositorySource(source, throttle).open('m.onnx');
    body.stream.resume();
    await new Promise((resolve) => setTimeout(resolve, 20));
    body.stream.destroy();
    await new Promise((resolve) => setImmediate(resolve));
    expect(source.destroyed()).toBe(true);
  });
});
