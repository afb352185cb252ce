import { ValidationErrors } from '../errors/elasticsearch-exception';
import { JavaMap } from '../java/values';
import type { AdaptiveAllocations } from './endpoint';
import { removeAsType, removeMap } from './settings-map';

/** `AdaptiveAllocationsSettings.validate`; the minimum floor is 1 before scale-to-zero (8.15) and 0 after. */
export function adaptiveAllocationsErrors(settings: AdaptiveAllocations, minFloor: 0 | 1): string[] {
  const errors: string[] = [];
  const { min_number_of_allocations: min, max_number_of_allocations: max } = settings;
  if (min !== undefined && min < minFloor) {
    // UNCONFIRMED: 8.15's wording for a minimum below 1 is assumed to mirror its positive-integer rule.
    errors.push(
      minFloor === 0
        ? '[min_number_of_allocations] must be a non-negative integer or null'
        : '[min_number_of_allocations] must be a positive integer or null',
    );
  }
  if (max !== undefined && max < 1) errors.push('[max_number_of_allocations] must be a positive integer or null');
  if (min !== undefined && max !== undefined && min > max) {
    errors.push('[min_number_of_allocations] must not be larger than [max_number_of_allocations]');
  }
  return errors;
}

/** `ServiceUtils.removeAsAdaptiveAllocationsSettings`. */
export function removeAdaptiveAllocations(
  map: JavaMap,
  key: string,
  minFloor: 0 | 1,
  errors: ValidationErrors,
): AdaptiveAllocations | undefined {
  const settingsMap = removeMap(map, key);
  if (settingsMap === undefined) return undefined;
  const enabled = removeAsType(settingsMap, 'enabled', 'Boolean', errors) as boolean | undefined;
  const min = removeAsType(settingsMap, 'min_number_of_allocations', 'Integer', errors) as number | undefined;
  const max = removeAsType(settingsMap, 'max_number_of_allocations', 'Integer', errors) as number | undefined;
  for (const unknown of settingsMap.keys()) errors.add(`[${key}] does not allow the setting [${unknown}]`);
  const settings: AdaptiveAllocations = { enabled: enabled ?? false };
  if (min !== undefined) settings.min_number_of_allocations = min;
  if (max !== undefined) settings.max_number_of_allocations = max;
  for (const message of adaptiveAllocationsErrors(settings, minFloor)) errors.add(message);
  return settings;
}
