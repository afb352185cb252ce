import { simpleMatch } from '../../java/simple-match';
import type { DownloadLimit, DownloadThrottle } from '../../model/repository';
import type { DownloadFaultSpec, FaultSpec, RequestFaultSpec } from './fault-spec';

export interface RequestFaultRule extends RequestFaultSpec {
  id: string;
  /** Matching requests it still applies to; undefined until removed. */
  remaining?: number;
  /** Requests it has been applied to. */
  applied: number;
}

export interface DownloadFaultRule extends DownloadFaultSpec {
  id: string;
}

export type FaultRule = RequestFaultRule | DownloadFaultRule;

/**
 * The faults in force, in the order they were added. A request gets the first request
 * fault that matches it, which counts one application; one that has none left goes away.
 * Downloads get the strictest download fault: a stall, else the lowest rate.
 */
export class FaultRules implements DownloadThrottle {
  private readonly rules: FaultRule[] = [];
  private nextId = 1;
  private requestRules = 0;
  private change = nextChange();

  add(spec: FaultSpec): FaultRule {
    const id = `fault-${this.nextId++}`;
    const rule: FaultRule = spec.kind === 'request' ? { ...spec, id, remaining: spec.times, applied: 0 } : { ...spec, id };
    this.rules.push(rule);
    this.announce();
    return rule;
  }

  list(): FaultRule[] {
    return this.rules.map((rule) => ({ ...rule }));
  }

  remove(id: string): boolean {
    const index = this.rules.findIndex((rule) => rule.id === id);
    if (index < 0) return false;
    this.rules.splice(index, 1);
    this.announce();
    return true;
  }

  /** Removes every fault; answers how many there were. */
  clear(): number {
    const count = this.rules.length;
    this.rules.length = 0;
    this.announce();
    return count;
  }

  /** Whether any request fault is in force: the check every request pays. */
  get hasRequestFaults(): boolean {
    return this.requestRules > 0;
  }

  /** The first request fault matching, with one application counted; undefined when none matches. */
  take(method: string, path: string): RequestFaultRule | undefined {
    const rule = this.rules.find(
      (candidate): candidate is RequestFaultRule =>
        candidate.kind === 'request' &&
        (candidate.method === undefined || candidate.method === method) &&
        simpleMatch(candidate.path, path),
    );
    if (rule === undefined) return undefined;
    rule.applied++;
    if (rule.remaining !== undefined && --rule.remaining === 0) this.remove(rule.id);
    return { ...rule };
  }

  limit(): DownloadLimit | undefined {
    let slowest: number | undefined;
    for (const rule of this.rules) {
      if (rule.kind !== 'download') continue;
      if (rule.limit.stall) return rule.limit;
      slowest = Math.min(slowest ?? Infinity, rule.limit.bytesPerSecond);
    }
    return slowest === undefined ? undefined : { bytesPerSecond: slowest };
  }

  changed(): Promise<void> {
    return this.change.promise;
  }

  private announce(): void {
    this.requestRules = this.rules.filter((rule) => rule.kind === 'request').length;
    this.change.resolve();
    this.change = nextChange();
  }
}

function nextChange(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((done) => (resolve = done));
  return { promise, resolve };
}
