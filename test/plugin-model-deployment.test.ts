import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import request from 'supertest';
import { writePluginConventionModels } from '../src/model/builder/plugin-conventions';
import { writeModelPackage } from '../src/model/repository/model-package';
import { TemporaryDirectories } from '../src/model/repository/repository-fixtures';
import { loadBertUncasedVocabulary } from '../src/model/vocabulary';
import type { RunningServer } from '../src/server';
import { startTestServer } from './support/server';

/**
 * A repository whose packages were not written by the model builder: the
 * deployment inspects each graph, feeds it by the names it declares, and
 * appends pooling to one that stops at logits. Both packages hold the same
 * weights, so both answer the same embeddings, except that only the pooled
 * export zeroes the special tokens (see prepareSparseModel).
 */
describe('deploying a plug-in model', () => {
  const directories = new TemporaryDirectories();
  let server: RunningServer;

  beforeAll(async () => {
    const repository = directories.make('plugin-repository-');
    const models = await writePluginConventionModels(directories.make('plugin-models-'), {
      conventions: ['pooled', 'logits-bert-names'],
    });
    const vocabulary = loadBertUncasedVocabulary();
    for (const [modelId, model] of [
      ['elser_model_2', models[0]],
      ['elser_model_2_linux-x86_64', models[1]],
    ] as const) {
      const bytes = new Uint8Array(await fs.readFile(model.path));
      await writeModelPackage(repository, { modelId, model: bytes, vocabulary, description: `plug-in ${model.convention.name} export` });
    }
    expect(await fs.readdir(repository)).toContain('elser_model_2_linux-x86_64.onnx');
    server = await startTestServer('9.1', { modelRepository: path.resolve(repository) });
  });

  afterAll(async () => {
    await server?.close();
    directories.removeAll();
  });

  async function embed(modelId: string): Promise<Record<string, number>> {
    const id = `plugin${modelId.replace(/[^a-z0-9]/g, '-')}`;
    await request(server.url)
      .put(`/_inference/sparse_embedding/${id}`)
      .send({ service: 'elasticsearch', service_settings: { num_allocations: 1, num_threads: 1, model_id: modelId } })
      .expect(200);
    const response = await request(server.url)
      .post(`/_inference/sparse_embedding/${id}`)
      .send({ input: 'harbour shipping containers at the dock' })
      .expect(200);
    return response.body.sparse_embedding[0].embedding as Record<string, number>;
  }

  test('a pooled export and a logits export with original BERT input names answer the same embeddings', async () => {
    const pooled = await embed('.elser_model_2');
    const adapted = await embed('.elser_model_2_linux-x86_64');
    const special = (token: string) => /^\[[A-Za-z0-9]+\]$/.test(token);
    expect(Object.keys(pooled).length).toBeGreaterThan(3);
    expect(Object.keys(pooled).filter(special)).toEqual([]);
    expect(Object.keys(adapted).some(special)).toBe(true);
    expect(
      Object.keys(adapted)
        .filter((token) => !special(token))
        .sort(),
    ).toEqual(Object.keys(pooled).sort());
    for (const [token, weight] of Object.entries(pooled)) expect(adapted[token]).toBeCloseTo(weight, 5);
  });
});
