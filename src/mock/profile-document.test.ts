import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { OPENAPI_FILE } from '../contracts/package-paths';
import { documentForProfile } from './profile-document';

const source = parse(readFileSync(OPENAPI_FILE, 'utf8'));

/** Every `$ref` in a document, and every `x-profile` value. */
function scan(value: unknown, refs: string[] = [], profiles: string[] = []): { refs: string[]; profiles: string[] } {
  if (Array.isArray(value)) value.forEach((item) => scan(item, refs, profiles));
  else if (typeof value === 'object' && value !== null) {
    for (const [key, child] of Object.entries(value)) {
      if (key === '$ref' && typeof child === 'string') refs.push(child);
      else if (key === 'x-profile') profiles.push(String(child));
      else scan(child, refs, profiles);
    }
  }
  return { refs, profiles };
}

const resolves = (document: Record<string, unknown>, ref: string) =>
  ref
    .slice(2)
    .split('/')
    .reduce<unknown>(
      (node, key) => (node as Record<string, unknown> | undefined)?.[key.replace(/~1/g, '/').replace(/~0/g, '~')],
      document,
    ) !== undefined;

describe('the OpenAPI document served for one profile', () => {
  it('drops the 9.1-only update API, PUT timeout and examples from the 8.15 document', () => {
    const document = documentForProfile(source, '8.15');
    const paths = Object.keys(document.paths as object);
    expect(paths).not.toContain('/_inference/{inference_id}/_update');
    expect(paths).not.toContain('/_inference/{task_type}/{inference_id}/_update');
    expect(paths).toContain('/_inference/{task_type}/{inference_id}');
    expect(Object.keys((document.components as { parameters: object }).parameters)).not.toContain('PutTimeout');
    expect(JSON.stringify(document.paths)).not.toContain('#/components/parameters/PutTimeout');
    expect(new Set(scan(document).profiles)).toEqual(new Set(['8.15', 'both']));
  });

  it('keeps everything of 9.1 and drops the 8.15-only examples', () => {
    const document = documentForProfile(source, '9.1');
    expect(Object.keys(document.paths as object)).toContain('/_inference/{inference_id}/_update');
    expect(new Set(scan(document).profiles)).toEqual(new Set(['9.1', 'both']));
    expect(scan(document).profiles.length).toBeLessThan(scan(source).profiles.length);
  });

  it.each(['8.15', '9.1'] as const)('leaves no reference dangling in the %s document', (profile) => {
    const document = documentForProfile(source, profile);
    const dangling = scan(document).refs.filter((ref) => !resolves(document, ref));
    expect(dangling).toEqual([]);
  });
});
