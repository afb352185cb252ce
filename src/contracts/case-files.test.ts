import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { ContractFileError, createFileValidator, loadContractDirectory, loadContractFile } from './case-files';
import { CONTRACT_SCHEMA_FILE } from './package-paths';

const validate = createFileValidator(CONTRACT_SCHEMA_FILE);
let dir: string;

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'contract-files-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, text: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return file;
}

function problemsOf(load: () => unknown): string[] {
  try {
    load();
  } catch (error) {
    if (error instanceof ContractFileError) return error.problems;
    throw error;
  }
  throw new Error('the file loaded');
}

const GOOD = `area: sample
cases:
  - name: lists nothing
    request: { method: GET, path: /_inference }
    expect: { status: 200 }
  - name: creates one
    requires: { profiles: ['9.1'], versions: '>=9.1', mock: [slow-model-repository] }
    setup:
      - request: { method: DELETE, path: '/_inference/{{id}}' }
        expect: { status: 404 }
    request:
      method: PUT
      path: '/_inference/sparse_embedding/{{id}}'
      body: { service: elser, service_settings: { num_allocations: 1, num_threads: 1 } }
    expect:
      status: 408
      headers: { x-elastic-product: Elasticsearch, warning: { regex: '^299 ' } }
      error: { type: model_deployment_timeout_exception, reason: { regex: 'Timed out' } }
      match: { 'service_settings.model\\.id': { absent: true } }
    then:
      - request: { method: POST, path: /__contracts/release-download }
      - request: { method: GET, path: '/_inference/{{id}}' }
        retry: { attempts: 3, intervalMs: 10 }
    teardown:
      - { method: DELETE, path: '/_inference/{{id}}' }
`;

describe('contract files', () => {
  it('loads a valid file with its area, cases and lines', () => {
    const cases = loadContractFile(write('sample.yaml', GOOD), validate, 'sample.yaml');
    expect(cases.map((c) => [c.area, c.case.name, c.origin])).toEqual([
      ['sample', 'lists nothing', { file: 'sample.yaml', line: 3 }],
      ['sample', 'creates one', { file: 'sample.yaml', line: 6 }],
    ]);
    expect(cases[1].case.requires).toEqual({ profiles: ['9.1'], versions: '>=9.1', mock: ['slow-model-repository'] });
  });

  it('names the file, the line and the case of a schema violation', () => {
    const file = write(
      'broken.yaml',
      `area: broken
cases:
  - name: fine
    request: { method: GET, path: / }
    expect: {}
  - name: wrong method
    request:
      method: FETCH
      path: /_inference
    expect: { status: 200 }
`,
    );
    expect(problemsOf(() => loadContractFile(file, validate, 'contracts/broken.yaml'))).toEqual([
      'contracts/broken.yaml:8:15: case "wrong method" (cases[1]): request.method must be one of "GET", "PUT", "POST", "DELETE", "HEAD", "PATCH", "OPTIONS"',
    ]);
  });

  it('reports unknown and missing properties, and both body forms', () => {
    const file = write(
      'broken.yaml',
      `area: broken
cases:
  - name: typo
    request: { method: GET, path: /, bodyText: x, body: {} }
    expect: { stauts: 200 }
  - request: { method: GET, path: / }
    expect: {}
`,
    );
    const problems = problemsOf(() => loadContractFile(file, validate, 'broken.yaml'));
    expect(problems).toEqual(
      expect.arrayContaining([
        'broken.yaml:4:14: case "typo" (cases[0]): request must not give both body and bodyText',
        'broken.yaml:5:13: case "typo" (cases[0]): expect has the unknown property [stauts]',
        'broken.yaml:6:5: cases[1]: the value lacks the required property [name]',
      ]),
    );
  });

  it('explains a malformed matcher rather than the string alternative', () => {
    const file = write(
      'broken.yaml',
      `area: broken
cases:
  - name: bad header matcher
    request: { method: GET, path: / }
    expect:
      headers: { warning: { regx: '^299' } }
`,
    );
    expect(problemsOf(() => loadContractFile(file, validate, 'broken.yaml'))).toEqual([
      'broken.yaml:6:27: case "bad header matcher" (cases[0]): expect.headers.warning has the unknown property [regx]',
    ]);
  });

  it('reports a YAML syntax error with its position', () => {
    const file = write('broken.yaml', 'area: broken\ncases:\n  - name: x\n    name: y\n    request: { method: GET, path: / }\n');
    expect(problemsOf(() => loadContractFile(file, validate, 'broken.yaml'))).toEqual(['broken.yaml:4:5: Map keys must be unique']);
  });

  it('checks what the schema cannot: area, names, expressions, paths, ranges and control steps', () => {
    const file = write(
      'other.yaml',
      `area: broken
cases:
  - name: twice
    request: { method: GET, path: / }
    expect: { match: { 'a..b': { type: string } } }
  - name: twice
    requires: { versions: '>=nine' }
    request: { method: GET, path: / }
    expect: { error: { type: x, reason: { regex: '([' } } }
    then:
      - request: { method: POST, path: /__contracts/release-download }
      - request: { method: POST, path: /__contracts/unknown }
`,
    );
    expect(problemsOf(() => loadContractFile(file, validate, 'other.yaml'))).toEqual([
      'other.yaml:1:7: the area is [broken] but the file is named other.yaml; name it broken.yaml',
      'other.yaml:5:32: case "twice" (cases[0]): path [a..b] has an empty segment',
      'other.yaml:6:11: case "twice" (cases[1]): the name is already used by cases[0]; names are unique within an area',
      'other.yaml:7:27: case "twice" (cases[1]): invalid version [nine] in range [>=nine]',
      'other.yaml:9:41: case "twice" (cases[1]): invalid regular expression /([/: Invalid regular expression: /([/: Unterminated character class',
      'other.yaml:11:40: case "twice" (cases[1]): the control step release-download needs requires.mock to list [slow-model-repository]',
      'other.yaml:12:40: case "twice" (cases[1]): unknown control step [/__contracts/unknown]; the runner knows POST /__contracts/release-download',
    ]);
  });

  it('reserves the area of the generated cases', () => {
    const file = write(
      'openapi-examples.yaml',
      'area: openapi-examples\ncases:\n  - { name: x, request: { method: GET, path: / }, expect: {} }\n',
    );
    expect(problemsOf(() => loadContractFile(file, validate, 'openapi-examples.yaml'))).toEqual([
      'openapi-examples.yaml:1:7: the area [openapi-examples] is reserved for the cases generated from the OpenAPI document',
    ]);
  });

  it('reads every contract file of a directory and reports the problems of all of them', () => {
    write('sample.yaml', GOOD);
    write('README.md', '# not a contract file');
    write('empty.yaml', 'area: empty\ncases: []\n');
    write('json.json', JSON.stringify({ area: 'json', cases: [{ name: 'j', request: { method: 'GET', path: '/' }, expect: {} }] }));
    expect(problemsOf(() => loadContractDirectory(dir, validate, dir))).toEqual(['empty.yaml:2:8: cases must NOT have fewer than 1 items']);
    rmSync(path.join(dir, 'empty.yaml'));
    expect(loadContractDirectory(dir, validate, dir).map((c) => `${c.area}/${c.case.name}`)).toEqual([
      'json/j',
      'sample/lists nothing',
      'sample/creates one',
    ]);
  });
});
