import { checkAnswer, describeFailedChecks } from './expectations';
import { collectOpenApiExamples, exampleToCase, openApiExampleCases } from './openapi-examples';
import { OpenApiDocument } from './openapi-document';
import { OPENAPI_FILE } from './package-paths';
import { templateExpect } from './templating';

const errorSchema = { type: 'object' };
const document = new OpenApiDocument(
  {
    paths: {
      '/_inference/{task_type}/{inference_id}': {
        put: {
          requestBody: {
            content: {
              'application/json': {
                examples: {
                  basic: {
                    'x-profile': 'both',
                    'x-request-path': '/_inference/sparse_embedding/my-elser-model',
                    value: { service: 'elser' },
                  },
                },
              },
            },
          },
          responses: {
            '200': {
              headers: { 'X-elastic-product': { $ref: '#/components/headers/Product' } },
              content: {
                'application/json': {
                  schema: { type: 'object' },
                  examples: {
                    basic91: {
                      'x-profile': '9.1',
                      'x-request-example': 'basic',
                      'x-request-path': '/_inference/sparse_embedding/my-elser-model?timeout=10s',
                      'x-setup': [{ method: 'DELETE', path: '/_inference/my-elser-model' }],
                      'x-warnings': ['The [elser] service is deprecated'],
                      value: { inference_id: 'my-elser-model', service: 'elasticsearch' },
                    },
                    computed: { 'x-profile': 'both', 'x-request-example': 'basic', 'x-compare': 'schema', value: {} },
                  },
                },
              },
            },
            '408': { $ref: '#/components/responses/Timeout' },
          },
        },
      },
      '/api/console/proxy': {
        post: {
          responses: {
            '200': {
              content: {
                'text/plain': {
                  schema: { type: 'string' },
                  examples: {
                    head: {
                      'x-profile': 'both',
                      'x-request-path': '/api/console/proxy?path=%2F&method=HEAD',
                      'x-request-headers': { 'kbn-xsrf': 'kibana' },
                      'x-response-headers': { 'X-Console-Proxy-Status-Code': '200', warning: null },
                      value: '200 - OK',
                    },
                  },
                },
              },
            },
          },
        },
      },
    },
    components: {
      headers: { Product: { required: true, schema: { type: 'string' } } },
      responses: {
        Timeout: {
          content: {
            'application/json': {
              schema: errorSchema,
              examples: {
                slow: {
                  'x-profile': '8.15',
                  'x-request-method': 'PUT',
                  'x-request-path': '/_inference/sparse_embedding/my-elser-model',
                  'x-request-body': { service: 'elser' },
                  'x-condition': 'The deployment takes 30 seconds.',
                  value: { status: 408 },
                },
              },
            },
          },
        },
      },
    },
  },
  'spec.yaml',
);

describe('the OpenAPI examples as cases', () => {
  const examples = collectOpenApiExamples(document);

  it('finds every response example, shared ones once, with their request', () => {
    expect(examples.map((e) => e.where)).toEqual([
      'PUT /_inference/{task_type}/{inference_id} 200 basic91',
      'PUT /_inference/{task_type}/{inference_id} 200 computed',
      'components/responses/Timeout 408 slow',
      'POST /api/console/proxy 200 text/plain head',
    ]);
    expect(examples[0]).toMatchObject({ method: 'put', body: { service: 'elser' }, product: 'required', media: 'application/json' });
    expect(examples[3]).toMatchObject({ product: 'undeclared', headers: { 'x-console-proxy-status-code': '200', warning: null } });
  });

  it('turn into cases with the case id in place of my-elser-model', () => {
    expect(exampleToCase(examples[0])).toEqual({
      name: 'PUT /_inference/{task_type}/{inference_id} 200 basic91',
      requires: { profiles: ['9.1'] },
      setup: [{ request: { method: 'DELETE', path: '/_inference/{{id}}' } }],
      request: { method: 'PUT', path: '/_inference/sparse_embedding/{{id}}', query: { timeout: '10s' }, body: { service: 'elser' } },
      expect: {
        status: 200,
        headers: {
          'x-elastic-product': 'Elasticsearch',
          'content-type': { regex: '^application/json\\s*(;|$)' },
          warning: { regex: '^299 Elasticsearch-\\S+ "The \\[elser\\] service is deprecated"$' },
        },
        body: { inference_id: '{{id}}', service: 'elasticsearch' },
        keyOrder: true,
      },
    });
  });

  it('compare computed bodies by schema only, skip examples that need a state the API cannot make, and check text', () => {
    expect(exampleToCase(examples[1]).expect).not.toHaveProperty('body');
    expect(exampleToCase(examples[2])).toMatchObject({
      requires: { profiles: ['8.15'] },
      skip: 'needs a server state the API cannot establish: The deployment takes 30 seconds.',
    });
    expect(exampleToCase(examples[3])).toMatchObject({
      request: { method: 'POST', path: '/api/console/proxy', query: { path: '/', method: 'HEAD' }, headers: { 'kbn-xsrf': 'kibana' } },
      expect: {
        status: 200,
        headers: { 'x-elastic-product': { absent: true }, 'x-console-proxy-status-code': '200', warning: { absent: true } },
        bodyText: '200 - OK',
      },
    });
  });

  it('accept the Warning header Elasticsearch sends', () => {
    const expect_ = templateExpect(exampleToCase(examples[0]).expect, 'ct-abcde-x');
    const answer = {
      status: 200,
      headers: {
        'x-elastic-product': 'Elasticsearch',
        'content-type': 'application/json',
        warning: '299 Elasticsearch-9.1.0-1a2b "The [elser] service is deprecated"',
      },
      text: '{"inference_id":"ct-abcde-x","service":"elasticsearch"}',
      body: { inference_id: 'ct-abcde-x', service: 'elasticsearch' },
    };
    expect(describeFailedChecks(checkAnswer(expect_, answer))).toEqual([]);
  });

  it('are generated from the shipped document on every load, with unique names, all needing a fresh server', () => {
    const cases = openApiExampleCases(OpenApiDocument.load(OPENAPI_FILE));
    expect(cases.length).toBeGreaterThan(50);
    expect(new Set(cases.map((c) => c.case.name)).size).toBe(cases.length);
    expect(cases.every((c) => c.area === 'openapi-examples' && c.freshServer)).toBe(true);
    const sent = cases.map(({ case: { skip: _reason, ...rest } }) => rest);
    expect(JSON.stringify(sent).match(/my-[a-z0-9-]*elser-model/g)).toBeNull();
  });
});
