import type { EsVersion } from '../inference/profiles';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const isObject = (value: Json | undefined): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);

/** `x-profile` is one profile, or `both`; a part without it holds for every profile. */
const holdsFor = (value: Json, profile: EsVersion): boolean =>
  !isObject(value) || !('x-profile' in value) || [profile, 'both'].includes(String(value['x-profile']));

/**
 * The OpenAPI document as one profile's server answers it: operations, parameters and examples
 * marked `x-profile` for the other profile are gone, with every `$ref` to a component that went.
 * A client that validates against the served document, or generates tests from it, sees only
 * this server's API.
 */
export function documentForProfile(document: JsonObject, profile: EsVersion): JsonObject {
  const removed = new Set<string>();
  const components = document.components;
  if (isObject(components)) {
    for (const [kind, entries] of Object.entries(components)) {
      if (!isObject(entries)) continue;
      for (const [name, entry] of Object.entries(entries)) {
        if (!holdsFor(entry, profile)) removed.add(`#/components/${kind}/${name}`);
      }
    }
  }
  const kept = (value: Json): boolean =>
    holdsFor(value, profile) && !(isObject(value) && typeof value.$ref === 'string' && removed.has(value.$ref));

  const filter = (value: Json): Json => {
    if (Array.isArray(value)) return value.filter(kept).map(filter);
    if (!isObject(value)) return value;
    const result: JsonObject = {};
    for (const [key, child] of Object.entries(value)) {
      if (!kept(child)) continue;
      result[key] = filter(child);
    }
    return result;
  };

  const filtered = filter(document) as JsonObject;
  // A path whose every operation belongs to the other profile is not served at all.
  if (isObject(filtered.paths)) {
    for (const [path, item] of Object.entries(filtered.paths)) {
      if (isObject(item) && !HTTP_METHODS.some((method) => method in item)) delete filtered.paths[path];
    }
  }
  return filtered;
}

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
