import { readFileSync } from 'node:fs';
import path from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import type { ValidateFunction } from 'ajv/dist/2020';
import request from 'supertest';
import { parse } from 'yaml';
import type { EsVersion } from '../src/inference/profiles';
import { startTestServer } from './support/server';

/**
 * Every response example of openapi/elser-mock.yaml, replayed against a fresh server of each
 * profile: the setup requests, then the example's request, whose status, body and headers must
 * be the ones the example documents.
 */

type Obj = Record<string, any>;

const SPEC_FILE = path.resolve(__dirname, '..', 'openapi', 'elser-mock.yaml');
const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;
const JSON_MEDIA = 'application/json';
const TEXT_MEDIA = 'text/plain';
const RESPONSE_MEDIA = [JSON_MEDIA, TEXT_MEDIA];
const PROFILES: EsVersion[] = ['8.15', '9.1'];

interface SetupStep {
  method: string;
  path: string;
  body?: unknown;
}

interface ExampleCase {
  /** A readable, unique label: where the example sits in the document. */
  where: string;
  profile: string;
  status: number;
  method: string;
  path: string;
  /** `undefined` when the request has no body. */
  body?: unknown;
  requestHeaders: Record<string, string>;
  setup: SetupStep[];
  /** The media type of the documented response. */
  media: string;
  compare: 'exact' | 'schema';
  schema: Obj;
  expected: unknown;
  warnings?: string[];
  /** Expected header values by lower-case name; `null` for a header that must be absent. */
  headers: Record<string, string | null>;
  /** How the response declares `X-elastic-product`. */
  product: 'required' | 'optional' | 'undeclared';
  condition?: string;
}

const doc: Obj = parse(readFileSync(SPEC_FILE, 'utf8'));

function pointer(ref: string): Obj {
  if (!ref.startsWith('#/')) throw new Error(`only local references are supported: ${ref}`);
  const target = ref
    .slice(2)
    .split('/')
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce<Obj | undefined>((node, part) => node?.[part], doc);
  if (target === undefined) throw new Error(`dangling reference ${ref}`);
  return target;
}

/** Follows a chain of `$ref`s to the object it names. */
function resolve(value: Obj): Obj {
  let current = value;
  const seen = new Set<string>();
  while (current && typeof current.$ref === 'string') {
    if (seen.has(current.$ref)) throw new Error(`circular reference ${current.$ref}`);
    seen.add(current.$ref);
    current = pointer(current.$ref);
  }
  return current;
}

/**
 * Inlines every `$ref` of a schema. A reference back into a schema that is being inlined
 * (ErrorCause refers to itself) becomes a reference into `$defs`, which carries the
 * dereferenced target.
 */
function dereference(schema: Obj): Obj {
  const defs: Obj = {};
  const defName = (ref: string) => ref.replace(/^#\//, '').replace(/\//g, '_');
  const walk = (node: unknown, stack: string[]): unknown => {
    if (Array.isArray(node)) return node.map((item) => walk(item, stack));
    if (node === null || typeof node !== 'object') return node;
    const obj = node as Obj;
    if (typeof obj.$ref === 'string') {
      const ref: string = obj.$ref;
      if (stack.includes(ref)) {
        const name = defName(ref);
        if (!(name in defs)) {
          defs[name] = {};
          defs[name] = walk(pointer(ref), [ref]);
        }
        return { $ref: `#/$defs/${name}` };
      }
      const { $ref: _ref, ...siblings } = obj;
      const target = walk(pointer(ref), [...stack, ref]) as Obj;
      return Object.keys(siblings).length === 0 ? target : { allOf: [target, walk(siblings, stack)] };
    }
    return Object.fromEntries(Object.entries(obj).map(([key, value]) => [key, walk(value, stack)]));
  };
  const root = walk(schema, []) as Obj;
  return Object.keys(defs).length === 0 ? root : { ...root, $defs: defs };
}

function requestExamplesOf(operation: Obj): Obj {
  const requestBody = operation.requestBody ? resolve(operation.requestBody) : undefined;
  return requestBody?.content?.[JSON_MEDIA]?.examples ?? {};
}

function productDeclaration(response: Obj): ExampleCase['product'] {
  const headers: Obj = response.headers ?? {};
  const key = Object.keys(headers).find((name) => name.toLowerCase() === 'x-elastic-product');
  if (key === undefined) return 'undeclared';
  return resolve(headers[key]).required === true ? 'required' : 'optional';
}

function lowerCaseKeys<T>(record: Record<string, T> | undefined): Record<string, T> {
  return Object.fromEntries(Object.entries(record ?? {}).map(([name, value]) => [name.toLowerCase(), value]));
}

function collectCases(): ExampleCase[] {
  const cases: ExampleCase[] = [];
  const sharedSeen = new Set<string>();
  for (const [template, item] of Object.entries<Obj>(doc.paths ?? {})) {
    for (const method of HTTP_METHODS) {
      const operation: Obj | undefined = item[method];
      if (!operation) continue;
      const requestExamples = requestExamplesOf(operation);
      for (const [status, responseOrRef] of Object.entries<Obj>(operation.responses ?? {})) {
        const shared = typeof responseOrRef.$ref === 'string' ? (responseOrRef.$ref as string) : undefined;
        const response = resolve(responseOrRef);
        const examples = RESPONSE_MEDIA.flatMap((media) =>
          Object.entries<Obj>(response.content?.[media]?.examples ?? {}).map(([name, exampleOrRef]) => ({ media, name, exampleOrRef })),
        );
        for (const { media, name, exampleOrRef } of examples) {
          const content: Obj = response.content[media];
          const label = media === JSON_MEDIA ? name : `${media} ${name}`;
          const where = shared
            ? `${shared.replace(/^#\//, '')} ${status} ${label}`
            : `${method.toUpperCase()} ${template} ${status} ${label}`;
          if (shared) {
            if (sharedSeen.has(where)) continue;
            sharedSeen.add(where);
          }
          const example = resolve(exampleOrRef);
          const requestName: string | undefined = example['x-request-example'];
          let body: unknown = example['x-request-body'];
          let requestPath: string | undefined = example['x-request-path'];
          if (requestName !== undefined) {
            const requestExample = requestExamples[requestName] ? resolve(requestExamples[requestName]) : undefined;
            if (!requestExample) throw new Error(`${where}: no request example ${requestName}`);
            body = requestExample.value;
            requestPath ??= requestExample['x-request-path'];
          }
          if (typeof requestPath !== 'string') throw new Error(`${where}: no x-request-path`);
          cases.push({
            where,
            profile: String(example['x-profile']),
            status: Number(status),
            method: String(example['x-request-method'] ?? method).toLowerCase(),
            path: requestPath,
            body,
            requestHeaders: example['x-request-headers'] ?? {},
            setup: example['x-setup'] ?? [],
            media,
            compare: example['x-compare'] === 'schema' ? 'schema' : 'exact',
            schema: content.schema,
            expected: example.value,
            warnings: example['x-warnings'],
            headers: lowerCaseKeys(example['x-response-headers']),
            product: productDeclaration(response),
            condition: example['x-condition'],
          });
        }
      }
    }
  }
  return cases;
}

const ALL_CASES = collectCases();

const ajv = new Ajv2020({ allErrors: true, strict: true, strictTypes: false, strictRequired: false, validateFormats: false });
const validators = new Map<Obj, ValidateFunction>();
function validatorFor(schema: Obj): ValidateFunction {
  let validate = validators.get(schema);
  if (!validate) {
    validate = ajv.compile(dereference(schema));
    validators.set(schema, validate);
  }
  return validate;
}

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
