import { readFileSync } from 'node:fs';
import request from 'supertest';
import { parse } from 'yaml';
import { OPENAPI_FILE } from '../src/contracts/package-paths';
import { documentForProfile } from '../src/mock/profile-document';
import type { RunningServer } from '../src/server';
import { startTestServer } from './support/server';

const PROFILE = '9.1';

/** The mock's own documents and health under /__mock, on a started server. */

describe('/__mock documents and health', () => {
  let server: RunningServer;

  beforeAll(async () => {
    server = await startTestServer(PROFILE);
  });

  afterAll(async () => {
    await server.close();
  });

  it('is ready, and green, once listening without stored endpoints', async () => {
    const health = await request(server.url).get('/__mock/health');
    expect({ status: health.status, body: health.body }).toEqual({
      status: 200,
      body: {
        status: 'ready',
        live: true,
        ready: true,
        checks: { model_repository: { ready: true }, stored_deployments: { ready: true, failed: [] } },
        cluster_health: { status: 'green', starting_deployments: [], downloading_models: [] },
      },
    });
    const cluster = await request(server.url).get('/_cluster/health?wait_for_status=green&timeout=1s');
    expect(cluster.status).toBe(200);
    expect(cluster.body).toMatchObject({ cluster_name: 'elser-mock', status: 'green', unassigned_primary_shards: 0 });
  });

  it('serves the OpenAPI document as written', async () => {
    const response = await request(server.url).get('/__mock/openapi.yaml');
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('application/yaml; charset=utf-8');
    expect(response.text).toBe(readFileSync(OPENAPI_FILE, 'utf8'));
  });

  it("serves the OpenAPI document as JSON, for the server's profile, its servers naming the address the request used", async () => {
    const response = await request(server.url).get('/__mock/openapi.json').set('host', 'elser.example:9200');
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('application/json; charset=utf-8');
    const written = parse(readFileSync(OPENAPI_FILE, 'utf8')) as Record<string, unknown>;
    const expected = documentForProfile(written as Parameters<typeof documentForProfile>[0], PROFILE);
    expect(response.body).toEqual({ ...expected, servers: [{ url: 'http://elser.example:9200' }] });
    expect(Object.keys(response.body).slice(0, 3)).toEqual(['openapi', 'info', 'servers']);
    expect(response.body.paths['/_cluster/health'].get.operationId).toBe('cluster.health');
  });

  it('falls back to the listening URL for a Host header it cannot use', async () => {
    const response = await request(server.url).get('/__mock/openapi.json').set('host', 'bad host/<x>');
    expect(response.body.servers).toEqual([{ url: server.url }]);
  });

  it('serves Swagger UI from swagger-ui-dist, pointed at the JSON document, with nothing fetched elsewhere', async () => {
    for (const page of ['/__mock/docs', '/__mock/docs/', '/__mock/docs/index.html']) {
      const response = await request(server.url).get(page);
      expect(response.status).toBe(200);
      expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(response.text).toContain('<div id="swagger-ui"></div>');
      const sources = [...response.text.matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => match[1]);
      expect(sources.length).toBeGreaterThan(0);
      for (const source of sources) expect(source.startsWith('/__mock/docs/')).toBe(true);
    }
    const initializer = await request(server.url).get('/__mock/docs/swagger-initializer.js');
    expect(initializer.text).toContain("url: '/__mock/openapi.json'");
    expect(initializer.text).toContain('validatorUrl: null');
    expect(initializer.text).not.toContain('petstore');
  });

  it.each([
    ['swagger-ui.css', 'text/css; charset=utf-8'],
    ['swagger-ui-bundle.js', 'text/javascript; charset=utf-8'],
    ['swagger-ui-standalone-preset.js', 'text/javascript; charset=utf-8'],
    ['favicon-32x32.png', 'image/png'],
  ])('serves %s', async (file, contentType) => {
    const response = await request(server.url).get(`/__mock/docs/${file}`).buffer(true);
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe(contentType);
    expect(Number(response.headers['content-length'])).toBeGreaterThan(0);
  });

  it.each(['../package.json', '..%2Fpackage.json', 'index.js', 'swagger-ui-dist/package.json', 'nope.css'])('refuses %s', async (file) => {
    const response = await request(server.url).get(`/__mock/docs/${file}`);
    expect(response.status).toBe(404);
  });
});

describe('/__mock/openapi.json on a profile 8.15 server', () => {
  it('has no 9.1-only operation, parameter or example', async () => {
    const server = await startTestServer('8.15');
    try {
      const document = (await request(server.url).get('/__mock/openapi.json')).body;
      expect(Object.keys(document.paths)).not.toContain('/_inference/{inference_id}/_update');
      expect(JSON.stringify(document)).not.toMatch(/"x-profile":"9\.1"|PutTimeout/);
      const yaml = await request(server.url).get('/__mock/openapi.yaml');
      expect(yaml.text).toContain('/_inference/{inference_id}/_update:');
    } finally {
      await server.close();
    }
  });
});
