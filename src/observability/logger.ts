import pino, { Logger } from 'pino';
import pretty from 'pino-pretty';
import type { LogLevel } from '../config/options';

export type { Logger };

/** `json`: one JSON object per line; `pretty`: coloured, human-readable lines, for a terminal. */
export type LogFormat = 'json' | 'pretty';

/** Pretty on a terminal, JSON lines otherwise (files, pipes, log collectors). */
export const defaultLogFormat = (): LogFormat => (process.stdout.isTTY ? 'pretty' : 'json');

/** Logs on stdout (or `destination`); credentials never reach the output, in either format. */
export function createLogger(level: LogLevel, format: LogFormat = 'json', destination?: NodeJS.WritableStream): Logger {
  const options = {
    level,
    base: { name: 'elser-mock' },
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers["es-client-authentication"]',
        'req.headers.cookie',
        'headers.authorization',
        'security',
        '*.security',
        '*.apiKey',
        '*.apiKeys',
        '*.password',
      ],
      censor: '[REDACTED]',
    },
  };
  if (format === 'json') return destination ? pino(options, destination) : pino(options);
  // In-process and synchronous, so that nothing logged before an exit is lost.
  const stream = pretty({
    sync: true,
    colorize: destination === undefined && process.stdout.isTTY,
    ignore: 'pid,hostname,name',
    translateTime: 'HH:MM:ss.l',
    ...(destination && { destination }),
  });
  return pino(options, stream);
}
