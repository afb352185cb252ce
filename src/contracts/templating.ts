import { createHash, randomBytes } from 'node:crypto';
import type { CaseRequest, Expect, Matcher } from './case-model';

/**
 * `{{id}}`: an inference id unique to a case and a run. Cases write it wherever an endpoint id
 * goes (paths, query values, headers, bodies, body texts, expectations), so that runs against a
 * shared cluster never collide and the runner can find what a run left behind by its prefix.
 */

const ID_TOKEN = /\{\{\s*id\s*\}\}/g;
/** Elasticsearch caps ML ids at 64 characters; leave room for suffixes such as `{{id}}-2`. */
const MAX_ID_LENGTH = 56;

export function newRunId(): string {
  return randomBytes(3).toString('hex').slice(0, 5);
}

/** Every id of a run starts with this. */
export function runPrefix(runId: string): string {
  return `ct-${runId}-`;
}

function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

function hashOf(area: string, caseName: string): string {
  return createHash('sha256').update(`${area}\0${caseName}`).digest('hex').slice(0, 6);
}

/** `ct-<run>-<area>-<case>`, lower case; shortened, with a hash of the full name, when too long. */
export function caseId(runId: string, area: string, caseName: string, hashed = false): string {
  const full = `${runPrefix(runId)}${slug(`${area}-${caseName}`)}`;
  if (full.length <= MAX_ID_LENGTH && !hashed) return full;
  const hash = hashOf(area, caseName);
  const head = full.slice(0, MAX_ID_LENGTH - hash.length - 1).replace(/-+$/, '');
  return `${head}-${hash}`;
}

/** The ids of one run: the same case always gets the same id, two cases never share one. */
export class CaseIds {
  private readonly byCase = new Map<string, string>();
  private readonly taken = new Set<string>();

  constructor(readonly runId: string = newRunId()) {}

  get prefix(): string {
    return runPrefix(this.runId);
  }

  for(area: string, caseName: string): string {
    const key = `${area}\0${caseName}`;
    let id = this.byCase.get(key);
    if (id === undefined) {
      id = caseId(this.runId, area, caseName);
      // Names that differ only in punctuation slug alike.
      if (this.taken.has(id)) id = caseId(this.runId, area, caseName, true);
      this.byCase.set(key, id);
      this.taken.add(id);
    }
    return id;
  }
}

export function hasIdToken(text: string): boolean {
  return new RegExp(ID_TOKEN.source).test(text);
}

export function templateString(text: string, id: string): string {
  return text.replace(ID_TOKEN, id);
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Inside a regular expression the id stands for itself. */
export function templateRegex(source: string, id: string): string {
  return source.replace(ID_TOKEN, escapeRegex(id));
}

/** Replaces the token in every string of a JSON value, keys included. */
export function templateValue<T>(value: T, id: string): T {
  if (typeof value === 'string') return templateString(value, id) as T;
  if (Array.isArray(value)) return value.map((item) => templateValue(item, id)) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [templateString(key, id), templateValue(item, id)])) as T;
  }
  return value;
}

export function templateRequest(request: CaseRequest, id: string): CaseRequest {
  const out: CaseRequest = { method: request.method, path: templateString(request.path, id) };
  if (request.query) {
    out.query = Object.fromEntries(
      Object.entries(request.query).map(([key, value]) => [key, typeof value === 'string' ? templateString(value, id) : value]),
    );
  }
  if (request.headers) out.headers = templateValue(request.headers, id);
  if ('body' in request) out.body = templateValue(request.body, id);
  if (request.bodyText !== undefined) out.bodyText = templateString(request.bodyText, id);
  return out;
}

export function templateMatcher(matcher: Matcher, id: string): Matcher {
  const out: Matcher = { ...matcher };
  if ('equals' in matcher) out.equals = templateValue(matcher.equals, id);
  if (matcher.regex !== undefined) out.regex = templateRegex(matcher.regex, id);
  if (matcher.containsKeys) out.containsKeys = matcher.containsKeys.map((key) => templateString(key, id));
  if (matcher.lacksKeys) out.lacksKeys = matcher.lacksKeys.map((key) => templateString(key, id));
  if (matcher.every) out.every = templateMatcher(matcher.every, id);
  return out;
}

const templateStringOrMatcher = (value: string | Matcher, id: string) =>
  typeof value === 'string' ? templateString(value, id) : templateMatcher(value, id);

export function templateExpect(expect: Expect, id: string): Expect {
  const out: Expect = { ...expect };
  if (expect.headers) {
    out.headers = Object.fromEntries(Object.entries(expect.headers).map(([name, value]) => [name, templateStringOrMatcher(value, id)]));
  }
  if ('body' in expect) out.body = templateValue(expect.body, id);
  if (expect.bodyText !== undefined) out.bodyText = templateString(expect.bodyText, id);
  if (expect.error) out.error = { type: templateString(expect.error.type, id), reason: templateStringOrMatcher(expect.error.reason, id) };
  if (expect.match) {
    out.match = Object.fromEntries(
      Object.entries(expect.match).map(([path, matcher]) => [templateString(path, id), templateMatcher(matcher, id)]),
    );
  }
  return out;
}
