import type { HttpExchange } from '../../http/app';
import { ExchangeJournal, REDACTED } from './journal';
import { forcedError } from './forced-errors';

function exchange(overrides: Partial<HttpExchange> = {}): HttpExchange {
  return {
    time: Date.UTC(2026, 0, 2, 3, 4, 5),
    method: 'POST',
    url: '/_inference/x?timeout=1s',
    requestHeaders: { 'content-type': 'application/json' },
    requestBody: Buffer.from('{"input":"a"}'),
    status: 200,
    responseHeaders: { 'x-elastic-product': 'Elasticsearch', 'content-length': 2 },
    responseBody: '{}',
    durationMs: 12.345,
    ...overrides,
  };
}

describe('ExchangeJournal', () => {
  it('keeps an exchange with its bodies as text', () => {
    const journal = new ExchangeJournal();
    journal.record(exchange());
    expect(journal.entries()).toEqual([
      {
        sequence: 1,
        time: '2026-01-02T03:04:05.000Z',
        method: 'POST',
        url: '/_inference/x?timeout=1s',
        path: '/_inference/x',
        request: { headers: { 'content-type': 'application/json' }, body: '{"input":"a"}', body_bytes: 13, body_truncated: false },
        response: {
          status: 200,
          headers: { 'x-elastic-product': 'Elasticsearch', 'content-length': '2' },
          body: '{}',
          body_bytes: 2,
          body_truncated: false,
        },
        duration_ms: 12.3,
        fault: null,
      },
    ]);
  });

  it('redacts credentials', () => {
    const journal = new ExchangeJournal();
    journal.record(
      exchange({
        requestHeaders: {
          authorization: 'Basic ZWxhc3RpYzpjaGFuZ2VtZQ==',
          'es-client-authentication': 'SharedSecret abc',
          cookie: 'sid=1',
          'x-opaque-id': 'kept',
        },
      }),
    );
    expect(journal.entries()[0].request.headers).toEqual({
      authorization: REDACTED,
      'es-client-authentication': REDACTED,
      cookie: REDACTED,
      'x-opaque-id': 'kept',
    });
  });

  it('truncates bodies beyond the limit and says so', () => {
    const journal = new ExchangeJournal({ bodyLimit: 4 });
    journal.record(exchange({ requestBody: Buffer.from('abcdefgh'), responseBody: 'é'.repeat(3) }));
    const [entry] = journal.entries();
    expect(entry.request).toMatchObject({ body: 'abcd', body_bytes: 8, body_truncated: true });
    expect(entry.response).toMatchObject({ body: 'éé', body_bytes: 6, body_truncated: true });
  });

  it('shows an unread body and a dropped connection as such', () => {
    const journal = new ExchangeJournal();
    journal.record(exchange({ requestBody: undefined, responseBody: undefined, status: 0, fault: { source: 'fault-1', drop: true } }));
    const [entry] = journal.entries();
    expect(entry.request).toMatchObject({ body: null, body_bytes: 0 });
    expect(entry.response).toMatchObject({ status: 0, body: null });
    expect(entry.fault).toEqual({ source: 'fault-1', drop: true });
  });

  it('describes the fault applied', () => {
    const journal = new ExchangeJournal();
    journal.record(exchange({ status: 503, fault: { source: 'headers', delayMs: 1500, error: forcedError(503, 'headers') } }));
    expect(journal.entries()[0].fault).toEqual({ source: 'headers', delay_ms: 1500, status: 503, type: 'status_exception' });
  });

  it('keeps the newest exchanges up to its capacity and filters them', () => {
    const journal = new ExchangeJournal({ capacity: 3 });
    for (const [method, url] of [
      ['GET', '/a'],
      ['PUT', '/_inference/x'],
      ['GET', '/_inference/x'],
      ['POST', '/_inference/x?pretty'],
    ])
      journal.record(exchange({ method, url }));
    expect(journal.size).toBe(3);
    expect(journal.entries().map((entry) => entry.sequence)).toEqual([2, 3, 4]);
    expect(journal.entries({ method: 'get' }).map((entry) => entry.url)).toEqual(['/_inference/x']);
    expect(journal.entries({ path: '/_inference/*', limit: 2 }).map((entry) => entry.method)).toEqual(['GET', 'POST']);
    expect(journal.clear()).toBe(3);
    expect(journal.entries()).toEqual([]);
  });

  it('keeps nothing with a capacity of 0', () => {
    const journal = new ExchangeJournal({ capacity: 0 });
    journal.record(exchange());
    expect(journal.size).toBe(0);
  });
});
