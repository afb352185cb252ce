import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { OPENAPI_FILE } from '../contracts/package-paths';
import type { ForeignReply } from '../http/rest-controller';
import type { EsVersion } from '../inference/profiles';
import { MOCK_PREFIX, mockError, mockJson, MockRequest, MockRouter } from './mock-router';
import { documentForProfile } from './profile-document';

export interface MockDocumentsOptions {
  /** This server's URL, for the OpenAPI document's `servers` when a request has no `Host` header. */
  serverUrl: () => string;
  /** The profile whose operations, parameters and examples `openapi.json` keeps. */
  esVersion: EsVersion;
  openapiFile?: string;
}

/** Swagger UI's files; `require.resolve` finds them without loading the browser bundle into Node. */
const SWAGGER_UI_DIR = path.dirname(require.resolve('swagger-ui-dist/package.json'));

const CONTENT_TYPES: Record<string, string> = {
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.png': 'image/png',
};

/** The files of swagger-ui-dist the page loads, and their source maps. */
const SWAGGER_UI_FILES = new Set([
  'swagger-ui.css',
  'swagger-ui.css.map',
  'swagger-ui-bundle.js',
  'swagger-ui-bundle.js.map',
  'swagger-ui-standalone-preset.js',
  'swagger-ui-standalone-preset.js.map',
  'favicon-16x16.png',
  'favicon-32x32.png',
]);

const DOCS = `${MOCK_PREFIX}/docs`;

const DOCS_PAGE = `<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>elser-mock API</title>
    <link rel="stylesheet" href="${DOCS}/swagger-ui.css" />
    <link rel="icon" type="image/png" href="${DOCS}/favicon-32x32.png" sizes="32x32" />
    <link rel="icon" type="image/png" href="${DOCS}/favicon-16x16.png" sizes="16x16" />
    <style>
      html { box-sizing: border-box; overflow-y: scroll; }
      *, *:before, *:after { box-sizing: inherit; }
      body { margin: 0; background: #fafafa; }
    </style>
  </head>
  <body>
    <div id="swagger-ui"></div>
    <script src="${DOCS}/swagger-ui-bundle.js" charset="UTF-8"></script>
    <script src="${DOCS}/swagger-ui-standalone-preset.js" charset="UTF-8"></script>
    <script src="${DOCS}/swagger-initializer.js" charset="UTF-8"></script>
  </body>
</html>
`;

// `validatorUrl: null`: Swagger UI would otherwise send the document to validator.swagger.io.
const INITIALIZER = `window.onload = function () {
  window.ui = SwaggerUIBundle({
    url: '${MOCK_PREFIX}/openapi.json',
    dom_id: '#swagger-ui',
    deepLinking: true,
    validatorUrl: null,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
    plugins: [SwaggerUIBundle.plugins.DownloadUrl],
    layout: 'StandaloneLayout',
  });
};
`;

interface OpenApiSource {
  text: string;
  document: ReturnType<typeof documentForProfile>;
}

/**
 * `GET /__mock/openapi.yaml` (the document as written, for both profiles), `GET /__mock/openapi.json`
 * (this server's profile only, its `servers` naming the address the request was sent to) and `GET /__mock/docs`, Swagger UI
 * over that document, served from swagger-ui-dist with no network access.
 */
export function registerMockDocuments(mock: MockRouter, options: MockDocumentsOptions): void {
  const file = options.openapiFile ?? OPENAPI_FILE;
  let loaded: Promise<OpenApiSource> | undefined;
  const load = async (): Promise<OpenApiSource | undefined> => {
    // The YAML parser loads with the first request for a document, not with every start.
    loaded ??= readFile(file, 'utf8').then((text) => {
      const { parse } = require('yaml') as typeof import('yaml');
      return { text, document: documentForProfile(parse(text), options.esVersion) };
    });
    try {
      return await loaded;
    } catch {
      loaded = undefined;
      return undefined;
    }
  };
  const unavailable = () => mockError(500, `the OpenAPI document [${file}] could not be read`);

  mock.add('GET', '/openapi.yaml', async () => {
    const source = await load();
    if (!source) return unavailable();
    return { status: 200, headers: { 'content-type': 'application/yaml; charset=utf-8' }, body: source.text };
  });
  mock.add('GET', '/openapi.json', async (request) => {
    const source = await load();
    if (!source) return unavailable();
    return mockJson(200, { ...source.document, servers: [{ url: origin(request, options.serverUrl) }] });
  });
  mock.add('GET', '/docs', () => html());
  mock.add('GET', '/docs/*', (request) => docsFile(request.path.slice('/docs/'.length)));
}

/** The address the client used, so that "Try it out" works behind port mappings; else the listening URL. */
function origin(request: MockRequest, serverUrl: () => string): string {
  const host = request.headers.host;
  return host && /^[\w.-]+(:\d+)?$|^\[[\da-fA-F:.]+\](:\d+)?$/.test(host) ? `http://${host}` : serverUrl();
}

function html(): ForeignReply {
  return { status: 200, headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-cache' }, body: DOCS_PAGE };
}

async function docsFile(name: string): Promise<ForeignReply> {
  if (name === '' || name === 'index.html') return html();
  if (name === 'swagger-initializer.js') {
    return { status: 200, headers: { 'content-type': CONTENT_TYPES['.js'], 'cache-control': 'no-cache' }, body: INITIALIZER };
  }
  if (!SWAGGER_UI_FILES.has(name)) return mockError(404, `no such file [${DOCS}/${name}]`);
  const body = await readFile(path.join(SWAGGER_UI_DIR, name));
  return { status: 200, headers: { 'content-type': CONTENT_TYPES[path.extname(name)], 'cache-control': 'public, max-age=3600' }, body };
}
