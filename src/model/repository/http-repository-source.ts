import * as http from 'node:http';
import * as https from 'node:https';
import { ElasticsearchException } from '../../errors/elasticsearch-exception';
import type { ArtefactBody, ModelRepositorySource, OpenArtefactOptions } from './model-repository-source';
import { repositoryBaseUrl, resolvePackageLocation } from './package-location';
import {
  artefactNotFound,
  invalidRequestRange,
  ioException,
  redirectsNotSupported,
  repositoryConfiguration,
  unexpectedResponse,
} from './repository-errors';

const DEFAULT_TIMEOUT_MS = 60_000;

/** `bytes <first>-<last>/<complete length or *>` */
const CONTENT_RANGE = /^bytes\s+(\d+)-(\d+)\/(\d+|\*)$/i;

/** A model repository served over HTTP(S), read the way Elasticsearch's ModelLoaderUtils reads it. */
export class HttpRepositorySource implements ModelRepositorySource {
  readonly location: string;
  private readonly base: URL;
  private readonly timeoutMs: number;

  constructor(repository: string, options: { timeoutMs?: number } = {}) {
    this.base = repositoryBaseUrl(repository);
    if (this.base.protocol !== 'http:' && this.base.protocol !== 'https:') throw repositoryConfiguration.unsupportedScheme();
    if (this.base.username !== '' || this.base.password !== '') throw repositoryConfiguration.authentication();
    this.location = repository;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  uriOf(artefact: string): string {
    return resolvePackageLocation(this.base, artefact).href;
  }

  async open(artefact: string, options: OpenArtefactOptions = {}): Promise<ArtefactBody> {
    const url = resolvePackageLocation(this.base, artefact);
    const start = options.start ?? 0;
    const headers: http.OutgoingHttpHeaders = { 'accept-encoding': 'identity' };
    if (start > 0) headers.range = `bytes=${start}-`;
    const client = url.protocol === 'https:' ? https : http;
    return new Promise<ArtefactBody>((resolve, reject) => {
      const request = client.get(url, { headers, timeout: this.timeoutMs }, (response) => {
        try {
          resolve(acceptResponse(url.href, response, start));
        } catch (error) {
          response.resume();
          reject(error);
        }
      });
      request.on('timeout', () => request.destroy(ioException('Read timed out')));
      request.on('error', (error) =>
        reject(error instanceof ElasticsearchException ? error : ioException(`${url.href}: ${error.message}`)),
      );
    });
  }
}

function acceptResponse(uri: string, response: http.IncomingMessage, start: number): ArtefactBody {
  const code = response.statusCode ?? 0;
  switch (code) {
    case 200:
      return { stream: response, offset: 0, length: contentLength(response) };
    case 206:
      return { stream: response, ...partialContent(response, start) };
    case 301:
    case 302:
    case 303:
      throw redirectsNotSupported();
    case 404:
      throw artefactNotFound(uri);
    case 416:
      throw invalidRequestRange(`bytes=${start}-`);
    default:
      throw unexpectedResponse(uri, code);
  }
}

function contentLength(response: http.IncomingMessage): number | undefined {
  const header = response.headers['content-length'];
  return header !== undefined && /^\d+$/.test(header) ? Number(header) : undefined;
}

function partialContent(response: http.IncomingMessage, requestedStart: number): { offset: number; length?: number } {
  const match = CONTENT_RANGE.exec(response.headers['content-range'] ?? '');
  if (!match) return { offset: requestedStart };
  return { offset: Number(match[1]), length: match[3] === '*' ? undefined : Number(match[3]) };
}
