import pino, { Logger } from 'pino';
import type { LogLevel } from '../config/options';

export type { Logger };

/** JSON lines on stdout; credentials never reach the output. */
export function createLogger(level: LogLevel): Logger {
  return pino({
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
  });
}
