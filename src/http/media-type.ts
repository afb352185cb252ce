import { ElasticsearchException } from '../errors/elasticsearch-exception';

export interface ParsedMediaType {
  /** `application/json` for the vendored Elasticsearch type too. */
  format: 'json' | 'other';
  compatibleWith?: number;
}

const VENDOR_JSON = 'application/vnd.elasticsearch+json';

export function parseMediaType(header: string | undefined): ParsedMediaType | undefined {
  if (!header) return undefined;
  const [type, ...parameters] = header.split(';').map((part) => part.trim().toLowerCase());
  const compatible = parameters.map((p) => /^compatible-with\s*=\s*(\d+)$/.exec(p)).find(Boolean);
  if (type === 'application/json' || type === VENDOR_JSON) {
    return { format: 'json', compatibleWith: compatible ? Number(compatible[1]) : undefined };
  }
  return { format: 'other' };
}

/**
 * Checks a compatible-with version the way Elasticsearch's RestCompatibleVersionHelper
 * does: the current major or the one before it.
 */
export function checkCompatibleVersion(header: string, which: 'Content-Type' | 'Accept', version: number | undefined, major: number): void {
  if (version === undefined || version === major || version === major - 1) return;
  throw new ElasticsearchException(400, 'media_type_header_exception', `Invalid media-type value on headers [${which}]`, {
    type: 'status_exception',
    reason: `${which} version must be either version ${major} or ${major - 1}, but found ${version}. ${which}=${header}`,
  });
}

export function responseContentType(accept: string | undefined, major: number): string {
  const parsed = parseMediaType(accept);
  if (parsed?.compatibleWith !== undefined)
    return `${VENDOR_JSON};compatible-with=${parsed.compatibleWith === major - 1 ? major - 1 : major}`;
  return 'application/json';
}
