import { CaseIds, caseId, runPrefix, templateExpect, templateRequest, templateValue } from './templating';

describe('case ids', () => {
  it('are lower case, start with the run prefix and name the area and case', () => {
    expect(caseId('3f9a2', 'create', 'Basic ELSER endpoint (8.15)')).toBe('ct-3f9a2-create-basic-elser-endpoint-8-15');
    expect(runPrefix('3f9a2')).toBe('ct-3f9a2-');
  });

  it('stay short enough for suffixes, with a hash telling long names apart', () => {
    const long = 'PUT /_inference/{task_type}/{inference_id} 400 threadsNotPowerOfTwo';
    const id = caseId('3f9a2', 'openapi-examples', long);
    expect(id.length).toBeLessThanOrEqual(56);
    expect(id).toMatch(/^ct-3f9a2-openapi-examples-put-inference-[a-z0-9-]*-[0-9a-f]{6}$/);
    expect(caseId('3f9a2', 'openapi-examples', `${long} again`)).not.toBe(id);
    expect(id).toMatch(/^[a-z0-9](?:[a-z0-9_\-.]*[a-z0-9])?$/);
  });

  it('never give two cases of a run the same id, and always the same id to one case', () => {
    const ids = new CaseIds('abcde');
    const first = ids.for('create', 'a b');
    const second = ids.for('create', 'a-b');
    expect(first).toBe('ct-abcde-create-a-b');
    expect(second).not.toBe(first);
    expect(second.startsWith('ct-abcde-create-a-b-')).toBe(true);
    expect(ids.for('create', 'a b')).toBe(first);
    expect(ids.prefix).toBe('ct-abcde-');
  });

  it('differ between runs', () => {
    expect(new CaseIds().runId).toMatch(/^[0-9a-f]{5}$/);
    expect(new CaseIds().runId).not.toBe(new CaseIds().runId);
  });
});

describe('templating', () => {
  const id = 'ct-abcde-create-basic';

  it('replaces {{id}} in the path, query, headers, body and body text', () => {
    expect(
      templateRequest(
        {
          method: 'POST',
          path: '/api/console/proxy',
          query: { path: '/_inference/{{ id }}', method: 'PUT', pretty: true },
          headers: { 'x-opaque-id': '{{id}}' },
          body: { input: ['{{id}}', 3], nested: { '{{id}}': '{{id}}-2' } },
        },
        id,
      ),
    ).toEqual({
      method: 'POST',
      path: '/api/console/proxy',
      query: { path: `/_inference/${id}`, method: 'PUT', pretty: true },
      headers: { 'x-opaque-id': id },
      body: { input: [id, 3], nested: { [id]: `${id}-2` } },
    });
    expect(templateRequest({ method: 'PUT', path: '/_inference/sparse_embedding/{{id}}', bodyText: '{"a":"{{id}}"}' }, id)).toEqual({
      method: 'PUT',
      path: `/_inference/sparse_embedding/${id}`,
      bodyText: `{"a":"${id}"}`,
    });
  });

  it('replaces {{id}} in expectations, escaping it inside regular expressions', () => {
    const dotted = 'ct-abcde-a.b';
    expect(
      templateExpect(
        {
          status: 404,
          headers: { warning: { regex: '\\[{{id}}\\]' }, 'x-id': '{{id}}' },
          body: { id: '{{id}}' },
          error: { type: 'resource_not_found_exception', reason: 'Inference endpoint not found [{{id}}]' },
          match: { 'endpoints.0.inference_id': { equals: '{{id}}', every: { regex: '^{{id}}$' } } },
        },
        dotted,
      ),
    ).toEqual({
      status: 404,
      headers: { warning: { regex: '\\[ct-abcde-a\\.b\\]' }, 'x-id': dotted },
      body: { id: dotted },
      error: { type: 'resource_not_found_exception', reason: `Inference endpoint not found [${dotted}]` },
      match: { 'endpoints.0.inference_id': { equals: dotted, every: { regex: '^ct-abcde-a\\.b$' } } },
    });
  });

  it('leaves other values and placeholders alone', () => {
    expect(templateValue({ a: 1, b: null, c: true, d: '{{other}}' }, id)).toEqual({ a: 1, b: null, c: true, d: '{{other}}' });
  });
});
