import { Writable } from 'node:stream';
import { createLogger, LogFormat } from './logger';

function logged(format: LogFormat, write: (logger: ReturnType<typeof createLogger>) => void): string {
  let output = '';
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      output += chunk.toString();
      done();
    },
  });
  write(createLogger('info', format, destination));
  return output;
}

describe('createLogger', () => {
  const secretEntry = {
    req: {
      method: 'GET',
      url: '/',
      headers: {
        authorization: 'Basic c2VjcmV0',
        cookie: 'sid=secret-cookie',
        'proxy-authorization': 'Basic cHJveHk=',
        'x-opaque-id': 'trace-1',
      },
    },
    security: { basic: { username: 'elastic', password: 'secret-password' } },
  };

  it.each(['json', 'pretty'] as const)('redacts credentials in %s lines', (format) => {
    const output = logged(format, (logger) => logger.info(secretEntry, 'request completed'));
    expect(output).toContain('request completed');
    expect(output).toContain('trace-1');
    expect(output).toContain('[REDACTED]');
    for (const secret of ['c2VjcmV0', 'secret-cookie', 'cHJveHk=', 'secret-password']) expect(output).not.toContain(secret);
  });

  it('writes one JSON object per line in json format, and readable lines in pretty format', () => {
    const json = logged('json', (logger) => logger.info({ reqId: 7 }, 'hello'));
    expect(JSON.parse(json.trim())).toMatchObject({ level: 30, name: 'elser-mock', reqId: 7, msg: 'hello' });
    const pretty = logged('pretty', (logger) => logger.info({ reqId: 7 }, 'hello'));
    expect(pretty).toMatch(/INFO.*hello/);
    expect(() => JSON.parse(pretty)).toThrow();
  });
});
