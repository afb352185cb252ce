import request from 'supertest';
import { collectOpenApiExamples } from '../src/contracts/openapi-examples';
import { JSON_MEDIA, OpenApiDocument, SchemaValidators } from '../src/contracts/openapi-document';
import { OPENAPI_FILE } from '../src/contracts/package-paths';
import type { EsVersion } from '../src/inference/profiles';
import { startTestServer } from './support/server';

/**
 * Every response example of openapi/elser-mock.yaml, replayed against a fresh server of each
 * profile: the setup requests, then the example's request, whose status, body and headers must
 * be the ones the example documents. The examples are read by the contract runner's module,
 * which also turns them into the `openapi-examples` contract cases.
 */

const PROFILES: EsVersion[] = ['8.15', '9.1'];

const document = OpenApiDocument.load(OPENAPI_FILE);
const ALL_CASES = collectOpenApiExamples(document);

const schemas = new SchemaValidators(document);
const ajv = schemas.ajv;
const validatorFor = (schema: Record<string, unknown>) => schemas.validatorFor(schema);

type Method = 'get' | 'put' | 'post' | 'delete' | 'patch' | 'head' | 'options';

function send(url: string, method: string, requestPath: string, body: unknown, headers: Record<string, string> = {}): request.Test {
  const call = request(url)[method as Method](requestPath);
  for (const [name, value] of Object.entries(headers)) call.set(name, value);
  if (body === undefined) return call;
  return call.set('content-type', JSON_MEDIA).send(typeof body === 'string' ? body : JSON.stringify(body));
}

/** The messages of the `Warning` headers; Node joins repeated headers with ", ". */
function warningMessages(header: string | string[] | undefined): string[] {
  if (header === undefined) return [];
  const values = Array.isArray(header) ? header : header.split(/, (?=299 )/);
  return values.map((value) => {
    const match = /^299 Elasticsearch-\S+ "((?:[^"\\]|\\.)*)"$/.exec(value);
    if (!match) throw new Error(`malformed Warning header: ${value}`);
    return match[1].replace(/\\(.)/g, '$1');
  });
}

describe.each(PROFILES)('openapi examples, profile %s', (esVersion) => {
  const cases = ALL_CASES.filter((c) => c.profile === esVersion || c.profile === 'both');

  it('has examples for the profile, with response schemas that compile once dereferenced', () => {
    expect(cases.length).toBeGreaterThan(0);
    for (const c of cases) expect(typeof validatorFor(c.schema)).toBe('function');
  });

  for (const c of cases) {
    if (c.condition !== undefined) {
      it.skip(`${c.where} (needs: ${c.condition})`, () => undefined);
      continue;
    }
    it.concurrent(c.where, async () => {
      const server = await startTestServer(esVersion);
      try {
        for (const [index, step] of c.setup.entries()) {
          const setup = await send(server.url, step.method.toLowerCase(), step.path, step.body);
          if (setup.status >= 300) {
            throw new Error(`setup step ${index} (${step.method} ${step.path}) answered ${setup.status}: ${setup.text}`);
          }
        }
        const response = await send(server.url, c.method, c.path, c.body, c.requestHeaders);
        if (c.product === 'required') expect(response.headers['x-elastic-product']).toBe('Elasticsearch');
        if (c.product === 'undeclared') expect(response.headers['x-elastic-product']).toBeUndefined();
        const headers = Object.fromEntries(Object.keys(c.headers).map((name) => [name, response.headers[name] ?? null]));
        expect(headers).toEqual(c.headers);
        const [mediaType] = String(response.headers['content-type'] ?? '').split(';');
        expect(mediaType.trim()).toBe(c.media);
        if (c.media !== JSON_MEDIA) {
          expect({ status: response.status, text: response.text }).toEqual({ status: c.status, text: c.expected });
          const validate = validatorFor(c.schema);
          expect(validate(response.text)).toBe(true);
        } else if (c.compare === 'schema') {
          expect(response.status).toBe(c.status);
          const validate = validatorFor(c.schema);
          const valid = validate(response.body);
          expect({ valid, errors: valid ? '' : ajv.errorsText(validate.errors), body: valid ? undefined : response.body }).toEqual({
            valid: true,
            errors: '',
            body: undefined,
          });
        } else {
          expect({ status: response.status, body: response.body }).toEqual({ status: c.status, body: c.expected });
          // Elasticsearch writes keys in a fixed order; the example shows it, so compare the text too.
          expect(JSON.stringify(response.body)).toBe(JSON.stringify(c.expected));
        }
        if (c.warnings !== undefined) {
          expect(warningMessages(response.headers['warning'])).toEqual(c.warnings);
        }
      } finally {
        await server.close();
      }
    });
  }
});
