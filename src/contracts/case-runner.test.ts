import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Baseline } from './baseline';
import type { LoadedCase, MockFixture } from './case-model';
import { runCase } from './case-runner';
import { HttpClient } from './http-client';
import { OpenApiDocument } from './openapi-document';
import { ResponseValidator } from './response-validator';
import { runSuite } from './suite-runner';
import type { CaseEnvironment, Target } from './targets';
import { CaseIds } from './templating';

/** A few Elasticsearch-like routes, enough to run cases against without a server build. */
class FakeCluster {
  readonly endpoints = new Map<string, number>();
  readonly log: string[] = [];
  pollsUntilReady = 0;
  private server?: Server;

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      let text = '';
      req.on('data', (chunk) => (text += chunk));
      req.on('end', () => this.handle(req, text, res));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => {
      this.server!.closeAllConnections();
      this.server!.close(() => resolve());
    });
  }

  private handle(req: IncomingMessage, text: string, res: ServerResponse): ServerResponse {
    const url = new URL(req.url ?? '/', 'http://x');
    this.log.push(`${req.method} ${url.pathname}${url.search}`);
    const send = (status: number, body: unknown) =>
      res.writeHead(status, { 'content-type': 'application/json', 'x-elastic-product': 'Elasticsearch' }).end(JSON.stringify(body));
    const [, first, second] = url.pathname.split('/');
    if (first !== '_inference') return send(400, { error: `no handler found for uri [${url.pathname}]`, status: 400 });
    if (req.method === 'GET' && second === '_all')
      return send(200, { endpoints: [...this.endpoints.keys()].map((id) => ({ inference_id: id })) });
    if (req.method === 'GET' && second === 'teapot') return send(418, { short: 'and stout' });
    if (req.method === 'GET' && second === 'slow') {
      return this.pollsUntilReady-- > 0 ? send(404, notFound('slow')) : send(200, { endpoints: [{ inference_id: 'slow' }] });
    }
    const id = url.pathname.split('/').pop()!;
    if (req.method === 'PUT') {
      this.endpoints.set(id, JSON.parse(text).n ?? 0);
      return send(200, { inference_id: id });
    }
    if (!this.endpoints.has(id)) return send(404, notFound(id));
    if (req.method === 'DELETE') {
      this.endpoints.delete(id);
      return send(200, { acknowledged: true });
    }
    return send(200, { endpoints: [{ inference_id: id }] });
  }
}

function notFound(id: string) {
  const cause = { type: 'resource_not_found_exception', reason: `Inference endpoint not found [${id}]` };
  return { error: { root_cause: [cause], ...cause }, status: 404 };
}

const errorResponse = {
  type: 'object',
  required: ['error', 'status'],
  properties: { error: { type: 'object' }, status: { type: 'integer' } },
  additionalProperties: false,
};
const json = (schema: unknown) => ({ content: { 'application/json': { schema } } });

const SPEC = new OpenApiDocument(
  {
    openapi: '3.1.0',
    paths: {
      '/_inference/{id}': {
        get: {
          responses: {
            '200': json({ type: 'object', required: ['endpoints'] }),
            '404': json(errorResponse),
            '418': json({ type: 'object', required: ['spout'] }),
          },
        },
        delete: { responses: { '200': json({ type: 'object' }), '404': json(errorResponse) } },
      },
      '/_inference/sparse_embedding/{id}': { put: { responses: { '200': json({ type: 'object', required: ['inference_id'] }) } } },
    },
  },
  'spec.yaml',
);

class FakeTarget implements Target {
  readonly description = 'fake cluster';
  readonly profile = '9.1' as const;
  readonly versionNumber = '9.1.0';
  released = 0;

  constructor(readonly client: HttpClient) {}

  fixtureSkipReason(fixtures: readonly MockFixture[]): string | undefined {
    return fixtures.includes('tampered-model-repository') ? 'no tampering here' : undefined;
  }

  async environmentFor(fixtures: readonly MockFixture[]): Promise<CaseEnvironment> {
    return {
      client: this.client,
      dedicated: false,
      releaseDownload: fixtures.includes('slow-model-repository') ? () => this.released++ : undefined,
      close: async () => undefined,
    };
  }

  async close(): Promise<void> {
    this.client.close();
  }
}

const loaded = (c: LoadedCase['case'], area = 'sample'): LoadedCase => ({ area, case: c, origin: { file: 'sample.yaml', line: 1 } });

describe('running cases', () => {
  let cluster: FakeCluster;
  let target: FakeTarget;
  let ids: CaseIds;
  const validator = new ResponseValidator(SPEC);

  beforeEach(async () => {
    cluster = new FakeCluster();
    target = new FakeTarget(new HttpClient({ baseUrl: await cluster.start(), credentials: { kind: 'api-key', key: 'secret' } }));
    ids = new CaseIds('abcde');
  });
  afterEach(async () => {
    await target.close();
    await cluster.stop();
  });

  it('runs setup, request, then steps and teardown, and removes what the case left', async () => {
    const result = await runCase(
      loaded({
        name: 'create and get',
        setup: [{ request: { method: 'PUT', path: '/_inference/sparse_embedding/{{id}}', body: {} } }],
        request: { method: 'GET', path: '/_inference/{{id}}' },
        expect: { status: 200, match: { 'endpoints.0.inference_id': { equals: '{{id}}' } } },
        then: [
          { request: { method: 'PUT', path: '/_inference/sparse_embedding/{{id}}-second', body: {} } },
          { request: { method: 'GET', path: '/_inference/{{id}}-second' }, expect: { status: 200 } },
        ],
        teardown: [{ method: 'DELETE', path: '/_inference/{{id}}' }],
      }),
      { target, ids, validator },
    );
    expect(result).toMatchObject({ status: 'passed', failures: [], inferenceId: 'ct-abcde-sample-create-and-get' });
    expect(cluster.log).toEqual([
      'PUT /_inference/sparse_embedding/ct-abcde-sample-create-and-get',
      'GET /_inference/ct-abcde-sample-create-and-get',
      'PUT /_inference/sparse_embedding/ct-abcde-sample-create-and-get-second',
      'GET /_inference/ct-abcde-sample-create-and-get-second',
      'DELETE /_inference/ct-abcde-sample-create-and-get',
      'GET /_inference/_all',
      'DELETE /_inference/ct-abcde-sample-create-and-get-second?force=true',
    ]);
    expect(cluster.endpoints.size).toBe(0);
  });

  it('reports a failed expectation with the requests that reproduce it and a diff', async () => {
    const result = await runCase(
      loaded({
        name: 'missing',
        setup: [{ request: { method: 'PUT', path: '/_inference/sparse_embedding/{{id}}', body: { n: 1 } } }],
        request: { method: 'GET', path: '/_inference/{{id}}-other' },
        expect: { status: 200, match: { endpoints: { minLength: 1 } } },
        then: [{ request: { method: 'GET', path: '/_inference/never-sent' } }],
      }),
      { target, ids, validator },
    );
    expect(result.status).toBe('failed');
    expect(result.failures).toHaveLength(1);
    const [failure] = result.failures;
    expect(failure).toMatchObject({
      step: 'request',
      kind: 'expectation',
      message: 'status: expected status 200, got 404; body.endpoints: expected a value matching {"minLength":1}, but it is absent',
    });
    const base = target.client.baseUrl;
    expect(failure.reproduction).toEqual([
      `curl -sS -i -X PUT '${base}/_inference/sparse_embedding/ct-abcde-sample-missing' -H "Authorization: ApiKey $ES_API_KEY" -H 'content-type: application/json' --data-binary '{"n":1}'`,
      `curl -sS -i '${base}/_inference/ct-abcde-sample-missing-other' -H "Authorization: ApiKey $ES_API_KEY"`,
    ]);
    expect(failure.diff).toBe(
      [
        '--- expected',
        '+++ actual',
        '- status: 200',
        '- body.endpoints: matches {"minLength":1}',
        '+ status: 404',
        '+ body.endpoints: <absent>',
      ].join('\n'),
    );
    expect(cluster.log).not.toContain('GET /_inference/never-sent');
    expect(cluster.endpoints.size).toBe(0);
  });

  it('requires 2xx from a setup step without expectations', async () => {
    const result = await runCase(
      loaded({
        name: 'bad setup',
        setup: [{ request: { method: 'GET', path: '/_inference/{{id}}' } }],
        request: { method: 'GET', path: '/_inference/_all' },
        expect: {},
      }),
      { target, ids, validator },
    );
    expect(result.failures.map((f) => [f.step, f.message])).toEqual([['setup[0]', 'status: expected status 2xx, got 404']]);
  });

  it('retries a step until its expectations hold', async () => {
    cluster.pollsUntilReady = 3;
    const step = {
      request: { method: 'GET' as const, path: '/_inference/slow' },
      expect: { status: 200 },
      retry: { attempts: 5, intervalMs: 1 },
    };
    const passed = await runCase(
      loaded({ name: 'waits', request: { method: 'GET', path: '/_inference/_all' }, expect: {}, then: [step] }),
      {
        target,
        ids,
        validator,
      },
    );
    expect(passed.status).toBe('passed');
    expect(cluster.log.filter((line) => line === 'GET /_inference/slow')).toHaveLength(4);

    cluster.pollsUntilReady = 10;
    const failed = await runCase(
      loaded({ name: 'gives up', request: { method: 'GET', path: '/_inference/_all' }, expect: {}, then: [step] }),
      {
        target,
        ids,
        validator,
      },
    );
    expect(failed.failures[0].message).toBe('status: expected status 200, got 404 (after 5 attempts)');
    expect(failed.failures[0].reproduction.filter((command) => command.includes('/_inference/slow'))).toHaveLength(1);
  });

  it('handles control steps itself', async () => {
    const result = await runCase(
      loaded({
        name: 'releases',
        requires: { mock: ['slow-model-repository'] },
        request: { method: 'GET', path: '/_inference/_all' },
        expect: { status: 200 },
        then: [
          { request: { method: 'POST', path: '/__contracts/release-download' }, expect: { status: 200, body: { acknowledged: true } } },
        ],
      }),
      { target, ids, validator },
    );
    expect(result.status).toBe('passed');
    // Once by the step, once more before the teardown.
    expect(target.released).toBe(2);
    expect(cluster.log).not.toContain('POST /__contracts/release-download');
  });

  it('fails a case whose answer the document does not allow, even when the case accepts it', async () => {
    const result = await runCase(
      loaded({ name: 'teapot', request: { method: 'GET', path: '/_inference/teapot' }, expect: { status: 418 } }),
      {
        target,
        ids,
        validator,
      },
    );
    expect(result.status).toBe('failed');
    expect(result.failures.map((f) => [f.kind, f.message])).toEqual([
      ['spec-violation', 'GET /_inference/{id} answered 418: body lacks the required property [spout]'],
    ]);
  });

  it('reports an unreachable target as an error of the step', async () => {
    await cluster.stop();
    const result = await runCase(loaded({ name: 'down', request: { method: 'GET', path: '/_inference/_all' }, expect: {} }), {
      target,
      ids,
      validator,
    });
    expect(result.failures).toEqual([
      expect.objectContaining({ step: 'request', kind: 'error', message: expect.stringContaining('GET http://127.0.0.1:') }),
    ]);
    cluster = new FakeCluster();
    await cluster.start();
  });

  it('runs a suite: skips with reasons, accepts baseline failures, and deletes what the run left', async () => {
    cluster.endpoints.set('ct-abcde-left-behind', 0);
    cluster.endpoints.set('someone-elses', 0);
    const baseline = Baseline.from([{ area: 'sample', case: 'known drift', reason: 'the cluster answers 404' }]);
    const { results, cleanup } = await runSuite({
      target,
      ids,
      validator,
      baseline,
      cases: [
        loaded({ name: 'passes', request: { method: 'GET', path: '/_inference/_all' }, expect: { status: 200 } }),
        loaded({ name: 'known drift', request: { method: 'GET', path: '/_inference/x' }, expect: { status: 200 } }),
        loaded({ name: 'new drift', request: { method: 'GET', path: '/_inference/x' }, expect: { status: 200 } }),
        loaded({ name: 'other profile', requires: { profiles: ['8.15'] }, request: { method: 'GET', path: '/' }, expect: {} }),
        loaded({ name: 'newer version', requires: { versions: '>=9.2' }, request: { method: 'GET', path: '/' }, expect: {} }),
        loaded({ name: 'tampered', requires: { mock: ['tampered-model-repository'] }, request: { method: 'GET', path: '/' }, expect: {} }),
        loaded({ name: 'told to skip', skip: 'not yet', request: { method: 'GET', path: '/' }, expect: {} }),
      ],
    });
    expect(results.map((r) => [r.name, r.status, r.skipReason ?? r.acceptedReason])).toEqual([
      ['passes', 'passed', undefined],
      ['known drift', 'accepted', 'the cluster answers 404'],
      ['new drift', 'failed', undefined],
      ['other profile', 'skipped', 'applies to profile 8.15; the target runs profile 9.1'],
      ['newer version', 'skipped', 'needs version >=9.2; the target is 9.1.0'],
      ['tampered', 'skipped', 'no tampering here'],
      ['told to skip', 'skipped', 'not yet'],
    ]);
    expect(cleanup).toEqual({ deleted: ['ct-abcde-left-behind'], errors: [] });
    expect([...cluster.endpoints.keys()]).toEqual(['someone-elses']);
    expect(baseline.stale(results.filter((r) => r.status === 'passed'))).toEqual([]);
  });
});
