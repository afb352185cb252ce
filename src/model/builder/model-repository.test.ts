import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { loadBertUncasedVocabulary } from '../vocabulary';
import { BENCH_MODELS_DIR, BERT_BASE_PRESET, BUILTIN_MODEL_IDS, buildBuiltinRepository } from './builtin-repository';
import { CliArguments, parseArguments, requestedPrecisions } from './cli';
import { ModelPackageMetadata, checkModelPackage, packageFileNames, writeFileAtomic, writeModelPackage } from '../repository/model-package';

const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');
const readJson = <T>(file: string): T => JSON.parse(readFileSync(file, 'utf8')) as T;

describe('built-in model repository', () => {
  const directories: string[] = [];
  const temporaryDirectory = () => {
    const directory = mkdtempSync(path.join(tmpdir(), 'elser-repository-'));
    directories.push(directory);
    return directory;
  };
  let first: string;
  let firstWritten: string[];
  const progress: [number, number, string?][] = [];

  beforeAll(async () => {
    first = temporaryDirectory();
    const onProgress = (done: number, total: number, modelId?: string) => progress.push(modelId ? [done, total, modelId] : [done, total]);
    firstWritten = (await buildBuiltinRepository(first, { log: () => undefined, onProgress })).written;
  });

  afterAll(() => {
    for (const directory of directories) rmSync(directory, { recursive: true, force: true });
  });

  it('writes metadata, ONNX model and vocabulary for both ELSER v2 variants', () => {
    const expected = BUILTIN_MODEL_IDS.flatMap((id) => [`${id}.onnx`, `${id}.vocab.json`, `${id}.metadata.json`]);
    expect(firstWritten.map((file) => path.basename(file))).toEqual(expected);
    expect(readdirSync(first).sort()).toEqual([...expected].sort());
  });

  it('reports progress before each package it writes, and once all are written', () => {
    expect(progress).toEqual([
      [0, 2, BUILTIN_MODEL_IDS[0]],
      [1, 2, BUILTIN_MODEL_IDS[1]],
      [2, 2],
    ]);
  });

  it('is byte-for-byte reproducible', async () => {
    const second = temporaryDirectory();
    const result = await buildBuiltinRepository(second, { log: () => undefined });
    expect(result.modelIds).toEqual([...BUILTIN_MODEL_IDS]);
    for (const name of readdirSync(first)) expect(sha256(path.join(second, name))).toBe(sha256(path.join(first, name)));
  });

  it('records size, sha256 and the ELSER text_expansion settings in the metadata', () => {
    const vocabulary = loadBertUncasedVocabulary();
    for (const id of BUILTIN_MODEL_IDS) {
      const names = packageFileNames(id);
      const metadata = readJson<ModelPackageMetadata>(path.join(first, names.metadata));
      const model = readFileSync(path.join(first, names.model));
      expect(metadata).toMatchObject({
        packaged_model_id: id,
        model_type: 'pytorch',
        tags: ['elastic'],
        minimum_version: '11.0.0',
        size: model.byteLength,
        sha256: createHash('sha256').update(model).digest('hex'),
        vocabulary_file: `${id}.vocab.json`,
        inference_config: {
          text_expansion: {
            tokenization: {
              bert: { do_lower_case: true, with_special_tokens: true, max_sequence_length: 512, truncate: 'first', span: -1 },
            },
          },
        },
        metadata: { model_file: `${id}.onnx`, model_format: 'onnx', vocabulary_sha256: sha256(path.join(first, names.vocabulary)) },
      });
      expect(metadata.sha256).toMatch(/^[0-9a-f]{64}$/);
      expect(metadata.description).toMatch(/^Elastic Learned Sparse EncodeR v2/);
      expect(metadata.create_time).toBeUndefined();
      expect(readJson<{ vocabulary: string[] }>(path.join(first, names.vocabulary))).toEqual({ vocabulary: [...vocabulary] });
    }
    const optimized = readJson<ModelPackageMetadata>(path.join(first, 'elser_model_2_linux-x86_64.metadata.json'));
    const portable = readJson<ModelPackageMetadata>(path.join(first, 'elser_model_2.metadata.json'));
    expect(optimized.platform_architecture).toBe('linux-x86_64');
    expect(portable).not.toHaveProperty('platform_architecture');
    // int8 linear layers plus a second, row-major int8 copy of the token embedding for lookups.
    expect(optimized.size).toBeLessThan(portable.size / 2);
    expect(portable.size).toBeLessThan(50 * 1024 * 1024);
  });

  it('skips models whose files match their metadata and rebuilds the ones that do not', async () => {
    const lines: string[] = [];
    const unchangedProgress: number[] = [];
    const unchanged = await buildBuiltinRepository(first, {
      log: (line) => lines.push(line),
      onProgress: (done) => unchangedProgress.push(done),
    });
    expect(unchangedProgress).toEqual([]);
    expect(unchanged.written).toEqual([]);
    expect(unchanged.upToDate).toEqual([...BUILTIN_MODEL_IDS]);
    expect(lines).toEqual([]);

    const damaged = path.join(first, 'elser_model_2_linux-x86_64.onnx');
    const expected = sha256(damaged);
    writeFileSync(damaged, 'truncated');
    expect(await checkModelPackage(first, 'elser_model_2_linux-x86_64')).toMatchObject({ ok: false });
    const repaired = await buildBuiltinRepository(first, { log: (line) => lines.push(line) });
    expect(repaired.upToDate).toEqual(['elser_model_2']);
    expect(lines).toEqual(repaired.written.map((file) => `wrote ${file}`));
    expect(repaired.written.map((file) => path.basename(file))).toEqual([
      'elser_model_2_linux-x86_64.onnx',
      'elser_model_2_linux-x86_64.vocab.json',
      'elser_model_2_linux-x86_64.metadata.json',
    ]);
    expect(sha256(damaged)).toBe(expected);
    expect(readdirSync(first).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });

  it('rebuilds when the metadata was written by a different builder', async () => {
    const metadataFile = path.join(first, 'elser_model_2.metadata.json');
    const metadata = readJson<ModelPackageMetadata>(metadataFile);
    writeFileSync(metadataFile, JSON.stringify({ ...metadata, metadata: { ...metadata.metadata, builder: { producer_version: '0' } } }));
    const result = await buildBuiltinRepository(first, { log: () => undefined });
    expect(result.upToDate).toEqual(['elser_model_2_linux-x86_64']);
    expect(await checkModelPackage(first, 'elser_model_2')).toMatchObject({ ok: true });
  });
});

describe('model repository files', () => {
  let directory: string;
  beforeEach(() => {
    directory = mkdtempSync(path.join(tmpdir(), 'elser-package-'));
  });
  afterEach(() => rmSync(directory, { recursive: true, force: true }));

  it('writes a package for any id and checks it', async () => {
    const model = Buffer.from('not really onnx');
    const written = await writeModelPackage(directory, {
      modelId: 'tiny_model',
      model,
      vocabulary: ['[PAD]', '[UNK]', 'a'],
      description: 'tiny',
      createTime: 1700000000000,
      metadata: { note: 'x' },
    });
    expect(written.metadata).toMatchObject({ packaged_model_id: 'tiny_model', size: model.byteLength, create_time: 1700000000000 });
    expect(written.metadata.metadata).toMatchObject({ note: 'x', model_file: 'tiny_model.onnx' });
    expect(await checkModelPackage(directory, 'tiny_model')).toMatchObject({ ok: true });
    expect(await checkModelPackage(directory, 'other_model')).toMatchObject({ ok: false });
    expect(() => packageFileNames('../escape')).toThrow(/invalid packaged model id/);
  });

  it('replaces files atomically without leaving temporary files', async () => {
    const target = path.join(directory, 'file.json');
    await writeFileAtomic(target, 'one');
    await writeFileAtomic(target, 'two');
    expect(readFileSync(target, 'utf8')).toBe('two');
    expect(readdirSync(directory)).toEqual(['file.json']);
    await expect(writeFileAtomic(path.join(directory, 'missing', 'file.json'), 'x')).rejects.toThrow();
    expect(readdirSync(directory)).toEqual(['file.json']);
  });
});

describe('model builder command line', () => {
  it('parses --out, --preset and --force', () => {
    expect(parseArguments(['--out', 'models'])).toEqual({ out: path.resolve('models'), preset: 'builtin', force: false });
    expect(parseArguments(['--out=models', '--preset=builtin', '--force'])).toEqual({
      out: path.resolve('models'),
      preset: 'builtin',
      force: true,
    });
    expect(parseArguments(['--help'])).toBe('help');
  });

  it('rejects missing or unknown arguments', () => {
    expect(() => parseArguments([])).toThrow(/--out DIR is required/);
    expect(() => parseArguments(['--out'])).toThrow(/--out needs a value/);
    expect(() => parseArguments(['--out', 'x', '--preset', 'huge'])).toThrow(/unknown preset: huge/);
    expect(() => parseArguments(['--out', 'x', '--verbose'])).toThrow(/unknown argument: --verbose/);
    expect(() => parseArguments(['--preset', 'bert-base', '--quantize', 'int4'])).toThrow(/unknown quantization: int4/);
    expect(() => parseArguments(['--out', 'x', '--quantize', 'int8'])).toThrow(/does not apply to the builtin preset/);
  });

  it('builds the bert-base preset into the benchmark cache unless told otherwise, fp32 plus int8 on request', () => {
    const fp32 = parseArguments(['--preset', 'bert-base']);
    expect(fp32).toEqual({ out: path.join(BENCH_MODELS_DIR, 'bert-base'), preset: 'bert-base', force: false });
    expect(requestedPrecisions(fp32 as CliArguments)).toEqual(['fp32']);
    const both = parseArguments(['--preset=bert-base', '--quantize', 'int8', '--out', 'bench-models']);
    expect(both).toEqual({ out: path.resolve('bench-models'), preset: 'bert-base', force: false, quantize: 'int8' });
    expect(requestedPrecisions(both as CliArguments)).toEqual(['fp32', 'int8']);
    expect(requestedPrecisions(parseArguments(['--out', 'x']) as CliArguments)).toBeUndefined();
    expect(BENCH_MODELS_DIR).toBe(path.resolve(__dirname, '../../../.cache/bench-models'));
  });
});

describe('bert-base preset', () => {
  it("has BERT-base's shape and ELSER's vocabulary, and its packages carry ELSER's ids", () => {
    expect(BERT_BASE_PRESET.config).toMatchObject({
      vocabSize: 30522,
      hidden: 768,
      layers: 12,
      heads: 12,
      intermediate: 3072,
      maxPositions: 512,
    });
    expect(BERT_BASE_PRESET.variants.map((variant) => [variant.modelId, variant.precision])).toEqual([
      ['elser_model_2', 'fp32'],
      ['elser_model_2_linux-x86_64', 'int8'],
    ]);
  });
});
