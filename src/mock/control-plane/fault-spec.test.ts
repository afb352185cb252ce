import { parseFaultSpec } from './fault-spec';
import { InvalidControlRequest } from './invalid-control-request';

const parse = (body: unknown) => parseFaultSpec(Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)));

function refusal(body: unknown): string {
  try {
    parse(body);
  } catch (error) {
    if (error instanceof InvalidControlRequest) return error.message;
    throw error;
  }
  throw new Error('accepted');
}

describe('parseFaultSpec', () => {
  it('reads a request fault, the method in upper case', () => {
    const spec = parse({
      method: 'post',
      path: '/_inference/*',
      delay: '2s',
      status: 503,
      error: { type: 't', reason: 'r' },
      times: 3,
    });
    expect(spec).toMatchObject({ kind: 'request', method: 'POST', path: '/_inference/*', status: 503, error: { type: 't', reason: 'r' } });
    expect(spec.kind === 'request' && spec.delay?.millis).toBe(2000);
    expect(spec.kind === 'request' && spec.times).toBe(3);
  });

  it('matches every path and method by default, until removed', () => {
    expect(parse({ drop: true })).toEqual({
      kind: 'request',
      method: undefined,
      path: '*',
      delay: undefined,
      status: undefined,
      error: undefined,
      drop: true,
      times: undefined,
    });
  });

  it('reads download faults', () => {
    expect(parse({ download: { stall: true } })).toEqual({ kind: 'download', limit: { stall: true } });
    expect(parse({ download: { bytes_per_second: 1024 } })).toEqual({ kind: 'download', limit: { bytesPerSecond: 1024 } });
  });

  it.each([
    ['', 'a fault needs a JSON object body'],
    ['{', 'the body is not JSON'],
    [[], 'the body must be a JSON object'],
    [{ stauts: 503 }, 'unknown field [stauts]'],
    [{ method: 'FETCH', status: 503 }, '[method] must be one of'],
    [{ method: 1, status: 503 }, '[method] must be one of'],
    [{ path: '_inference', status: 503 }, '[path] must be a path pattern'],
    [{ delay: 2000 }, '[delay] must be a time value'],
    [{ delay: '2 parsecs' }, '[delay] failed to parse [2 parsecs]'],
    [{ delay: 'soon' }, '[delay] failed to parse setting [delay] with value [soon] as a time value: unit is missing or unrecognized'],
    [{ delay: '-1' }, '[delay] must be from 0 to 1h'],
    [{ delay: '2h' }, '[delay] must be from 0 to 1h'],
    [{ status: '503' }, '[status] must be an error status from 400 to 599'],
    [{ status: 200 }, '[status] must be an error status'],
    [{ status: 503.5 }, '[status] must be an error status'],
    [{ status: 503, error: 'boom' }, '[error] must be a JSON object'],
    [{ status: 503, error: { kind: 'x' } }, 'unknown field [error.kind]'],
    [{ status: 503, error: { type: '' } }, '[error.type] must be a non-empty string'],
    [{ error: { type: 'x' }, delay: '1s' }, '[error] needs [status]'],
    [{ drop: 'yes' }, '[drop] must be true or false'],
    [{ drop: true, status: 503 }, '[drop] cannot be combined with [status]'],
    [{ status: 503, times: 0 }, '[times] must be a positive integer'],
    [{ status: 503, times: 1.5 }, '[times] must be a positive integer'],
    [{ path: '/x' }, 'a fault needs [delay], [status], [drop] or [download]'],
    [{ drop: false }, 'a fault needs'],
    [{ download: { stall: true }, times: 2 }, '[download] cannot be combined with [times]'],
    [{ download: { stall: false } }, '[download.stall] must be true'],
    [{ download: { bytes_per_second: 0 } }, '[download.bytes_per_second] must be a positive integer'],
    [{ download: { stall: true, bytes_per_second: 5 } }, '[download.stall] cannot be combined with [download.bytes_per_second]'],
    [{ download: {} }, '[download] needs'],
    [{ download: { speed: 1 } }, 'unknown field [download.speed]'],
  ])('refuses %j, naming the problem', (body, message) => {
    expect(refusal(body)).toContain(message);
  });
});
