/** A stream that may be a terminal, such as `process.stdout`. */
export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

const BAR_WIDTH = 30;

/** `label [#######-----]  42% detail` */
export function progressBarLine(label: string, fraction: number, detail: string): string {
  const clamped = Math.max(0, Math.min(1, fraction));
  const filled = Math.round(clamped * BAR_WIDTH);
  const percent = `${Math.floor(clamped * 100)}`.padStart(3);
  return `${label} [${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}] ${percent}% ${detail}`;
}

/** One progress line redrawn in place on a terminal; nothing at all on anything else. */
export class TerminalProgress {
  private drawnWidth = 0;

  constructor(private readonly terminal?: ProgressStream) {}

  get active(): boolean {
    return this.terminal?.isTTY === true;
  }

  draw(line: string): void {
    if (!this.active) return;
    const width = Math.max(0, (this.terminal?.columns ?? 80) - 1);
    const text = line.length > width ? line.slice(0, width) : line;
    this.terminal?.write(`\r${text.padEnd(this.drawnWidth)}`);
    this.drawnWidth = text.length;
  }

  /** Ends the line so that later output starts on a fresh one. */
  finish(): void {
    if (this.active && this.drawnWidth > 0) this.terminal?.write('\n');
    this.drawnWidth = 0;
  }
}
