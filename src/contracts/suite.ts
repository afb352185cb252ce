import * as path from 'node:path';
import { createFileValidator, loadContractDirectory } from './case-files';
import type { LoadedCase } from './case-model';
import { openApiExampleCases } from './openapi-examples';
import { OpenApiDocument } from './openapi-document';
import { CONTRACT_SCHEMA_FILE, CONTRACTS_DIR, OPENAPI_FILE } from './package-paths';

/** Everything a run reads: the contract files, and the OpenAPI document with the cases generated from it. */

export interface SuiteSources {
  contractsDir?: string;
  openapiFile?: string;
  schemaFile?: string;
  /** File names in messages are relative to this directory. */
  relativeTo?: string;
}

export interface Suite {
  cases: LoadedCase[];
  document: OpenApiDocument;
}

export function loadSuite(sources: SuiteSources = {}): Suite {
  const validate = createFileValidator(sources.schemaFile ?? CONTRACT_SCHEMA_FILE);
  const fileCases = loadContractDirectory(sources.contractsDir ?? CONTRACTS_DIR, validate, sources.relativeTo);
  const openapiFile = sources.openapiFile ?? OPENAPI_FILE;
  const document = OpenApiDocument.load(openapiFile);
  const generated = openApiExampleCases(document).map((entry) => ({
    ...entry,
    origin: { file: path.relative(sources.relativeTo ?? process.cwd(), openapiFile) || openapiFile },
  }));
  return { cases: [...fileCases, ...generated], document };
}

export function areasOf(cases: readonly LoadedCase[]): string[] {
  return [...new Set(cases.map((entry) => entry.area))];
}

export class UnknownAreaError extends Error {}

/** The cases of the named areas; all cases when none is named. */
export function selectAreas(cases: readonly LoadedCase[], areas: readonly string[]): LoadedCase[] {
  if (areas.length === 0) return [...cases];
  const known = areasOf(cases);
  const unknown = areas.filter((area) => !known.includes(area));
  if (unknown.length > 0)
    throw new UnknownAreaError(`unknown area ${unknown.map((a) => `[${a}]`).join(', ')}; the areas are ${known.join(', ')}`);
  return cases.filter((entry) => areas.includes(entry.area));
}

export function countByArea(cases: readonly LoadedCase[]): Array<{ area: string; cases: number }> {
  return areasOf(cases).map((area) => ({ area, cases: cases.filter((entry) => entry.area === area).length }));
}
