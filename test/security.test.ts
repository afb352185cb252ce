import { Client, errors } from '@elastic/elasticsearch';
import request from 'supertest';
import { platformElserModelId } from '../src/inference/elser-service';
import type { RunningServer } from '../src/server';
import { ensureBuiltCli } from './support/built-cli';
import { startCliServer } from './support/cli-server';
import { startTestServer } from './support/server';

const USER = 'elastic';
const PASSWORD = 'changeme:with-colon';
const API_KEY = Buffer.from('key-id:key-secret').toString('base64');
const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

const CHALLENGES = ['Basic realm="security", charset="UTF-8"', 'Bearer realm="security"', 'ApiKey'];

function securityError(reason: string) {
  const cause = { type: 'security_exception', reason, header: { 'WWW-Authenticate': CHALLENGES } };
  return { error: { root_cause: [cause], ...cause }, status: 401 };
}

describe('security with --auth and --api-key', () => {
  let server: RunningServer;

  beforeAll(async () => {
    server = await startTestServer('9.1', { security: { basic: { username: USER, password: PASSWORD }, apiKeys: [API_KEY] } });
  });

  afterAll(() => server.close());

  it('answers a request without credentials with 401, Elasticsearch message and challenges', async () => {
    const response = await request(server.url).get('/_inference?pretty');
    expect(response.status).toBe(401);
    expect(response.body).toEqual(securityError('missing authentication credentials for REST request [/_inference?pretty]'));
    expect(response.headers['www-authenticate']).toBe(CHALLENGES.join(', '));
    expect(response.headers['x-elastic-product']).toBe('Elasticsearch');
  });

  it('authenticates before it looks for a handler or reads the body', async () => {
    const unknown = await request(server.url).get('/_no_such_api');
    expect(unknown.status).toBe(401);
    expect(unknown.body.error.reason).toBe('missing authentication credentials for REST request [/_no_such_api]');
    const badBody = await request(server.url).put('/_inference/sparse_embedding/x').set('content-type', 'text/plain').send('{');
    expect(badBody.status).toBe(401);
  });

  it('names the user whose password is wrong, and refuses an unknown API key', async () => {
    const wrong = await request(server.url).get('/_inference').set('authorization', basic(USER, 'nope'));
    expect(wrong.body).toEqual(securityError('unable to authenticate user [elastic] for REST request [/_inference]'));
    const key = await request(server.url).get('/_inference').set('authorization', 'ApiKey bm90Omtub3du');
    expect(key.status).toBe(401);
    expect(key.body.error.type).toBe('security_exception');
  });

  it('serves the official client with basic credentials or the API key', async () => {
    const id = 'secured-endpoint';
    const withPassword = new Client({ node: server.url, auth: { username: USER, password: PASSWORD } });
    const withApiKey = new Client({ node: server.url, auth: { apiKey: API_KEY } });
    const anonymous = new Client({ node: server.url });
    try {
      await withPassword.inference.put({
        task_type: 'sparse_embedding',
        inference_id: id,
        inference_config: {
          service: 'elasticsearch',
          service_settings: { model_id: platformElserModelId(), num_allocations: 1, num_threads: 1 },
        },
      });
      const result = await withApiKey.inference.inference({ inference_id: id, input: 'the sky above the port' });
      expect(Object.keys(result.sparse_embedding?.[0].embedding ?? {})).toContain('sky');
      const refused = await anonymous.inference.get({ inference_id: id }).catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(errors.ResponseError);
      expect((refused as errors.ResponseError).statusCode).toBe(401);
      await withApiKey.inference.delete({ inference_id: id });
    } finally {
      await Promise.all([withPassword.close(), withApiKey.close(), anonymous.close()]);
    }
  });
});

describe('credentials in logs', () => {
  beforeAll(() => ensureBuiltCli());

  it('never writes a password, an API key or an Authorization header, even at trace level', async () => {
    const password = 'pw-that-must-not-leak';
    const apiKey = 'a2V5LXRoYXQtbXVzdC1ub3QtbGVhaw==';
    const cli = await startCliServer(['--port', '0', '--in-memory', '--auth', `basic:${USER}:${password}`, '--api-key', apiKey], {
      ELSER_MOCK_LOG_LEVEL: 'trace',
    });
    try {
      await request(cli.url).get('/').set('authorization', basic(USER, password)).expect(200);
      await request(cli.url).get('/').set('authorization', `ApiKey ${apiKey}`).expect(200);
      await request(cli.url).get('/').set('authorization', basic(USER, 'a-wrong-guess')).expect(401);
      await request(cli.url).get('/').set('es-client-authentication', 'SharedSecret s3cr3t-shared').expect(401);
    } finally {
      expect(await cli.stop()).toBe(0);
    }
    const output = cli.output();
    expect(output).toContain('request completed');
    expect(output).toContain('[REDACTED]');
    for (const secret of [password, apiKey, 'a-wrong-guess', 's3cr3t-shared', Buffer.from(`${USER}:${password}`).toString('base64')]) {
      expect(output).not.toContain(secret);
    }
  });
});
