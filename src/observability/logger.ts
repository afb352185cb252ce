import pino, { Logger } from 'pino';
import type { LogLevel } from '../config/options';

export type { Logger };

/** JSON lines on stdout; credentials never reach the output. */
export function createLogger(level: LogLevel): Logger {
  return pino({
    level,
    base: { name: 'elser-mock' },
    redact: { paths: ['req.headers.authorization', 'headers.authorization', '*.apiKey', '*.password'], censor: '[REDACTED]' },
  });
}
