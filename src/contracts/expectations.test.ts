import { curlCommand } from './curl';
import { checkAnswer, describeFailedChecks, diffChecks, ObservedAnswer } from './expectations';
import { lineDiff } from './line-diff';

function answer(status: number, body: unknown, headers: Record<string, string> = {}, text = JSON.stringify(body)): ObservedAnswer {
  return { status, headers, text, body };
}

const NOT_FOUND = {
  error: {
    root_cause: [{ type: 'resource_not_found_exception', reason: 'Inference endpoint not found [x]' }],
    type: 'resource_not_found_exception',
    reason: 'Inference endpoint not found [x]',
  },
  status: 404,
};

describe('expectations', () => {
  it('compare the body ignoring key order, unless keyOrder asks for it', () => {
    const response = answer(200, { b: 1, a: { d: 2, c: 3 } });
    expect(describeFailedChecks(checkAnswer({ status: 200, body: { a: { c: 3, d: 2 }, b: 1 } }, response))).toEqual([]);
    expect(describeFailedChecks(checkAnswer({ body: { a: { c: 3, d: 2 }, b: 1 }, keyOrder: true }, response))).toEqual([
      'body: the body has the expected content with its keys in another order',
    ]);
    expect(describeFailedChecks(checkAnswer({ body: { b: 1, a: { d: 2, c: 3 } }, keyOrder: true }, response))).toEqual([]);
  });

  it('compare bodyText byte for byte', () => {
    const response = answer(200, { a: 1 }, {}, '{ "a" : 1 }');
    expect(describeFailedChecks(checkAnswer({ bodyText: '{ "a" : 1 }' }, response))).toEqual([]);
    expect(describeFailedChecks(checkAnswer({ bodyText: '{"a":1}' }, response))).toEqual(['body text: the body text differs']);
  });

  it('match headers by exact value or matcher, case-insensitively', () => {
    const response = answer(
      200,
      {},
      { 'x-elastic-product': 'Elasticsearch', warning: '299 Elasticsearch-9.1.0-abc "one", 299 Elasticsearch-9.1.0-abc "two"' },
    );
    const checks = checkAnswer(
      {
        headers: {
          'X-Elastic-Product': 'Elasticsearch',
          warning: { regex: '^299 Elasticsearch-\\S+ "one", 299 Elasticsearch-\\S+ "two"$' },
          allow: { absent: true },
          'content-type': 'application/json',
        },
      },
      response,
    );
    expect(describeFailedChecks(checks)).toEqual(['header content-type: expected "application/json", got nothing']);
  });

  it('expand the error shorthand into status, type, reason and the first root cause', () => {
    expect(
      describeFailedChecks(
        checkAnswer(
          { status: 404, error: { type: 'resource_not_found_exception', reason: 'Inference endpoint not found [x]' } },
          answer(404, NOT_FOUND),
        ),
      ),
    ).toEqual([]);
    expect(
      describeFailedChecks(
        checkAnswer(
          { error: { type: 'resource_not_found_exception', reason: { regex: '^Inference endpoint not found' } } },
          answer(400, NOT_FOUND),
        ),
      ),
    ).toEqual(['body.status: expected 400, got 404']);
    const wrongCause = { ...NOT_FOUND, error: { ...NOT_FOUND.error, root_cause: [{ type: 'x', reason: 'y' }] } };
    expect(
      describeFailedChecks(
        checkAnswer(
          { error: { type: 'resource_not_found_exception', reason: 'Inference endpoint not found [x]' } },
          answer(404, wrongCause),
        ),
      ),
    ).toEqual([
      'body.error.root_cause.0.type: expected "resource_not_found_exception", got "x"',
      'body.error.root_cause.0.reason: expected "Inference endpoint not found [x]", got "y"',
    ]);
  });

  it('diff only what differs', () => {
    const checks = checkAnswer(
      {
        status: 200,
        headers: { 'x-elastic-product': 'Elasticsearch' },
        match: { 'endpoints.0.service': { equals: 'elser' }, 'endpoints.0.inference_id': { type: 'string' } },
      },
      answer(200, { endpoints: [{ inference_id: 'x', service: 'elasticsearch' }] }, { 'x-elastic-product': 'Elasticsearch' }),
    );
    expect(diffChecks(checks)).toBe(
      [
        '--- expected',
        '+++ actual',
        '  status: 200',
        '  header x-elastic-product: "Elasticsearch"',
        '- body.endpoints.0.service: matches {"equals":"elser"}',
        '+ body.endpoints.0.service: "elasticsearch"',
        '  body.endpoints.0.inference_id: "x"',
      ].join('\n'),
    );
  });

  it('diff bodies line by line', () => {
    const checks = checkAnswer(
      { body: { acknowledged: true, pipelines: [] } },
      answer(200, { acknowledged: true, pipelines: [], indexes: [] }),
    );
    expect(diffChecks(checks)).toBe(
      [
        '--- expected',
        '+++ actual',
        '  body:',
        '    {',
        '      "acknowledged": true,',
        '+     "indexes": [],',
        '      "pipelines": []',
        '    }',
      ].join('\n'),
    );
  });
});

describe('line diff', () => {
  it('is empty for equal texts and shortens long unchanged runs', () => {
    expect(lineDiff('a\nb', 'a\nb')).toBe('');
    const same = Array.from({ length: 20 }, (_, i) => `line ${i}`);
    expect(lineDiff([...same, 'x'].join('\n'), [...same, 'y'].join('\n')).split('\n')).toEqual([
      '--- expected',
      '+++ actual',
      '  ... 17 unchanged line(s)',
      '  line 17',
      '  line 18',
      '  line 19',
      '- x',
      '+ y',
    ]);
  });
});

describe('curl reproductions', () => {
  it('send the same method, URL, headers and body, with credentials as variables', () => {
    expect(
      curlCommand(
        {
          method: 'PUT',
          path: "/_inference/sparse_embedding/it's",
          query: { timeout: '10s', pretty: true },
          headers: { 'x-opaque-id': 'a b' },
          body: { input: "it's" },
        },
        { baseUrl: 'https://es.example:9243/', credentials: 'basic', tls: { insecure: true } },
      ),
    ).toBe(
      `curl -sS -i -X PUT 'https://es.example:9243/_inference/sparse_embedding/it'\\''s?timeout=10s&pretty=true' -k -u "$ES_USER:$ES_PASSWORD" ` +
        `-H 'x-opaque-id: a b' -H 'content-type: application/json' --data-binary '{"input":"it'\\''s"}'`,
    );
    expect(
      curlCommand({ method: 'HEAD', path: '/' }, { baseUrl: 'http://localhost:9200', credentials: 'api-key', tls: { ca: 'pem' } }),
    ).toBe(`curl -sS -i -I 'http://localhost:9200/' --cacert "$ES_CA_CERT" -H "Authorization: ApiKey $ES_API_KEY"`);
    expect(
      curlCommand(
        { method: 'POST', path: '/x', bodyText: '{"a":1.0}', headers: { 'Content-Type': 'application/x-ndjson' } },
        { baseUrl: 'http://h' },
      ),
    ).toBe(`curl -sS -i -X POST 'http://h/x' -H 'Content-Type: application/x-ndjson' --data-binary '{"a":1.0}'`);
  });
});
