import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import type { ValidateFunction } from 'ajv/dist/2020';
import { isMap, isSeq, LineCounter, parseDocument } from 'yaml';
import type { ContractCase, ContractFile, Expect, LoadedCase, Matcher, Step } from './case-model';
import { OPENAPI_EXAMPLES_AREA } from './case-model';
import { controlStepOf, isControlRequest } from './control-steps';
import { parsePath, PathSyntaxError } from './json-path';
import { matcherRegexes } from './matchers';
import { describeError, relevantErrors } from './schema-errors';
import { parseVersionRange, VersionRangeError } from './version-range';

/**
 * Reads the contract files of a directory (`<area>.yaml`, `.yml` or `.json`), checks each
 * against the contract-file schema and the rules the schema cannot state, and returns their
 * cases. Every problem names the file, the line and the case.
 */

export class ContractFileError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid contract file${problems.length === 1 ? '' : 's'}:\n${problems.map((problem) => `  ${problem}`).join('\n')}`);
  }
}

const EXTENSIONS = ['.yaml', '.yml', '.json'];

export function createFileValidator(schemaFile: string): ValidateFunction {
  const schema = JSON.parse(readFileSync(schemaFile, 'utf8'));
  const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true, strictRequired: false });
  return ajv.compile(schema);
}

export function contractFilesIn(directory: string): string[] {
  if (!existsSync(directory)) throw new ContractFileError([`${directory}: no such directory`]);
  return readdirSync(directory, { withFileTypes: true })
    .filter((entry) => entry.isFile() && EXTENSIONS.includes(path.extname(entry.name)))
    .map((entry) => path.join(directory, entry.name))
    .sort();
}

/** Where a value of the document starts, as `line:column`. */
type Locate = (instancePath: string) => string;

function parseFile(file: string, text: string): { data: unknown; locate: Locate; caseLine: (index: number) => number | undefined } {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false });
  if (document.errors.length > 0) {
    const problems = document.errors.map((error) => {
      const { line, col } = lineCounter.linePos(error.pos[0]);
      return `${file}:${line}:${col}: ${error.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '')}`;
    });
    throw new ContractFileError(problems);
  }
  const nodeAt = (instancePath: string) => {
    const keys = instancePath
      .split('/')
      .slice(1)
      .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
      .map((part) => (/^\d+$/.test(part) ? Number(part) : part));
    // A missing property is reported on its parent; walk up until something exists.
    for (let depth = keys.length; depth >= 0; depth--) {
      const node = keys.length === 0 || depth === 0 ? document.contents : document.getIn(keys.slice(0, depth), true);
      if (node && typeof node === 'object' && 'range' in node && Array.isArray(node.range)) return node;
    }
    return undefined;
  };
  const position = (offset: number | undefined) => {
    if (offset === undefined) return undefined;
    const { line, col } = lineCounter.linePos(offset);
    return { line, col };
  };
  return {
    data: document.toJS(),
    locate: (instancePath) => {
      const at = position((nodeAt(instancePath)?.range as number[] | undefined)?.[0]);
      return at ? `${at.line}:${at.col}` : '';
    },
    caseLine: (index) => {
      const cases = document.get('cases', true);
      if (!isSeq(cases)) return undefined;
      const node = cases.items[index];
      return isMap(node) && node.range ? position(node.range[0])?.line : undefined;
    },
  };
}

function caseLabel(data: unknown, index: number): string {
  const name = (data as { cases?: Array<{ name?: unknown }> })?.cases?.[index]?.name;
  return typeof name === 'string' ? `case "${name}" (cases[${index}])` : `cases[${index}]`;
}

/** The case index an instance path points into, if any. */
function caseIndexOf(instancePath: string): number | undefined {
  const match = /^\/cases\/(\d+)(?:\/|$)/.exec(instancePath);
  return match ? Number(match[1]) : undefined;
}

export function loadContractFile(file: string, validate: ValidateFunction, displayName = file): LoadedCase[] {
  const { data, locate, caseLine } = parseFile(displayName, readFileSync(file, 'utf8'));
  const at = (instancePath: string) => {
    const position = locate(instancePath);
    return `${displayName}${position ? `:${position}` : ''}`;
  };
  const prefixed = (instancePath: string, message: string) => {
    const index = caseIndexOf(instancePath);
    return `${at(instancePath)}: ${index === undefined ? '' : `${caseLabel(data, index)}: `}${message}`;
  };

  if (!validate(data)) {
    throw new ContractFileError(relevantErrors(validate.errors ?? []).map((error) => prefixed(error.instancePath, describeError(error))));
  }
  const contract = data as ContractFile;
  const problems: string[] = [];
  const expectedArea = path.basename(file, path.extname(file));
  if (contract.area !== expectedArea) {
    problems.push(
      `${at('/area')}: the area is [${contract.area}] but the file is named ${path.basename(file)}; name it ${contract.area}.yaml`,
    );
  }
  if (contract.area === OPENAPI_EXAMPLES_AREA) {
    problems.push(`${at('/area')}: the area [${OPENAPI_EXAMPLES_AREA}] is reserved for the cases generated from the OpenAPI document`);
  }
  const seen = new Map<string, number>();
  contract.cases.forEach((contractCase, index) => {
    const first = seen.get(contractCase.name);
    if (first !== undefined) {
      problems.push(prefixed(`/cases/${index}/name`, `the name is already used by cases[${first}]; names are unique within an area`));
    } else {
      seen.set(contractCase.name, index);
    }
    problems.push(...caseRuleProblems(contractCase).map(({ pointer, message }) => prefixed(`/cases/${index}${pointer}`, message)));
  });
  if (problems.length > 0) throw new ContractFileError(problems);
  return contract.cases.map((contractCase, index) => ({
    area: contract.area,
    case: contractCase,
    origin: { file: displayName, line: caseLine(index) },
  }));
}

interface RuleProblem {
  pointer: string;
  message: string;
}

/** The rules of a case the schema cannot express: regular expressions, paths, version ranges, control steps. */
export function caseRuleProblems(contractCase: ContractCase): RuleProblem[] {
  const problems: RuleProblem[] = [];
  if (contractCase.requires?.versions !== undefined) {
    try {
      parseVersionRange(contractCase.requires.versions);
    } catch (error) {
      if (!(error instanceof VersionRangeError)) throw error;
      problems.push({ pointer: '/requires/versions', message: error.message });
    }
  }
  const checkExpect = (expect: Expect | undefined, pointer: string) => {
    if (!expect) return;
    const checkMatcher = (matcher: Matcher, where: string) => {
      for (const source of matcherRegexes(matcher)) {
        try {
          new RegExp(source);
        } catch (error) {
          problems.push({ pointer: where, message: `invalid regular expression /${source}/: ${(error as Error).message}` });
        }
      }
    };
    for (const [name, value] of Object.entries(expect.headers ?? {})) {
      if (typeof value !== 'string') checkMatcher(value, `${pointer}/headers/${name}`);
    }
    if (expect.error && typeof expect.error.reason !== 'string') checkMatcher(expect.error.reason, `${pointer}/error/reason`);
    for (const [matchPath, matcher] of Object.entries(expect.match ?? {})) {
      const where = `${pointer}/match/${matchPath.replace(/~/g, '~0').replace(/\//g, '~1')}`;
      try {
        parsePath(matchPath);
      } catch (error) {
        if (!(error instanceof PathSyntaxError)) throw error;
        problems.push({ pointer: where, message: error.message });
      }
      checkMatcher(matcher, where);
    }
  };
  const fixtures = contractCase.requires?.mock ?? [];
  const checkControl = (step: Step | { request: ContractCase['request'] }, pointer: string) => {
    if (!isControlRequest(step.request)) return;
    const control = controlStepOf(step.request);
    if ('error' in control) problems.push({ pointer: `${pointer}/request/path`, message: control.error });
    else if (!fixtures.includes(control.step.fixture)) {
      problems.push({
        pointer: `${pointer}/request/path`,
        message: `the control step ${control.name} needs requires.mock to list [${control.step.fixture}]`,
      });
    }
  };
  checkExpect(contractCase.expect, '/expect');
  if (isControlRequest(contractCase.request)) {
    problems.push({ pointer: '/request/path', message: 'a control step cannot be the case request; put it in setup or then' });
  }
  for (const [list, steps] of [
    ['setup', contractCase.setup],
    ['then', contractCase.then],
  ] as const) {
    steps?.forEach((step, index) => {
      checkExpect(step.expect, `/${list}/${index}/expect`);
      checkControl(step, `/${list}/${index}`);
    });
  }
  contractCase.teardown?.forEach((request, index) => {
    if (isControlRequest(request)) problems.push({ pointer: `/teardown/${index}/path`, message: 'control steps belong in setup or then' });
  });
  return problems;
}

/** Every contract file of the directory; all problems of all files are reported together. */
export function loadContractDirectory(directory: string, validate: ValidateFunction, relativeTo = process.cwd()): LoadedCase[] {
  const problems: string[] = [];
  const cases: LoadedCase[] = [];
  const areas = new Map<string, string>();
  for (const file of contractFilesIn(directory)) {
    const displayName = path.relative(relativeTo, file) || file;
    try {
      const loaded = loadContractFile(file, validate, displayName);
      const area = loaded[0]?.area;
      if (area !== undefined) {
        const other = areas.get(area);
        if (other) problems.push(`${displayName}: the area [${area}] is also defined by ${other}`);
        areas.set(area, displayName);
      }
      cases.push(...loaded);
    } catch (error) {
      if (!(error instanceof ContractFileError)) throw error;
      problems.push(...error.problems);
    }
  }
  if (problems.length > 0) throw new ContractFileError(problems);
  return cases;
}
