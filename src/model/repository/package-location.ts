import { illegalArgument } from '../../errors/elasticsearch-exception';
import { requirePlainFileName } from './artefact-names';
import { illegalPackagePath, illegalSchemaChange } from './repository-errors';

/** The base URL with the trailing slash that makes relative resolution stay inside it. */
export function repositoryBaseUrl(repository: string): URL {
  try {
    return new URL(repository.endsWith('/') ? repository : `${repository}/`);
  } catch (error) {
    throw illegalArgument(`Invalid connection configuration: ${(error as Error).message}`);
  }
}

/**
 * Elasticsearch's `resolvePackageLocation`: the artefact must resolve below
 * the base, with the same scheme. Only plain file names are accepted at all.
 */
export function resolvePackageLocation(base: URL, artefact: string): URL {
  const resolved = new URL(encodeURIComponent(requirePlainFileName(artefact)), base);
  if (resolved.protocol !== base.protocol) throw illegalSchemaChange();
  if (resolved.host !== base.host || !resolved.pathname.startsWith(base.pathname)) throw illegalPackagePath();
  return resolved;
}
