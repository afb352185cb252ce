/** The contract runner, for use from code; `cli.ts` is its command line. */
export type { CaseRequest, ContractCase, ContractFile, Expect, LoadedCase, Matcher, MockFixture, Profile, Step } from './case-model';
export { Baseline } from './baseline';
export type { BaselineEntry } from './baseline';
export { ContractFileError } from './case-files';
export { runCase } from './case-runner';
export { main } from './cli';
export { InProcessTarget } from './in-process-target';
export { openApiExampleCases } from './openapi-examples';
export { ResponseValidator } from './response-validator';
export type { CaseFailure, CaseResult, RunReport } from './results';
export { junitXml } from './reporters/junit';
export { markdownReport } from './reporters/markdown';
export { loadSuite, selectAreas } from './suite';
export { runSuite } from './suite-runner';
export { RemoteTarget } from './targets';
export type { Target } from './targets';
export { CaseIds } from './templating';
