import pino, { Logger } from 'pino';
import type { LogLevel } from '../config/options';
import { CREDENTIAL_HEADERS, REDACTED } from './redaction';

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
        ...CREDENTIAL_HEADERS.flatMap((name) => [`req.headers["${name}"]`, `headers["${name}"]`]),
        'security',
        '*.security',
        '*.apiKey',
        '*.apiKeys',
        '*.password',
      ],
      censor: REDACTED,
    },
  };
  if (format === 'json') return destination ? pino(options, destination) : pino(options);
  // In-process and synchronous, so that nothing logged before an exit is lost.
  const pretty = require('pino-pretty') as typeof import('pino-pretty');
  const stream = pretty({
    sync: true,
    colorize: destination === undefined && process.stdout.isTTY,
    ignore: 'pid,hostname,name',
    translateTime: 'HH:MM:ss.l',
    ...(destination && { destination }),
  });
  return pino(options, stream);
}
