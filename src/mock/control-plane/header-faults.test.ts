import { ElasticsearchException } from '../../errors/elasticsearch-exception';
import { RouteError } from '../../http/rest-controller';
import { hasFaultHeaders, headerFault } from './header-faults';

describe('fault headers', () => {
  it('are absent from ordinary requests', () => {
    expect(hasFaultHeaders({ 'content-type': 'application/json', 'x-opaque-id': 'a' })).toBe(false);
    expect(hasFaultHeaders({ 'x-elser-mock-delay': '1s' })).toBe(true);
  });

  it('delay a request by a time value', () => {
    expect(headerFault({ 'x-elser-mock-delay': '1500ms' })).toEqual({ source: 'headers', delayMs: 1500 });
    expect(headerFault({ 'x-elser-mock-delay': '0.5s' })).toEqual({ source: 'headers', delayMs: 500 });
  });

  it('force a status with the default or given error', () => {
    const fault = headerFault({ 'x-elser-mock-status': '429' });
    expect(fault.error).toBeInstanceOf(ElasticsearchException);
    expect((fault.error as ElasticsearchException).toJSON()).toEqual({
      error: {
        root_cause: [{ type: 'es_rejected_execution_exception', reason: '[429 Too Many Requests] forced by elser-mock (headers)' }],
        type: 'es_rejected_execution_exception',
        reason: '[429 Too Many Requests] forced by elser-mock (headers)',
      },
      status: 429,
    });
    const given = headerFault({
      'x-elser-mock-status': '503',
      'x-elser-mock-error-type': 'cluster_block_exception',
      'x-elser-mock-error-reason': 'blocked',
    });
    expect(given.error).toMatchObject({ status: 503, type: 'cluster_block_exception', reason: 'blocked' });
  });

  it.each([
    [
      { 'x-elser-mock-delay': 'soon' },
      'invalid [x-elser-mock-delay] header: failed to parse setting [x-elser-mock-delay] with value [soon]',
    ],
    [{ 'x-elser-mock-delay': '2h' }, 'invalid [x-elser-mock-delay] header: must be from 0 to 1h, got [2h]'],
    [{ 'x-elser-mock-status': '200' }, 'invalid [x-elser-mock-status] header: must be an error status from 400 to 599, got [200]'],
    [{ 'x-elser-mock-status': '5o3' }, 'invalid [x-elser-mock-status] header'],
    [{ 'x-elser-mock-error-type': 'x' }, 'invalid [x-elser-mock-error-type] header: needs [x-elser-mock-status]'],
  ])('refuse %j with a 400 naming the header', (headers, message) => {
    const fault = headerFault(headers);
    expect(fault.error).toBeInstanceOf(RouteError);
    expect(fault.error).toMatchObject({ status: 400 });
    expect((fault.error as RouteError).error).toContain(message);
  });
});
