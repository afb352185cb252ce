import { ElasticsearchException, illegalArgument, resourceNotFound, statusException } from '../../errors/elasticsearch-exception';

/**
 * The failures of Elasticsearch's model package loader (ModelLoaderUtils,
 * TransportGetTrainedModelPackageConfigAction, ModelImporter), as the REST
 * layer renders them: exception class in snake_case, HTTP status, reason.
 */

export type ErrorCause = { type: string; reason: string };

/** How an arbitrary error appears as `caused_by`. */
export function causeOf(error: unknown): ErrorCause {
  if (error instanceof ElasticsearchException) return { type: error.type, reason: error.reason };
  const message = error instanceof Error ? error.message : String(error);
  return { type: 'exception', reason: message };
}

/** `IllegalStateException` (500). */
export const illegalState = (reason: string) => new ElasticsearchException(500, 'illegal_state_exception', reason);

/** `IOException` (500): a transfer that broke off or a file that could not be read. */
export const ioException = (reason: string) => new ElasticsearchException(500, 'i_o_exception', reason);

export const illegalPackagePath = () => illegalArgument('Illegal path in package location');

export const illegalSchemaChange = () => illegalArgument('Illegal schema change in package location');

export const redirectsNotSupported = () => illegalState("redirects aren't supported yet");

/** 416 to a range request: the resumed part is longer than the artefact. */
export class InvalidRequestRangeException extends ElasticsearchException {
  constructor(range: string) {
    super(500, 'illegal_state_exception', `Invalid request range [${range}]`);
  }
}

export const invalidRequestRange = (range: string) => new InvalidRequestRangeException(range);

export const artefactNotFound = (uri: string) => resourceNotFound(`${uri} not found`);

/** Any other HTTP status: an `ElasticsearchStatusException` carrying that status. */
export function unexpectedResponse(uri: string, code: number): ElasticsearchException {
  const status = code >= 100 && code <= 599 ? code : 500;
  return new ElasticsearchException(status, 'status_exception', `error during downloading ${uri}. Got response code ${code}`);
}

/** Bootstrap-check messages for `xpack.ml.model_repository` itself. */
export const repositoryConfiguration = {
  unsupportedScheme: () =>
    illegalArgument('xpack.ml.model_repository must be configured with one of the following schemes: "http", "https", "file"'),
  authentication: () => illegalArgument('xpack.ml.model_repository does not support authentication'),
  outsideRoot: (rootUri: string) =>
    illegalArgument(`If xpack.ml.model_repository is a file location, it must be placed below the configuration: ${rootUri}`),
};

export const failedToFindPackage = (cause: unknown) =>
  new ElasticsearchException(400, 'illegal_argument_exception', 'Failed to find package', causeOf(cause));

export const failedToLoadPackageMetadata = (cause: unknown) =>
  new ElasticsearchException(400, 'illegal_argument_exception', 'Failed to load package metadata', causeOf(cause));

export const invalidPackageName = () => statusException(500, 'Invalid package name');
export const invalidPackageSize = () => statusException(500, 'Invalid package size');
export const invalidPackageSha = () => statusException(500, 'Invalid package sha');

/** `ElasticsearchException` without a more specific class renders as type `exception`. */
export const failedToLoadVocabulary = (cause: unknown) =>
  new ElasticsearchException(500, 'exception', 'Failed to load vocabulary file', causeOf(cause));

export const unknownVocabularyFormat = () => illegalArgument('unknown format vocabulary file format');

export const modelSha256Mismatch = (expected: string, actual: string) =>
  statusException(500, `Model sha256 checksums do not match, expected [${expected}] but got [${actual}]`);

export const modelSizeMismatch = (expected: number, actual: number) =>
  statusException(500, `Model size does not match, expected [${expected}] but got [${actual}]`);

/** What the ELSER service answers when the model package is not there. */
export const modelNotFound = () =>
  new ElasticsearchException(
    404,
    'resource_not_found_exception',
    'Could not start the ELSER service as the ELSER model for this platform cannot be found. ELSER needs to be downloaded before it can be started.',
  );
