import type { Logger } from '../../observability/logger';
import { progressBarLine, ProgressStream, TerminalProgress } from '../../observability/terminal-progress';

export type { ProgressStream };

const MIB = 1024 * 1024;

export function progressLine(modelId: string, bytes: number, total: number): string {
  const fraction = total > 0 ? Math.min(1, bytes / total) : 0;
  return progressBarLine(modelId, fraction, `${(bytes / MIB).toFixed(1)}/${(total / MIB).toFixed(1)} MiB`);
}

/**
 * Reports one model download: a log line each time another 10 % is done,
 * and, when given a terminal, a single progress line redrawn in place.
 */
export class DownloadProgressReporter {
  private lastDecile: number | undefined;
  private lastPercent = -1;
  private readonly bar: TerminalProgress;

  constructor(
    private readonly modelId: string,
    private readonly total: number,
    private readonly logger?: Logger,
    terminal?: ProgressStream,
  ) {
    this.bar = new TerminalProgress(terminal);
  }

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
    if (percent !== this.lastPercent) this.bar.draw(progressLine(this.modelId, bytes, this.total));
    this.lastPercent = percent;
  }

  /** Ends the progress line so later output starts on a fresh one. */
  finish(): void {
    this.bar.finish();
  }
}
