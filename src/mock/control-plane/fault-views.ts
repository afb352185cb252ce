import type { FaultRule } from './fault-rules';
import { forcedError } from './forced-errors';

/** A fault as `GET /__mock/faults` lists it: the body it was added with, the defaults filled in, and its counts. */
export function faultView(rule: FaultRule): Record<string, unknown> {
  if (rule.kind === 'download') {
    return { id: rule.id, download: rule.limit.stall ? { stall: true } : { bytes_per_second: rule.limit.bytesPerSecond } };
  }
  const view: Record<string, unknown> = { id: rule.id, method: rule.method ?? null, path: rule.path };
  if (rule.delay !== undefined) view.delay = rule.delay.toString();
  if (rule.status !== undefined) {
    const error = forcedError(rule.status, rule.id, rule.error);
    view.status = rule.status;
    view.error = { type: error.type, reason: error.reason };
  }
  if (rule.drop) view.drop = true;
  view.times = rule.times ?? null;
  view.remaining = rule.remaining ?? null;
  view.applied = rule.applied;
  return view;
}
