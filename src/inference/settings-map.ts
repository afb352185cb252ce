import { badRequest, classCastException, ValidationErrors } from '../errors/elasticsearch-exception';
import { isJavaInteger, isJavaMap, JavaMap, JavaValue, javaClassName, javaToString } from '../java/values';

/**
 * Reading settings out of a parsed request map the way Elasticsearch's
 * `ServiceUtils` does: each read removes the key, so whatever is left at the end
 * is reported as unknown.
 */
type JavaType = 'Integer' | 'Boolean' | 'String';

function isOfType(value: JavaValue, type: JavaType): boolean {
  if (type === 'Integer') return isJavaInteger(value);
  if (type === 'Boolean') return typeof value === 'boolean';
  return typeof value === 'string';
}

export function invalidTypeMessage(key: string, value: JavaValue, type: JavaType): string {
  return `field [${key}] is not of the expected type. The value [${javaToString(value)}] cannot be converted to a [${type}]`;
}

export const missingSettingMessage = (setting: string, scope: string) => `[${scope}] does not contain the required setting [${setting}]`;

export const mustBePositiveIntegerMessage = (setting: string, scope: string, value: number) =>
  `[${scope}] Invalid value [${value}]. [${setting}] must be a positive integer`;

/** `removeAsType` with a validation collector: a wrong type is recorded, not thrown. */
export function removeAsType(map: JavaMap, key: string, type: JavaType, errors: ValidationErrors): JavaValue | undefined {
  const value = map.get(key);
  map.delete(key);
  if (value === undefined || value === null) return undefined;
  if (isOfType(value, type)) return value;
  errors.add(invalidTypeMessage(key, value, type));
  return undefined;
}

export function extractOptionalPositiveInteger(map: JavaMap, key: string, scope: string, errors: ValidationErrors): number | undefined {
  const before = errors.count;
  const value = removeAsType(map, key, 'Integer', errors) as number | undefined;
  if (errors.count > before || value === undefined) return undefined;
  if (value <= 0) {
    errors.add(mustBePositiveIntegerMessage(key, scope, value));
    return undefined;
  }
  return value;
}

export function extractRequiredPositiveInteger(map: JavaMap, key: string, scope: string, errors: ValidationErrors): number | undefined {
  const before = errors.count;
  const value = removeAsType(map, key, 'Integer', errors) as number | undefined;
  if (errors.count > before) return undefined;
  if (value === undefined) errors.add(missingSettingMessage(key, scope));
  else if (value <= 0) errors.add(mustBePositiveIntegerMessage(key, scope, value));
  return errors.count > before ? undefined : value;
}

export function extractOptionalString(map: JavaMap, key: string, scope: string, errors: ValidationErrors): string | undefined {
  const before = errors.count;
  const value = removeAsType(map, key, 'String', errors) as string | undefined;
  if (errors.count > before) return undefined;
  if (value === '') {
    errors.add(`[${scope}] Invalid value empty string. [${key}] must be a non-empty string`);
    return undefined;
  }
  return value;
}

/** `(Map<String, Object>) map.remove(key)`: a non-map value fails the cast, as in Java. */
export function removeMap(map: JavaMap, key: string): JavaMap | undefined {
  const value = map.get(key);
  map.delete(key);
  if (value === undefined || value === null) return undefined;
  if (!isJavaMap(value)) throw classCastException(javaClassName(value), 'java.util.Map');
  return value;
}

export function removeMapOrThrowIfNull(map: JavaMap, key: string): JavaMap {
  const value = removeMap(map, key);
  if (value === undefined) throw badRequest(`Missing required field [${key}]`);
  return value;
}

/** `(String) map.remove(key)` / `map.get(key)`: a non-string value fails the cast, as in Java. */
export function castString(value: JavaValue | undefined): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw classCastException(javaClassName(value), 'java.lang.String');
  return value;
}

export function throwIfNotEmpty(map: JavaMap | undefined, serviceName: string): void {
  if (map && map.size > 0) {
    throw badRequest(`Model configuration contains settings [${javaToString(map)}] unknown to the [${serviceName}] service`);
  }
}
