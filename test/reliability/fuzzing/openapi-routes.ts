import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';

export const OPENAPI_FILE = path.resolve(__dirname, '..', '..', '..', 'openapi', 'elser-mock.yaml');

/** One path of the OpenAPI document, with its operations' methods and query parameters. */
export interface RouteTemplate {
  /** `/_inference/{task_type}/{inference_id}`. */
  path: string;
  methods: string[];
  /** Query parameter names any of the path's operations declares. */
  queryParameters: string[];
  /** Request body examples of the path's operations, by method. */
  examples: { method: string; name: string; requestPath?: string; profile?: string; value: unknown }[];
}

interface Parameter {
  $ref?: string;
  name?: string;
  in?: string;
}

type OpenApiDocument = {
  paths: Record<string, Record<string, unknown>>;
  components?: { parameters?: Record<string, Parameter> };
};

const METHODS = ['get', 'put', 'post', 'delete', 'head', 'patch', 'options'];

export function loadOpenApi(): OpenApiDocument {
  return parse(readFileSync(OPENAPI_FILE, 'utf8')) as OpenApiDocument;
}

export function loadRoutes(document = loadOpenApi()): RouteTemplate[] {
  const resolve = (parameter: Parameter): Parameter => {
    if (!parameter.$ref) return parameter;
    const name = parameter.$ref.replace('#/components/parameters/', '');
    return document.components?.parameters?.[name] ?? parameter;
  };
  return Object.entries(document.paths).map(([routePath, item]) => {
    const shared = ((item.parameters as Parameter[] | undefined) ?? []).map(resolve);
    const methods = METHODS.filter((method) => item[method] !== undefined);
    const query = new Set<string>();
    const examples: RouteTemplate['examples'] = [];
    for (const parameter of shared) if (parameter.in === 'query' && parameter.name) query.add(parameter.name);
    for (const method of methods) {
      const operation = item[method] as {
        parameters?: Parameter[];
        requestBody?: { content?: Record<string, { examples?: Record<string, Record<string, unknown>> }> };
      };
      for (const parameter of (operation.parameters ?? []).map(resolve))
        if (parameter.in === 'query' && parameter.name) query.add(parameter.name);
      for (const content of Object.values(operation.requestBody?.content ?? {})) {
        for (const [name, example] of Object.entries(content.examples ?? {})) {
          examples.push({
            method: method.toUpperCase(),
            name,
            requestPath: example['x-request-path'] as string | undefined,
            profile: example['x-profile'] as string | undefined,
            value: example.value,
          });
        }
      }
    }
    return { path: routePath, methods: methods.map((m) => m.toUpperCase()), queryParameters: [...query].sort(), examples };
  });
}
