/**
 * The contract file format of `contracts/schema/contract-file.schema.json`, as TypeScript types.
 * The schema is the authority; these types describe what a file looks like once it validated.
 */

export type Profile = '8.15' | '9.1';
export const PROFILES: readonly Profile[] = ['8.15', '9.1'];

export type MockFixture = 'slow-model-repository' | 'tampered-model-repository' | 'console-proxy' | 'in-process';
export const MOCK_FIXTURES: readonly MockFixture[] = ['slow-model-repository', 'tampered-model-repository', 'console-proxy', 'in-process'];

export type HttpMethod = 'GET' | 'PUT' | 'POST' | 'DELETE' | 'HEAD' | 'PATCH' | 'OPTIONS';

export interface ContractFile {
  area: string;
  description?: string;
  cases: ContractCase[];
}

export interface ContractCase {
  name: string;
  description?: string;
  requires?: Requires;
  skip?: string;
  setup?: Step[];
  request: CaseRequest;
  expect: Expect;
  then?: Step[];
  teardown?: CaseRequest[];
}

export interface Requires {
  profiles?: Profile[];
  versions?: string;
  mock?: MockFixture[];
}

export interface Step {
  request: CaseRequest;
  expect?: Expect;
  retry?: { attempts?: number; intervalMs?: number };
}

export interface CaseRequest {
  method: HttpMethod;
  path: string;
  query?: Record<string, string | number | boolean>;
  headers?: Record<string, string>;
  body?: unknown;
  bodyText?: string;
}

export interface Expect {
  status?: number;
  headers?: Record<string, string | Matcher>;
  body?: unknown;
  keyOrder?: boolean;
  bodyText?: string;
  error?: { type: string; reason: string | Matcher };
  match?: Record<string, Matcher>;
}

export type JsonType = 'string' | 'number' | 'integer' | 'boolean' | 'object' | 'array' | 'null';

export interface Matcher {
  equals?: unknown;
  type?: JsonType;
  regex?: string;
  containsKeys?: string[];
  lacksKeys?: string[];
  length?: number;
  minLength?: number;
  maxLength?: number;
  sortedByValueDesc?: true;
  every?: Matcher;
  greaterThan?: number;
  lessThanOrEqual?: number;
  absent?: true;
}

/** Where a case comes from: a line of a contract file, or an example of the OpenAPI document. */
export interface CaseOrigin {
  file: string;
  /** 1-based; absent for cases generated from the OpenAPI document. */
  line?: number;
}

/** A case with its area, ready to plan and run. */
export interface LoadedCase {
  area: string;
  case: ContractCase;
  origin: CaseOrigin;
  /**
   * The case assumes a server in its initial state, as the OpenAPI examples do ("on a server
   * without user-created endpoints", and no model downloaded yet). The in-process target gives
   * such a case a server of its own; a remote target runs it as it is.
   */
  freshServer?: boolean;
}

export const OPENAPI_EXAMPLES_AREA = 'openapi-examples';
