import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import request from 'supertest';
import type { RunningServer } from '../src/server';
import { startTestServer } from './support/server';

/**
 * Fresh embeddings of fixed inputs, compared with the committed golden vectors:
 * any change to the tokenizer, the model builder, the runtime or the
 * post-processing that moves a weight by more than 1e-4 fails here.
 * `UPDATE_GOLDEN=1 npx jest test/golden-embeddings.test.ts` rewrites the file.
 */
const GOLDEN_FILE = path.resolve(__dirname, '..', 'fixtures', 'golden-embeddings.json');
const TOLERANCE = 1e-4;

const LONG_TEXT = Array.from(
  { length: 700 },
  (_, i) => ['search', 'engine', 'sparse', 'vector', 'relevance', 'ranking', 'index'][i % 7],
).join(' ');

export const GOLDEN_INPUTS: readonly string[] = [
  'The sky above the port was the color of television tuned to a dead channel.',
  'What is the capital of France?',
  'Elasticsearch is a distributed, RESTful search and analytics engine.',
  'How do I reset my password?',
  'Sparse retrieval expands queries with related terms.',
  'The quick brown fox jumps over the lazy dog.',
  'Running runners ran a long-distance run.',
  'café naïve résumé Ångström',
  '東京は日本の首都です。',
  'Version 2.1.0 was released on 2024-03-15 (see docs.example.com).',
  'e-mail: someone@example.org, phone +1 (555) 010-9999',
  '🙂 emoji and ZWJ 👩‍💻 sequences',
  'UPPER CASE AND MiXeD cAsE',
  'supercalifragilisticexpialidocious antidisestablishmentarianism',
  'a',
  '...',
  'Colors, colours and coloured pencils.',
  'Ports and harbours: shipping containers at the dock.',
  'television tv broadcast channel station',
  LONG_TEXT,
];

interface GoldenEntry {
  model: string;
  input: string;
  is_truncated: boolean;
  embedding: [string, number][];
}

const MODELS = ['.elser_model_2', '.elser_model_2_linux-x86_64'];

async function embed(server: RunningServer, model: string): Promise<GoldenEntry[]> {
  const id = `golden${model.replace(/[^a-z0-9]/g, '-')}`;
  await request(server.url)
    .put(`/_inference/sparse_embedding/${id}`)
    .send({ service: 'elasticsearch', service_settings: { num_allocations: 1, num_threads: 1, model_id: model } })
    .expect(200);
  const response = await request(server.url).post(`/_inference/sparse_embedding/${id}`).send({ input: GOLDEN_INPUTS }).expect(200);
  const results = response.body.sparse_embedding as { is_truncated: boolean; embedding: Record<string, number> }[];
  return results.map((result, i) => ({
    model,
    input: GOLDEN_INPUTS[i],
    is_truncated: result.is_truncated,
    embedding: Object.entries(result.embedding),
  }));
}

describe('golden embeddings', () => {
  let server: RunningServer;
  let fresh: GoldenEntry[];
  beforeAll(async () => {
    server = await startTestServer('9.1');
    fresh = [];
    for (const model of MODELS) fresh.push(...(await embed(server, model)));
    if (process.env.UPDATE_GOLDEN === '1' || !existsSync(GOLDEN_FILE)) {
      writeFileSync(GOLDEN_FILE, `[\n${fresh.map((entry) => JSON.stringify(entry)).join(',\n')}\n]\n`);
    }
  });
  afterAll(() => server.close());

  it('covers every input with every built-in model', () => {
    const golden = JSON.parse(readFileSync(GOLDEN_FILE, 'utf8')) as GoldenEntry[];
    expect(golden.map((g) => [g.model, g.input])).toEqual(fresh.map((f) => [f.model, f.input]));
  });

  it.each(MODELS.flatMap((model) => GOLDEN_INPUTS.map((input, i) => [model, i, input.slice(0, 40)] as const)))(
    '%s input %i (%s) matches within 1e-4',
    (model, index) => {
      const golden = (JSON.parse(readFileSync(GOLDEN_FILE, 'utf8')) as GoldenEntry[]).filter((g) => g.model === model)[index];
      const current = fresh.filter((f) => f.model === model)[index];
      expect(current.is_truncated).toBe(golden.is_truncated);
      // A token absent on one side counts as weight 0, so only weights within the tolerance of 0 may appear or vanish.
      const expected = new Map(golden.embedding);
      const actual = new Map(current.embedding);
      const differences = [...new Set([...expected.keys(), ...actual.keys()])]
        .map((token) => ({ token, difference: Math.abs((actual.get(token) ?? 0) - (expected.get(token) ?? 0)) }))
        .filter(({ difference }) => difference > TOLERANCE);
      expect(differences).toEqual([]);
    },
  );

  it.each(MODELS)('gives %s the same embeddings one input at a time as in batches of ten', async (model) => {
    const id = `golden${model.replace(/[^a-z0-9]/g, '-')}`;
    const single: GoldenEntry[] = [];
    for (const input of GOLDEN_INPUTS) {
      const response = await request(server.url).post(`/_inference/sparse_embedding/${id}`).send({ input }).expect(200);
      const [result] = response.body.sparse_embedding as { is_truncated: boolean; embedding: Record<string, number> }[];
      single.push({ model, input, is_truncated: result.is_truncated, embedding: Object.entries(result.embedding) });
    }
    expect(single).toEqual(fresh.filter((f) => f.model === model));
  });

  it('marks only the 700-word input as truncated', () => {
    expect(fresh.filter((f) => f.is_truncated).map((f) => f.input)).toEqual([LONG_TEXT, LONG_TEXT]);
  });

  it('contains the words of the documented example sentence', () => {
    const sky = fresh.find((f) => f.input.startsWith('The sky above'));
    expect(sky?.embedding.map(([token]) => token)).toEqual(
      expect.arrayContaining(['sky', 'port', 'color', 'television', 'dead', 'channel']),
    );
  });
});
