import type { Logger } from '../../observability/logger';

/** A stream that may be a terminal, such as `process.stderr`. */
export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

const BAR_WIDTH = 30;
const MIB = 1024 * 1024;

export function progressLine(modelId: string, bytes: number, total: number): string {
  const fraction = total > 0 ? Math.min(1, bytes / total) : 0;
  const filled = Math.round(fraction * BAR_WIDTH);
  const percent = `${Math.floor(fraction * 100)}`.padStart(3);
  const amounts = `${(bytes / MIB).toFixed(1)}/${(total / MIB).toFixed(1)} MiB`;
  return `${modelId} [${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}] ${percent}% ${amounts}`;
}

/**
 * Reports one model download: a log line each time another 10 % is done,
 * and, when given a terminal, a single progress line redrawn in place.
 */
export class DownloadProgressReporter {
  private lastDecile: number | undefined;
  private lastPercent = -1;
  private drawnWidth = 0;

  constructor(
    private readonly modelId: string,
    private readonly total: number,
    private readonly logger?: Logger,
    private readonly terminal?: ProgressStream,
  ) {}

  update(bytes: number): void {
    const fraction = this.total > 0 ? Math.min(1, bytes / this.total) : 0;
    const decile = Math.floor(fraction * 10);
    // The first report sets the baseline, so a resumed download does not log the deciles it skipped.
    if (this.lastDecile !== undefined && decile > this.lastDecile) {
      this.logger?.info(
        { model_id: this.modelId, bytes, total: this.total },
        `downloading [${this.modelId}]: ${decile * 10}% (${bytes} of ${this.total} bytes)`,
      );
    }
    if (this.lastDecile === undefined || decile > this.lastDecile) this.lastDecile = decile;
    const percent = Math.floor(fraction * 100);
    if (this.terminal?.isTTY && percent !== this.lastPercent) this.draw(progressLine(this.modelId, bytes, this.total));
    this.lastPercent = percent;
  }

  /** Ends the progress line so later output starts on a fresh one. */
  finish(): void {
    if (this.terminal?.isTTY && this.drawnWidth > 0) this.terminal.write('\n');
    this.drawnWidth = 0;
  }

  private draw(line: string): void {
    const width = Math.max(0, (this.terminal?.columns ?? 80) - 1);
    const text = line.length > width ? line.slice(0, width) : line;
    this.terminal?.write(`\r${text.padEnd(this.drawnWidth)}`);
    this.drawnWidth = text.length;
  }
}
