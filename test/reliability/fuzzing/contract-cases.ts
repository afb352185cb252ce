import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import type { CaseRequest, HttpMethod } from '../../../src/contracts/case-model';
import type { EsVersion } from '../../../src/inference/profiles';
import { loadRoutes } from './openapi-routes';

export const CONTRACTS_DIR = path.resolve(__dirname, '..', '..', '..', 'contracts');

/** A request of contracts/schema/contract-file.schema.json. */
export type ContractRequest = CaseRequest;

export interface ContractCase {
  /** `create: missing service_settings`. */
  name: string;
  setup: ContractRequest[];
  request: ContractRequest;
  teardown: ContractRequest[];
}

interface CaseFileCase {
  name: string;
  skip?: string;
  requires?: { profiles?: EsVersion[]; versions?: string; mock?: string[] };
  setup?: { request: ContractRequest }[];
  request: ContractRequest;
  teardown?: ContractRequest[];
}

/** Fixtures an in-process server of the fuzz suites provides. */
const PROVIDED_FIXTURES = ['console-proxy', 'in-process'];

const VERSION_NUMBERS: Record<EsVersion, string> = { '8.15': '8.15.5', '9.1': '9.1.0' };

function compareVersions(a: string, b: string): number {
  const left = a.split('.').map(Number);
  const right = b.split('.').map(Number);
  for (let i = 0; i < Math.max(left.length, right.length); i++) {
    const difference = (left[i] ?? 0) - (right[i] ?? 0);
    if (difference !== 0) return difference;
  }
  return 0;
}

/** `>=8.16 <9.0`: every comparison must hold. */
function inRange(version: string, range: string): boolean {
  return range
    .split(/\s+/)
    .filter(Boolean)
    .every((term) => {
      const [, operator, bound] = /^(>=|<=|>|<|=)?(.+)$/.exec(term) as RegExpExecArray;
      const difference = compareVersions(version, bound);
      if (operator === '>=') return difference >= 0;
      if (operator === '<=') return difference <= 0;
      if (operator === '>') return difference > 0;
      if (operator === '<') return difference < 0;
      return difference === 0;
    });
}

function applies(c: CaseFileCase, esVersion: EsVersion): boolean {
  if (c.skip !== undefined) return false;
  if (c.requires?.profiles && !c.requires.profiles.includes(esVersion)) return false;
  if (c.requires?.versions && !inRange(VERSION_NUMBERS[esVersion], c.requires.versions)) return false;
  return (c.requires?.mock ?? []).every((fixture) => PROVIDED_FIXTURES.includes(fixture));
}

/** Replaces `{{id}}` in every string of a value. */
function withId<T>(value: T, id: string): T {
  if (typeof value === 'string') return value.replace(/\{\{id\}\}/g, id) as T;
  if (Array.isArray(value)) return value.map((item: unknown) => withId(item, id)) as T;
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [withId(key, id), withId(item, id)])) as T;
  }
  return value;
}

export interface LoadedCases {
  source: 'contracts' | 'openapi';
  cases: ContractCase[];
}

/**
 * The cases to mutate for a profile: the contract files when they exist, else the request
 * examples of the OpenAPI document. `idFor` names the endpoint `{{id}}` stands for in a case.
 */
export function loadCases(esVersion: EsVersion, idFor: (caseIndex: number) => string): LoadedCases {
  const files = existsSync(CONTRACTS_DIR)
    ? readdirSync(CONTRACTS_DIR)
        .filter((file) => file.endsWith('.yaml'))
        .sort()
    : [];
  if (files.length === 0) return { source: 'openapi', cases: openApiCases(esVersion, idFor) };
  const cases: ContractCase[] = [];
  for (const file of files) {
    const document = parse(readFileSync(path.join(CONTRACTS_DIR, file), 'utf8')) as { area: string; cases: CaseFileCase[] };
    for (const c of document.cases) {
      if (!applies(c, esVersion)) continue;
      const id = idFor(cases.length);
      cases.push({
        name: `${document.area}: ${c.name}`,
        setup: (c.setup ?? []).map((step) => withId(step.request, id)),
        request: withId(c.request, id),
        teardown: (c.teardown ?? []).map((request) => withId(request, id)),
      });
    }
  }
  return { source: 'contracts', cases };
}

/** The request examples of the OpenAPI document, each on its own endpoint id. */
function openApiCases(esVersion: EsVersion, idFor: (caseIndex: number) => string): ContractCase[] {
  const cases: ContractCase[] = [];
  for (const route of loadRoutes()) {
    for (const example of route.examples) {
      if (example.profile && example.profile !== 'both' && example.profile !== esVersion) continue;
      const id = idFor(cases.length);
      const requestPath = (example.requestPath ?? route.path)
        .replace('my-elser-model', id)
        .replace('{inference_id}', id)
        .replace('{task_type}', 'sparse_embedding');
      const needsEndpoint = example.method !== 'PUT' || requestPath.endsWith('/_update');
      cases.push({
        name: `openapi: ${example.method} ${route.path} ${example.name}`,
        setup: needsEndpoint
          ? [
              {
                method: 'PUT',
                path: `/_inference/sparse_embedding/${id}`,
                body: { service: 'elser', service_settings: { num_allocations: 1, num_threads: 1 } },
              },
            ]
          : [],
        request: { method: example.method as HttpMethod, path: requestPath, body: example.value },
        teardown: [{ method: 'DELETE', path: `/_inference/${id}` }],
      });
    }
  }
  return cases;
}
