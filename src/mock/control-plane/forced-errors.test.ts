import { forcedError } from './forced-errors';

describe('forcedError', () => {
  it.each([
    [400, 'illegal_argument_exception'],
    [404, 'resource_not_found_exception'],
    [408, 'status_exception'],
    [429, 'es_rejected_execution_exception'],
    [500, 'status_exception'],
    [503, 'status_exception'],
  ])('answers %d with %s by default', (status, type) => {
    expect(forcedError(status, 'fault-1')).toMatchObject({ status, type });
  });

  it('names the fault in its default reason, or takes the one given', () => {
    expect(forcedError(503, 'fault-7').reason).toBe('[503 Service Unavailable] forced by elser-mock (fault-7)');
    expect(forcedError(503, 'fault-7', { reason: 'down' })).toMatchObject({ type: 'status_exception', reason: 'down' });
  });

  it('challenges a 401 as Elasticsearch does', () => {
    const error = forcedError(401, 'headers');
    expect(error.type).toBe('security_exception');
    expect(error.extra.headers?.['WWW-Authenticate']).toContain('ApiKey');
    expect(error.toJSON().error.header).toEqual({ 'WWW-Authenticate': error.extra.headers?.['WWW-Authenticate'] });
  });
});
