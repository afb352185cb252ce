import { mockError } from '../mock-router';
import type { ForeignReply } from '../../http/rest-controller';

/** A control request the mock refuses: answered 400 `{ "error": message, "status": 400 }`. */
export class InvalidControlRequest extends Error {}

/** Runs a control route's work, answering its refusals with 400. */
export async function answering(work: () => ForeignReply | Promise<ForeignReply>): Promise<ForeignReply> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof InvalidControlRequest) return mockError(400, error.message);
    throw error;
  }
}

/** Refuses query parameters a control route does not read, naming them. */
export function checkQuery(query: URLSearchParams, known: readonly string[]): void {
  const unknown = [...new Set(query.keys())].filter((name) => !known.includes(name));
  if (unknown.length > 0) {
    const expected = known.length === 0 ? 'none' : known.map((name) => `[${name}]`).join(', ');
    throw new InvalidControlRequest(`unknown query parameter [${unknown.join(', ')}]; expected ${expected}`);
  }
}
