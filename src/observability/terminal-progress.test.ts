import { DownloadProgressReporter, progressLine } from '../model/repository/download-progress';
import { progressBarLine, TerminalProgress } from './terminal-progress';

function stream(isTTY: boolean, columns = 80) {
  const writes: string[] = [];
  return { writes, isTTY, columns, write: (text: string) => writes.push(text) };
}

describe('progress bars', () => {
  it('draws a bar of thirty cells with the percentage and a detail', () => {
    expect(progressBarLine('building', 0.5, '[a]')).toBe(`building [${'#'.repeat(15)}${'-'.repeat(15)}]  50% [a]`);
    expect(progressBarLine('x', 2, 'done')).toBe(`x [${'#'.repeat(30)}] 100% done`);
    expect(progressLine('m', 512 * 1024, 1024 * 1024)).toBe(`m [${'#'.repeat(15)}${'-'.repeat(15)}]  50% 0.5/1.0 MiB`);
  });

  it('redraws one line in place on a terminal, cut to its width, and ends it', () => {
    const terminal = stream(true, 21);
    const progress = new TerminalProgress(terminal);
    progress.draw('a long line that does not fit');
    progress.draw('short');
    progress.finish();
    expect(terminal.writes).toEqual(['\ra long line that doe', '\rshort               ', '\n']);
  });

  it('writes nothing to a stream that is not a terminal', () => {
    const file = stream(false);
    const progress = new TerminalProgress(file);
    progress.draw('anything');
    progress.finish();
    expect(file.writes).toEqual([]);
  });

  it('logs a download at each tenth and draws it on a terminal', () => {
    const lines: string[] = [];
    const logger = { info: (_fields: unknown, message: string) => lines.push(message) };
    const terminal = stream(true);
    const reporter = new DownloadProgressReporter('m', 100, logger as never, terminal);
    for (const bytes of [0, 5, 10, 35, 100]) reporter.update(bytes);
    reporter.finish();
    expect(lines).toEqual([
      'downloading [m]: 10% (10 of 100 bytes)',
      'downloading [m]: 30% (35 of 100 bytes)',
      'downloading [m]: 100% (100 of 100 bytes)',
    ]);
    expect(terminal.writes).toHaveLength(6);
    expect(terminal.writes.at(-1)).toBe('\n');
  });
});
