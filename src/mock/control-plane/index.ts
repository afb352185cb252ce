import { MockRequest, MockRouter, mockError, mockJson } from '../mock-router';
import { ControlPlane } from './control-plane';
import { faultView } from './fault-views';
import { parseFaultSpec } from './fault-spec';
import { answering, checkQuery, InvalidControlRequest } from './invalid-control-request';
import type { JournalFilter } from './journal';
import { deleteAllEndpoints, InferenceState } from './reset';

export { ControlPlane } from './control-plane';
export type { ControlPlaneOptions } from './control-plane';
export type { InferenceState } from './reset';

export interface ControlPlaneRoutesOptions {
  controlPlane: ControlPlane;
  /** What `POST /__mock/reset` empties. */
  inference: InferenceState;
}

/**
 * The control plane under `/__mock`:
 * `GET|DELETE /journal`, `GET|POST|DELETE /faults`, `DELETE /faults/<id>` and `POST /reset`.
 */
export function registerControlPlane(mock: MockRouter, { controlPlane, inference }: ControlPlaneRoutesOptions): void {
  const { journal, faults } = controlPlane;
  mock
    .add('GET', '/journal', (request) =>
      answering(() => {
        const filter = journalFilter(request.query);
        return mockJson(200, { total: journal.size, exchanges: journal.entries(filter) });
      }),
    )
    .add('DELETE', '/journal', (request) =>
      answering(() => {
        checkQuery(request.query, []);
        return mockJson(200, { acknowledged: true, exchanges_deleted: journal.clear() });
      }),
    )
    .add('GET', '/faults', (request) =>
      answering(() => {
        checkQuery(request.query, []);
        return mockJson(200, { faults: faults.list().map(faultView) });
      }),
    )
    .add('POST', '/faults', (request) =>
      answering(() => {
        checkQuery(request.query, []);
        return mockJson(200, faultView(faults.add(parseFaultSpec(request.body))));
      }),
    )
    .add('DELETE', '/faults', (request) =>
      answering(() => {
        checkQuery(request.query, []);
        return mockJson(200, { acknowledged: true, faults_deleted: faults.clear() });
      }),
    )
    .add('DELETE', '/faults/*', (request) =>
      answering(() => {
        checkQuery(request.query, []);
        const id = faultId(request);
        if (!faults.remove(id)) return mockError(404, `no fault [${id}]`);
        return mockJson(200, { acknowledged: true });
      }),
    )
    .add('POST', '/reset', (request) =>
      answering(async () => {
        checkQuery(request.query, ['keep_journal']);
        const keepJournal = booleanParameter(request.query, 'keep_journal');
        // Lifting a download stall first lets the deployments waiting on it stop.
        faults.clear();
        const deleted = await deleteAllEndpoints(inference);
        if (!keepJournal) journal.clear();
        return mockJson(200, { acknowledged: true, endpoints_deleted: deleted });
      }),
    );
}

function journalFilter(query: URLSearchParams): JournalFilter {
  checkQuery(query, ['limit', 'method', 'path']);
  const filter: JournalFilter = {};
  const limit = query.get('limit');
  if (limit !== null) {
    if (!/^\d+$/.test(limit) || Number(limit) < 1) throw new InvalidControlRequest(`[limit] must be a positive integer, got [${limit}]`);
    filter.limit = Number(limit);
  }
  const method = query.get('method');
  if (method !== null) filter.method = method;
  const path = query.get('path');
  if (path !== null) filter.path = path;
  return filter;
}

function faultId(request: MockRequest): string {
  const raw = request.path.slice('/faults/'.length);
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new InvalidControlRequest(`[${raw}] is not a fault id`);
  }
}

/** A boolean query parameter as Elasticsearch reads one: present and empty means true. */
function booleanParameter(query: URLSearchParams, name: string): boolean {
  const value = query.get(name);
  if (value === null || value === 'false') return false;
  if (value === '' || value === 'true') return true;
  throw new InvalidControlRequest(`[${name}] must be true or false, got [${value}]`);
}
