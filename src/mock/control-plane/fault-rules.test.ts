import { FaultRules } from './fault-rules';
import { parseFaultSpec } from './fault-spec';

const spec = (body: unknown) => parseFaultSpec(Buffer.from(JSON.stringify(body)));

describe('FaultRules', () => {
  it('applies a fault to the next `times` matching requests, then forgets it', () => {
    const rules = new FaultRules();
    const rule = rules.add(spec({ method: 'POST', path: '/_inference/*', status: 503, times: 2 }));
    expect(rules.hasRequestFaults).toBe(true);
    expect(rules.take('GET', '/_inference/x')).toBeUndefined();
    expect(rules.take('POST', '/_ml/x')).toBeUndefined();
    expect(rules.take('POST', '/_inference/x')).toMatchObject({ id: rule.id, remaining: 1, applied: 1 });
    expect(rules.take('POST', '/_inference/sparse_embedding/x')).toMatchObject({ id: rule.id, remaining: 0, applied: 2 });
    expect(rules.take('POST', '/_inference/x')).toBeUndefined();
    expect(rules.list()).toEqual([]);
    expect(rules.hasRequestFaults).toBe(false);
  });

  it('gives a request the first matching fault; one without times stays', () => {
    const rules = new FaultRules();
    const first = rules.add(spec({ path: '/a*', delay: '10ms' }));
    rules.add(spec({ path: '*', status: 500 }));
    for (let i = 0; i < 3; i++) expect(rules.take('GET', '/abc')?.id).toBe(first.id);
    expect(rules.take('GET', '/b')?.status).toBe(500);
    expect(rules.list().map((rule) => rule.kind === 'request' && rule.applied)).toEqual([3, 1]);
  });

  it('removes by id and clears', () => {
    const rules = new FaultRules();
    const a = rules.add(spec({ drop: true }));
    rules.add(spec({ download: { stall: true } }));
    expect(rules.remove('fault-99')).toBe(false);
    expect(rules.remove(a.id)).toBe(true);
    expect(rules.hasRequestFaults).toBe(false);
    expect(rules.clear()).toBe(1);
    expect(rules.list()).toEqual([]);
  });

  it('limits downloads by the strictest download fault and announces every change', async () => {
    const rules = new FaultRules();
    expect(rules.limit()).toBeUndefined();
    const changed = rules.changed();
    rules.add(spec({ download: { bytes_per_second: 5000 } }));
    await changed;
    rules.add(spec({ download: { bytes_per_second: 100 } }));
    expect(rules.limit()).toEqual({ bytesPerSecond: 100 });
    const stall = rules.add(spec({ download: { stall: true } }));
    expect(rules.limit()).toEqual({ stall: true });
    const lifted = rules.changed();
    rules.remove(stall.id);
    await lifted;
    expect(rules.limit()).toEqual({ bytesPerSecond: 100 });
    expect(rules.hasRequestFaults).toBe(false);
  });
});
