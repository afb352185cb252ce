import type { Profile } from './case-model';
import { HTTP_METHODS, JSON_MEDIA, Obj, OpenApiDocument, SchemaValidators } from './openapi-document';

/**
 * Checks a response against the OpenAPI document: the operation is found by method and path
 * template, the response by status (then `4XX`-style ranges, then `default`); the required
 * headers must be present and the body must match the response's schema.
 *
 * An operation may carry `x-profile` (`"8.15"`, `"9.1"` or `"both"`, as examples do): for the
 * other profile the server has no such route, so the operation is left out.
 */

export interface ObservedResponse {
  method: string;
  /** The path without query string. */
  path: string;
  query: Record<string, string | number | boolean>;
  status: number;
  headers: Record<string, string>;
  /** The parsed JSON body; `undefined` when there is none or it is not JSON. */
  body: unknown;
  text: string;
}

export type SpecCheck =
  | { outcome: 'exempt'; reason: string }
  | { outcome: 'conforms'; operation: string }
  | { outcome: 'violation'; operation: string; problems: string[] };

interface Route {
  template: string;
  segments: string[];
  literals: number;
  item: Obj;
}

export class ResponseValidator {
  private readonly routes: Route[];
  private readonly schemas: SchemaValidators;

  constructor(private readonly document: OpenApiDocument) {
    this.schemas = new SchemaValidators(document);
    this.routes = Object.entries(document.paths).map(([template, item]) => {
      const segments = template.split('/').slice(1);
      return { template, segments, literals: segments.filter((segment) => !/^\{.+\}$/.test(segment)).length, item };
    });
  }

  /**
   * The template that serves the request, as Elasticsearch's router picks it: among the
   * templates the path matches, concrete segments win over parameters, and one with an
   * operation for the method wins over one without (`GET /_inference/x/_update` is served by
   * `GET /_inference/{task_type}/{inference_id}`).
   */
  private route(path: string, method: string, profile: Profile | undefined): { route: Route; operation?: Obj } | undefined {
    const segments = path.split('/').slice(1);
    const candidates = this.routes
      .filter(
        (route) =>
          route.segments.length === segments.length &&
          route.segments.every((segment, i) => (/^\{.+\}$/.test(segment) ? segments[i] !== '' : segment === segments[i])),
      )
      .filter((route) => HTTP_METHODS.some((m) => servedIn(route.item[m], profile)))
      .sort((a, b) => b.literals - a.literals);
    const served = candidates.find((route) => servedIn(route.item[method], profile));
    if (served) return { route: served, operation: served.item[method] };
    return candidates[0] && { route: candidates[0] };
  }

  /** `profile`: the behaviour profile the target runs, for operations that exist in one profile only. */
  check(response: ObservedResponse, profile?: Profile): SpecCheck {
    const method = response.method.toLowerCase();
    const found = this.route(response.path, method, profile);
    if (!found)
      return { outcome: 'exempt', reason: `the document does not describe ${response.path}${profile ? ` for profile ${profile}` : ''}` };
    const { route, operation } = found;
    const operationName = `${response.method.toUpperCase()} ${route.template}`;
    if (!operation) return this.checkUnsupportedMethod(route, method, operationName, response);
    const documented = this.responseFor(operation, response.status);
    if (!documented) {
      const statuses = Object.keys(operation.responses ?? {}).join(', ');
      return {
        outcome: 'violation',
        operation: operationName,
        problems: [`status ${response.status} is not documented (documented: ${statuses})`],
      };
    }
    return this.checkAgainst(documented, operationName, response);
  }

  /** Any method that is not an operation of a described path answers the path's documented 405; OPTIONS lists the methods. */
  private checkUnsupportedMethod(route: Route, method: string, operationName: string, response: ObservedResponse): SpecCheck {
    if (method === 'options') return { outcome: 'exempt', reason: 'OPTIONS is answered for every path and not documented' };
    const documented = HTTP_METHODS.map((m) => route.item[m] as Obj | undefined)
      .map((operation) => operation?.responses?.['405'] as Obj | undefined)
      .find((r) => r !== undefined);
    if (!documented) return { outcome: 'exempt', reason: `the document describes no ${method.toUpperCase()} on ${route.template}` };
    if (response.status !== 405) {
      return {
        outcome: 'violation',
        operation: operationName,
        problems: [
          `${method.toUpperCase()} is not an operation of ${route.template}: the document gives 405 for it, not ${response.status}`,
        ],
      };
    }
    return this.checkAgainst(this.document.resolve(documented), operationName, response);
  }

  private responseFor(operation: Obj, status: number): Obj | undefined {
    const responses: Obj = operation.responses ?? {};
    const found = responses[String(status)] ?? responses[`${String(status)[0]}XX`] ?? responses.default;
    return found ? this.document.resolve(found) : undefined;
  }

  private checkAgainst(documented: Obj, operationName: string, response: ObservedResponse): SpecCheck {
    const problems = [...this.headerProblems(documented, response), ...this.bodyProblems(documented, response)];
    return problems.length === 0
      ? { outcome: 'conforms', operation: operationName }
      : { outcome: 'violation', operation: operationName, problems };
  }

  private headerProblems(documented: Obj, response: ObservedResponse): string[] {
    const problems: string[] = [];
    for (const [name, headerOrRef] of Object.entries<Obj>(documented.headers ?? {})) {
      const header = this.document.resolve(headerOrRef);
      const value = response.headers[name.toLowerCase()];
      if (value === undefined) {
        if (header.required) problems.push(`the required header [${name}] is missing`);
        continue;
      }
      if (header.schema) problems.push(...this.schemas.validate(header.schema, value, `header [${name}]`));
    }
    return problems;
  }

  private bodyProblems(documented: Obj, response: ObservedResponse): string[] {
    const content: Obj = documented.content ?? {};
    if (Object.keys(content).length === 0 || response.method.toUpperCase() === 'HEAD') return [];
    // filter_path removes parts of the body on purpose; the rest of the response is still checked.
    if (response.query.filter_path !== undefined) return [];
    const contentType = (response.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
    // Elasticsearch's compatibility media types (application/vnd.elasticsearch+json) carry JSON.
    const media = contentType === JSON_MEDIA || contentType.endsWith('+json') ? JSON_MEDIA : contentType;
    const entry: Obj | undefined = content[media];
    const documentedMedia = Object.keys(content).join(', ');
    if (!entry) {
      if (contentType === '' && response.text === '') return [`the body is empty; the document gives a ${documentedMedia} body`];
      return [`the content type [${contentType || 'none'}] is not documented (documented: ${documentedMedia})`];
    }
    if (!entry.schema) return [];
    if (media !== JSON_MEDIA) return this.schemas.validate(entry.schema, response.text);
    if (response.body === undefined)
      return [response.text.trim() === '' ? 'the body is empty, a JSON body is documented' : 'the body is not JSON'];
    return this.schemas.validate(entry.schema, response.body);
  }
}

function servedIn(operation: Obj | undefined, profile: Profile | undefined): boolean {
  if (!operation) return false;
  const only = operation['x-profile'];
  return profile === undefined || only === undefined || only === 'both' || only === profile;
}
