import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import Ajv2020 from 'ajv/dist/2020';
import type { ValidateFunction } from 'ajv/dist/2020';

type Obj = Record<string, any>;

const ROOT = path.resolve(__dirname, '..');
const SPEC_FILE = path.join(ROOT, 'openapi', 'elser-mock.yaml');
const GENERATED_FILE = path.join(ROOT, 'src', 'generated', 'openapi.ts');
const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
const PROFILES = ['8.15', '9.1', 'both'];
const JSON_MEDIA = 'application/json';

const REQUIRED_SCHEMAS = [
  'InferenceEndpointInfo',
  'PutInferenceRequest',
  'ElserServiceSettings',
  'AdaptiveAllocations',
  'ChunkingSettings',
  'GetInferenceResponse',
  'DeleteInferenceResponse',
  'InferenceRequest',
  'SparseEmbeddingResponse',
  'SparseEmbeddingResult',
  'UpdateInferenceRequest',
  'ErrorCause',
  'ErrorResponse',
  'RouteErrorResponse',
  'RootInfoResponse',
  'TaskType',
  'NodesInfoResponse',
  'GetTrainedModelsResponse',
  'TrainedModelConfig',
  'GetTrainedModelsStatsResponse',
  'TrainedModelStats',
  'TrainedModelDeploymentStats',
  'KibanaErrorResponse',
];

/** Operations of this tag are Kibana's: their responses come without `X-elastic-product`. */
const KIBANA_TAG = 'kibana';

interface Operation {
  path: string;
  method: string;
  op: Obj;
}

interface ExampleCase {
  where: string;
  operation: Operation;
  kind: 'request' | 'response';
  status?: string;
  name: string;
  example: Obj;
  schema: Obj;
}

function operationsOf(doc: Obj): Operation[] {
  const out: Operation[] = [];
  for (const [p, item] of Object.entries<Obj>(doc.paths ?? {})) {
    for (const method of HTTP_METHODS) {
      if (item[method]) out.push({ path: p, method, op: item[method] });
    }
  }
  return out;
}

function resolveLocal(doc: Obj, value: Obj): Obj {
  let current = value;
  const seen = new Set<string>();
  while (current && typeof current.$ref === 'string') {
    const ref: string = current.$ref;
    if (!ref.startsWith('#/') || seen.has(ref)) throw new Error(`cannot resolve ${ref}`);
    seen.add(ref);
    current = ref
      .slice(2)
      .split('/')
      .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
      .reduce<Obj>((node, part) => node?.[part], doc);
  }
  return current;
}

function isKibana(o: Operation): boolean {
  return Array.isArray(o.op.tags) && o.op.tags.includes(KIBANA_TAG);
}

function label(o: Operation): string {
  return `${o.method.toUpperCase()} ${o.path}`;
}

function collectExamples(doc: Obj): ExampleCase[] {
  const cases: ExampleCase[] = [];
  for (const operation of operationsOf(doc)) {
    const { op } = operation;
    const requestBody = op.requestBody ? resolveLocal(doc, op.requestBody) : undefined;
    for (const [media, content] of Object.entries<Obj>(requestBody?.content ?? {})) {
      for (const [name, exampleOrRef] of Object.entries<Obj>(content.examples ?? {})) {
        const example = resolveLocal(doc, exampleOrRef);
        cases.push({
          where: `${label(operation)} request ${media} ${name}`,
          operation,
          kind: 'request',
          name,
          example,
          schema: content.schema,
        });
      }
    }
    for (const [status, responseOrRef] of Object.entries<Obj>(op.responses ?? {})) {
      const response = resolveLocal(doc, responseOrRef);
      for (const [media, content] of Object.entries<Obj>(response.content ?? {})) {
        for (const [name, exampleOrRef] of Object.entries<Obj>(content.examples ?? {})) {
          const example = resolveLocal(doc, exampleOrRef);
          cases.push({
            where: `${label(operation)} ${status} ${media} ${name}`,
            operation,
            kind: 'response',
            status,
            name,
            example,
            schema: content.schema,
          });
        }
      }
    }
  }
  return cases;
}

// swagger-parser and openapi-typescript depend on ESM-only packages that jest's CommonJS
// runtime cannot require on Node 20, so they run in a plain Node process.
function runNodeModule(script: string, env: Record<string, string>): string {
  return execFileSync(process.execPath, ['--no-warnings', '--input-type=module', '-e', script], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
}

interface ParsedSpec {
  validation: { ok: true; openapi: string } | { ok: false; message: string };
  raw: Obj;
  deref: Obj;
}

function loadWithSwaggerParser(): ParsedSpec {
  const script = [
    "import SwaggerParser from '@apidevtools/swagger-parser';",
    'const file = process.env.OPENAPI_SPEC_FILE;',
    'let validation;',
    'try {',
    '  const api = await SwaggerParser.validate(file);',
    '  validation = { ok: true, openapi: api.openapi };',
    '} catch (err) {',
    '  validation = { ok: false, message: String(err && err.message) };',
    '}',
    'const raw = await SwaggerParser.parse(file);',
    "const deref = await SwaggerParser.dereference(file, { dereference: { circular: 'ignore' } });",
    'process.stdout.write(JSON.stringify({ validation, raw, deref }));',
  ].join('\n');
  return JSON.parse(runNodeModule(script, { OPENAPI_SPEC_FILE: SPEC_FILE })) as ParsedSpec;
}

function runOpenapiTypescript(): string {
  const script = [
    "import openapiTS, { astToString, COMMENT_HEADER } from 'openapi-typescript';",
    "import { createConfig } from '@redocly/openapi-core';",
    "const redocly = await createConfig({}, { extends: ['minimal'] });",
    'const ast = await openapiTS(new URL(process.env.OPENAPI_SPEC_URL), { redocly, silent: true });',
    'process.stdout.write(COMMENT_HEADER + astToString(ast));',
  ].join('\n');
  return runNodeModule(script, { OPENAPI_SPEC_URL: pathToFileURL(SPEC_FILE).href });
}

describe('openapi/elser-mock.yaml', () => {
  let parsed: ParsedSpec;
  let raw: Obj;
  let deref: Obj;
  let examples: ExampleCase[];
  let ajv: Ajv2020;
  const validators = new Map<Obj, ValidateFunction>();

  function validatorFor(schema: Obj): ValidateFunction {
    let validate = validators.get(schema);
    if (!validate) {
      validate = ajv.compile({ ...schema, components: { schemas: deref.components.schemas } });
      validators.set(schema, validate);
    }
    return validate;
  }

  beforeAll(() => {
    parsed = loadWithSwaggerParser();
    raw = parsed.raw;
    deref = parsed.deref;
    examples = collectExamples(deref);
    ajv = new Ajv2020({ allErrors: true, strict: true, strictTypes: false, strictRequired: false, validateFormats: false });
    ajv.addKeyword('components');
  });

  test('is a valid OpenAPI 3.1.0 document', () => {
    expect(parsed.validation).toEqual({ ok: true, openapi: '3.1.0' });
  });

  test('defines the component schemas handlers import', () => {
    const names = Object.keys(raw.components.schemas);
    for (const name of REQUIRED_SCHEMAS) expect(names).toContain(name);
    expect(raw.components.schemas.TaskType.enum).toEqual(['sparse_embedding', 'text_embedding', 'rerank', 'completion', 'chat_completion']);
  });

  test('declares the expected operations', () => {
    const ops = operationsOf(raw).map((o) => `${o.method.toUpperCase()} ${o.path}`);
    expect(ops.sort()).toEqual(
      [
        'GET /',
        'HEAD /',
        'GET /_cluster/health',
        'GET /_cluster/health/{index}',
        'GET /_inference',
        'GET /_inference/{inference_id}',
        'PUT /_inference/{inference_id}',
        'DELETE /_inference/{inference_id}',
        'POST /_inference/{inference_id}',
        'GET /_inference/{task_type}/{inference_id}',
        'PUT /_inference/{task_type}/{inference_id}',
        'DELETE /_inference/{task_type}/{inference_id}',
        'POST /_inference/{task_type}/{inference_id}',
        'PUT /_inference/{inference_id}/_update',
        'PUT /_inference/{task_type}/{inference_id}/_update',
        'GET /_nodes',
        'GET /_nodes/{node_id_or_metric}',
        'GET /_nodes/{node_id}/{metric}',
        'GET /_ml/trained_models',
        'GET /_ml/trained_models/{model_id}',
        'GET /_ml/trained_models/_stats',
        'GET /_ml/trained_models/{model_id}/_stats',
        'POST /api/console/proxy',
      ].sort(),
    );
  });

  test('every operation has a unique operationId', () => {
    const ids = operationsOf(raw).map((o) => o.op.operationId);
    for (const id of ids) expect(typeof id === 'string' && id.length > 0).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
  });

  test('every operation has a success response and documented errors', () => {
    for (const operation of operationsOf(raw)) {
      const responses: Obj = operation.op.responses;
      const where = label(operation);
      if (operation.method === 'head') {
        expect({ where, ok: '200' in responses }).toEqual({ where, ok: true });
        expect(resolveLocal(raw, responses['200']).content).toBeUndefined();
        continue;
      }
      expect({ where, ok: '200' in responses || '204' in responses }).toEqual({ where, ok: true });
      if (operation.path === '/') continue;
      const errorRefs = Object.entries<Obj>(responses)
        .filter(([status]) => /^4\d\d$/.test(status))
        .map(([, response]) => resolveLocal(raw, response).content?.[JSON_MEDIA]?.schema?.$ref);
      const errorSchema = isKibana(operation) ? 'KibanaErrorResponse' : 'ErrorResponse';
      expect({ where, ok: errorRefs.includes(`#/components/schemas/${errorSchema}`) }).toEqual({
        where,
        ok: true,
      });
    }
  });

  test('every Elasticsearch response declares the X-elastic-product header; Kibana never requires it', () => {
    for (const operation of operationsOf(raw)) {
      for (const [status, response] of Object.entries<Obj>(operation.op.responses)) {
        const headers: Obj = resolveLocal(raw, response).headers ?? {};
        const key = Object.keys(headers).find((h) => h.toLowerCase() === 'x-elastic-product');
        const where = `${label(operation)} ${status}`;
        if (isKibana(operation)) {
          // Kibana does not add the header; a response may only pass on the upstream's.
          const required = key !== undefined && resolveLocal(raw, headers[key]).required === true;
          expect({ where, required }).toEqual({ where, required: false });
          if (key !== undefined) expect(resolveLocal(raw, headers[key]).schema.const).toBe('Elasticsearch');
          continue;
        }
        expect({ where, declared: key !== undefined }).toEqual({ where, declared: true });
        const header = resolveLocal(raw, headers[key as string]);
        expect(header.required).toBe(true);
        expect(header.schema.const).toBe('Elasticsearch');
      }
    }
    for (const [name, response] of Object.entries<Obj>(raw.components.responses ?? {})) {
      expect({ name, declared: 'X-elastic-product' in (response.headers ?? {}) }).toEqual({
        name,
        declared: true,
      });
    }
  });

  test('PUT operations with service elser document the Warning header', () => {
    for (const operation of operationsOf(raw).filter((o) => o.method === 'put' && !o.path.endsWith('_update'))) {
      const ok = resolveLocal(raw, operation.op.responses['200']);
      expect(Object.keys(ok.headers)).toContain('Warning');
    }
  });

  test('every example value is valid for its media type schema', () => {
    expect(examples.length).toBeGreaterThan(0);
    const collected = new Set(examples.map((c) => c.name));
    for (const response of Object.values<Obj>(raw.components.responses ?? {})) {
      for (const name of Object.keys(response.content?.[JSON_MEDIA]?.examples ?? {})) {
        expect({ name, collected: collected.has(name) }).toEqual({ name, collected: true });
      }
    }
    const failures: string[] = [];
    for (const c of examples) {
      const validate = validatorFor(c.schema);
      const valid = validate(c.example.value);
      // A request example marked x-invalid breaks its schema on purpose, to show the server's error.
      if (c.example['x-invalid'] === true ? valid : !valid) {
        failures.push(`${c.where}: ${valid ? 'marked x-invalid but valid' : ajv.errorsText(validate.errors)}`);
      }
    }
    expect(failures).toEqual([]);
  });

  test('every example names its profile and request path', () => {
    const failures: string[] = [];
    for (const c of examples) {
      const { example } = c;
      const profile = example['x-profile'];
      if (!PROFILES.includes(profile)) failures.push(`${c.where}: x-profile ${String(profile)}`);
      if (typeof example.summary !== 'string' || !example.summary.startsWith(`[${profile}]`)) {
        failures.push(`${c.where}: summary must start with [${String(profile)}]`);
      }
      const requestPath = example['x-request-path'];
      if (typeof requestPath !== 'string' || !requestPath.startsWith('/')) {
        failures.push(`${c.where}: x-request-path`);
      }
      if (example['x-compare'] !== undefined && !['exact', 'schema'].includes(example['x-compare'])) {
        failures.push(`${c.where}: x-compare`);
      }
      for (const extension of ['x-request-headers', 'x-response-headers']) {
        const headers = example[extension];
        if (headers === undefined) continue;
        const absentAllowed = extension === 'x-response-headers';
        const ok =
          headers !== null &&
          typeof headers === 'object' &&
          !Array.isArray(headers) &&
          Object.values(headers).every((value) => typeof value === 'string' || (absentAllowed && value === null));
        if (!ok) failures.push(`${c.where}: ${extension} must map header names to strings${absentAllowed ? ' or null' : ''}`);
      }
    }
    expect(failures).toEqual([]);
  });

  test('response examples point at existing request examples and valid request bodies', () => {
    const failures: string[] = [];
    for (const c of examples.filter((e) => e.kind === 'response')) {
      const requestBody = c.operation.op.requestBody ? resolveLocal(deref, c.operation.op.requestBody) : undefined;
      const requestContent: Obj | undefined = requestBody?.content?.[JSON_MEDIA];
      const requestName = c.example['x-request-example'];
      if (requestName !== undefined) {
        const request: Obj | undefined = requestContent?.examples?.[requestName];
        if (!request) {
          failures.push(`${c.where}: no request example ${requestName}`);
        } else if (request['x-profile'] !== 'both' && request['x-profile'] !== c.example['x-profile']) {
          failures.push(`${c.where}: request example ${requestName} is for profile ${request['x-profile']}`);
        }
      }
      const body = c.example['x-request-body'];
      if (body !== undefined) {
        if (!requestContent) {
          failures.push(`${c.where}: x-request-body on an operation without a request body`);
        } else if (!validatorFor(requestContent.schema)(body)) {
          failures.push(`${c.where}: x-request-body does not match the request schema`);
        }
      }
      const response = resolveLocal(deref, c.operation.op.responses[c.status as string]);
      for (const [name, value] of Object.entries<unknown>(c.example['x-response-headers'] ?? {})) {
        const key = Object.keys(response.headers ?? {}).find((h) => h.toLowerCase() === name.toLowerCase());
        if (key === undefined) {
          failures.push(`${c.where}: x-response-headers names undeclared header ${name}`);
        } else if (value === null && resolveLocal(deref, response.headers[key]).required === true) {
          failures.push(`${c.where}: x-response-headers says required header ${name} is absent`);
        }
      }
      for (const step of c.example['x-setup'] ?? []) {
        if (!['PUT', 'POST', 'DELETE', 'GET'].includes(step.method) || !String(step.path).startsWith('/')) {
          failures.push(`${c.where}: malformed x-setup step`);
        }
      }
    }
    expect(failures).toEqual([]);
  });

  test('error examples mirror the HTTP status and their root cause', () => {
    const failures: string[] = [];
    for (const c of examples.filter((e) => e.kind === 'response' && Number(e.status) >= 400)) {
      const value: Obj = c.example.value;
      const mirrored = isKibana(c.operation) ? value.statusCode : value.status;
      if (mirrored !== Number(c.status)) failures.push(`${c.where}: status ${mirrored}`);
      if (typeof value.error === 'object') {
        const [first, ...rest] = value.error.root_cause;
        if (rest.length > 0 || JSON.stringify(first) !== JSON.stringify({ type: value.error.type, reason: value.error.reason })) {
          failures.push(`${c.where}: root_cause[0] differs from the error`);
        }
      }
    }
    expect(failures).toEqual([]);
  });

  test('both profiles have examples', () => {
    const count = (p: string) => examples.filter((c) => c.example['x-profile'] === p).length;
    expect(count('8.15')).toBeGreaterThan(0);
    expect(count('9.1')).toBeGreaterThan(0);
    expect(count('both')).toBeGreaterThan(0);
  });

  test('carries the ELSER service page examples verbatim', () => {
    const put = deref.paths['/_inference/{task_type}/{inference_id}'].put;
    const requests = put.requestBody.content[JSON_MEDIA].examples;
    const responses = put.responses['200'].content[JSON_MEDIA].examples;
    expect(requests.elserBasic.value).toEqual({
      service: 'elser',
      service_settings: { num_allocations: 1, num_threads: 1 },
    });
    expect(requests.elserBasic['x-request-path']).toBe('/_inference/sparse_embedding/my-elser-model');
    expect(responses.elserBasic815.value).toEqual({
      inference_id: 'my-elser-model',
      task_type: 'sparse_embedding',
      service: 'elser',
      service_settings: { num_allocations: 1, num_threads: 1 },
      task_settings: {},
    });
    expect(responses.elserBasic815['x-profile']).toBe('8.15');
    expect(requests.elserAdaptiveDocumented.value).toEqual({
      service: 'elser',
      service_settings: {
        adaptive_allocations: { enabled: true, min_number_of_allocations: 3, max_number_of_allocations: 10 },
      },
    });
  });

  test('src/generated/openapi.ts is up to date', () => {
    const expected = runOpenapiTypescript();
    const committed = readFileSync(GENERATED_FILE, 'utf8');
    if (committed !== expected) {
      throw new Error('src/generated/openapi.ts does not match openapi/elser-mock.yaml; run `npm run gen:types` and commit the result.');
    }
  });
});
