import { OpenApiDocument } from './openapi-document';
import { OPENAPI_FILE } from './package-paths';
import { ObservedResponse, ResponseValidator } from './response-validator';

const validator = new ResponseValidator(OpenApiDocument.load(OPENAPI_FILE));
const JSON_HEADERS = { 'content-type': 'application/json', 'x-elastic-product': 'Elasticsearch' };

function observed(partial: Partial<ObservedResponse> & Pick<ObservedResponse, 'method' | 'path' | 'status'>): ObservedResponse {
  const body = partial.body;
  return { query: {}, headers: JSON_HEADERS, text: body === undefined ? '' : JSON.stringify(body), body, ...partial };
}

const notFound = {
  error: {
    root_cause: [{ type: 'resource_not_found_exception', reason: 'Inference endpoint not found [x]' }],
    type: 'resource_not_found_exception',
    reason: 'Inference endpoint not found [x]',
  },
  status: 404,
};

describe('response validation against the OpenAPI document', () => {
  it('accepts a documented status with a conforming body', () => {
    expect(validator.check(observed({ method: 'GET', path: '/_inference/x', status: 404, body: notFound }))).toEqual({
      outcome: 'conforms',
      operation: 'GET /_inference/{inference_id}',
    });
  });

  it('reports an undocumented status', () => {
    expect(validator.check(observed({ method: 'GET', path: '/_inference/x', status: 418, body: notFound }))).toEqual({
      outcome: 'violation',
      operation: 'GET /_inference/{inference_id}',
      problems: [expect.stringMatching(/^status 418 is not documented \(documented: 200, .*404.*\)$/)],
    });
  });

  it('reports a body that does not match the schema, and a missing required header', () => {
    const check = validator.check(
      observed({
        method: 'GET',
        path: '/_inference/x',
        status: 200,
        headers: { 'content-type': 'application/json' },
        body: { endpoints: [{ id: 'x' }] },
      }),
    );
    expect(check).toEqual({
      outcome: 'violation',
      operation: 'GET /_inference/{inference_id}',
      problems: expect.arrayContaining([
        'the required header [X-elastic-product] is missing',
        'body/endpoints/0 lacks the required property [inference_id]',
        'body/endpoints/0 has the unexpected property [id]',
      ]),
    });
  });

  it('reports a body that is not JSON where JSON is documented', () => {
    expect(validator.check(observed({ method: 'GET', path: '/_inference/x', status: 404, body: undefined, text: 'oops' }))).toMatchObject({
      outcome: 'violation',
      problems: ['the body is not JSON'],
    });
  });

  it('prefers concrete segments, and a template with an operation for the method', () => {
    expect(
      validator.check(observed({ method: 'GET', path: '/_inference/sparse_embedding/_all', status: 200, body: { endpoints: [] } })),
    ).toMatchObject({
      outcome: 'conforms',
      operation: 'GET /_inference/{task_type}/{inference_id}',
    });
    expect(validator.check(observed({ method: 'PUT', path: '/_inference/x/_update', status: 404, body: notFound }))).toMatchObject({
      operation: 'PUT /_inference/{inference_id}/_update',
    });
    // No GET on the update template: Elasticsearch routes the request to the task type and id.
    expect(validator.check(observed({ method: 'GET', path: '/_inference/x/_update', status: 404, body: notFound }))).toMatchObject({
      outcome: 'conforms',
      operation: 'GET /_inference/{task_type}/{inference_id}',
    });
  });

  it('expects the documented 405 for a method the path does not have', () => {
    const body = {
      error: 'Incorrect HTTP method for uri [/_inference/x] and method [PATCH], allowed: [GET, POST, PUT, DELETE]',
      status: 405,
    };
    const headers = { ...JSON_HEADERS, allow: 'GET,POST,PUT,DELETE' };
    expect(validator.check(observed({ method: 'PATCH', path: '/_inference/x', status: 405, headers, body }))).toMatchObject({
      outcome: 'conforms',
    });
    expect(validator.check(observed({ method: 'PATCH', path: '/_inference/x', status: 200, body: {} }))).toMatchObject({
      outcome: 'violation',
      problems: ['PATCH is not an operation of /_inference/{inference_id}: the document gives 405 for it, not 200'],
    });
    expect(validator.check(observed({ method: 'OPTIONS', path: '/_inference/x', status: 200 }))).toMatchObject({ outcome: 'exempt' });
  });

  it('leaves paths the document does not describe alone', () => {
    expect(validator.check(observed({ method: 'POST', path: '/__contracts/release-download', status: 200 }))).toMatchObject({
      outcome: 'exempt',
    });
    expect(validator.check(observed({ method: 'GET', path: '/_inferencex', status: 400 }))).toMatchObject({ outcome: 'exempt' });
  });

  it('does not check bodies that filter_path trimmed', () => {
    const check = validator.check(
      observed({
        method: 'GET',
        path: '/_inference/_all',
        query: { filter_path: 'endpoints.inference_id' },
        status: 200,
        body: { endpoints: [{ inference_id: 'x' }] },
      }),
    );
    expect(check).toMatchObject({ outcome: 'conforms' });
  });

  it('accepts the compatibility media type as JSON and checks text bodies as text', () => {
    const headers = { ...JSON_HEADERS, 'content-type': 'application/vnd.elasticsearch+json;compatible-with=8' };
    expect(validator.check(observed({ method: 'GET', path: '/_inference/x', status: 404, headers, body: notFound }))).toMatchObject({
      outcome: 'conforms',
    });
    const text = validator.check(
      observed({
        method: 'POST',
        path: '/api/console/proxy',
        query: { path: '/', method: 'HEAD' },
        status: 200,
        headers: {
          'content-type': 'text/plain; charset=utf-8',
          'x-console-proxy-status-code': '200',
          'x-console-proxy-status-text': 'OK',
          warning: '',
        },
        body: undefined,
        text: '200 - OK',
      }),
    );
    expect(text).toEqual({ outcome: 'conforms', operation: 'POST /api/console/proxy' });
  });

  it('leaves out operations of another profile', () => {
    const document = new OpenApiDocument(
      {
        paths: {
          '/_inference/{id}/_update': {
            put: { 'x-profile': '9.1', responses: { '200': { content: { 'application/json': { schema: { type: 'object' } } } } } },
          },
        },
      },
      'spec.yaml',
    );
    const only91 = new ResponseValidator(document);
    const answer = observed({
      method: 'PUT',
      path: '/_inference/x/_update',
      status: 400,
      body: { error: 'no handler found', status: 400 },
    });
    expect(only91.check(answer, '8.15')).toMatchObject({ outcome: 'exempt' });
    expect(only91.check(answer, '9.1')).toMatchObject({ outcome: 'violation' });
  });
});
