import { Client } from '@elastic/elasticsearch';
import { Client as Client9 } from 'es9';
import { CliServer, startCliServer } from '../support/cli-server';

/**
 * The two examples of the ELSER service page (8.15), sent with the official
 * JavaScript client exactly as the page shows them, against the server as
 * `npm start` runs it.
 */
describe('ELSER service page examples with @elastic/elasticsearch (profile 8.15)', () => {
  let server: CliServer;
  let client: Client;

  beforeAll(async () => {
    server = await startCliServer(['--port', '0', '--in-memory']);
    client = new Client({ node: server.url });
  });
  afterAll(async () => {
    await client?.close();
    expect(await server.stop()).toBe(0);
  });

  it('creates the basic endpoint and answers with the documented response', async () => {
    const response = await client.inference.put({
      task_type: 'sparse_embedding',
      inference_id: 'my-elser-model',
      inference_config: {
        service: 'elser',
        service_settings: {
          num_allocations: 1,
          num_threads: 1,
        },
      },
    });
    expect(response).toEqual({
      inference_id: 'my-elser-model',
      task_type: 'sparse_embedding',
      service: 'elser',
      service_settings: {
        num_allocations: 1,
        num_threads: 1,
      },
      task_settings: {},
    });
  });

  it('creates the adaptive allocations endpoint', async () => {
    await client.inference.delete({ task_type: 'sparse_embedding', inference_id: 'my-elser-model' });
    const response = await client.inference.put({
      task_type: 'sparse_embedding',
      inference_id: 'my-elser-model',
      inference_config: {
        service: 'elser',
        service_settings: {
          adaptive_allocations: {
            enabled: true,
            min_number_of_allocations: 3,
            max_number_of_allocations: 10,
          },
        },
      } as never,
    });
    expect(response).toEqual({
      inference_id: 'my-elser-model',
      task_type: 'sparse_embedding',
      service: 'elser',
      service_settings: {
        num_threads: 1,
        adaptive_allocations: { enabled: true, min_number_of_allocations: 3, max_number_of_allocations: 10 },
      },
      task_settings: {},
    });
  });

  it('lists, embeds and deletes through the client', async () => {
    const listed = await client.inference.get({ task_type: 'sparse_embedding', inference_id: 'my-elser-model' });
    expect(listed.endpoints.map((e) => e.inference_id)).toEqual(['my-elser-model']);

    const embedded = await client.inference.inference({
      task_type: 'sparse_embedding',
      inference_id: 'my-elser-model',
      input: 'The sky above the port was the color of television tuned to a dead channel.',
    });
    const [result] = (embedded as { sparse_embedding: { is_truncated: boolean; embedding: Record<string, number> }[] }).sparse_embedding;
    expect(result.is_truncated).toBe(false);
    expect(result.embedding).toHaveProperty('sky');
    expect(result.embedding).toHaveProperty('port');

    const deleted = await client.inference.delete({ task_type: 'sparse_embedding', inference_id: 'my-elser-model' });
    expect(deleted).toEqual({ acknowledged: true, pipelines: [] });
  });

  it('surfaces Elasticsearch errors to the client as ResponseErrors', async () => {
    await expect(client.inference.get({ inference_id: 'missing' })).rejects.toMatchObject({
      meta: {
        statusCode: 404,
        body: { error: { type: 'resource_not_found_exception', reason: 'Inference endpoint not found [missing]' } },
      },
    });
  });
});

describe('current clients against profile 9.1', () => {
  let server: CliServer;
  let client: Client9;

  beforeAll(async () => {
    server = await startCliServer(['--port', '0', '--in-memory', '--es-version', '9.1']);
    client = new Client9({ node: server.url });
  });
  afterAll(async () => {
    await client?.close();
    expect(await server.stop()).toBe(0);
  });

  it('creates through the 9.x client, exposing the deprecation warnings', async () => {
    const result = await client.inference.put(
      {
        task_type: 'sparse_embedding',
        inference_id: 'my-elser-model',
        inference_config: { service: 'elser', service_settings: { num_allocations: 1, num_threads: 1 } },
      },
      { meta: true },
    );
    expect(result.body).toMatchObject({ inference_id: 'my-elser-model', service: 'elasticsearch' });
    expect(result.warnings).toHaveLength(2);
  });

  it('embeds through the sparse_embedding API of the 9.x client', async () => {
    const response = await client.inference.sparseEmbedding({
      inference_id: 'my-elser-model',
      input: 'The sky above the port was the color of television tuned to a dead channel.',
    });
    expect(Object.keys(response.sparse_embedding[0].embedding)).toEqual(expect.arrayContaining(['sky', 'port']));
  });

  it('lists the default endpoint with the created one', async () => {
    const response = await client.inference.get();
    expect(response.endpoints.map((e) => e.inference_id)).toEqual(['.elser-2-elasticsearch', 'my-elser-model']);
  });
});
