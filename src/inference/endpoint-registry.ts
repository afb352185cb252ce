import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { resourceAlreadyExists } from '../errors/elasticsearch-exception';
import type { InferenceEndpoint } from './endpoint';

/** Where the registry keeps its endpoints between runs. */
export interface EndpointStore {
  load(): Promise<InferenceEndpoint[]>;
  save(endpoints: InferenceEndpoint[]): Promise<void>;
}

export class InMemoryEndpointStore implements EndpointStore {
  async load(): Promise<InferenceEndpoint[]> {
    return [];
  }

  async save(): Promise<void> {}
}

const STORE_FORMAT_VERSION = 1;

/**
 * Keeps every endpoint in one JSON document, replaced atomically: written to a
 * temporary file, flushed to disk, renamed over the old one, then the directory
 * is flushed so the rename itself survives a crash.
 */
export class FileEndpointStore implements EndpointStore {
  readonly file: string;

  constructor(readonly dataDir: string) {
    this.file = path.join(dataDir, 'inference-endpoints.json');
  }

  async load(): Promise<InferenceEndpoint[]> {
    let text: string;
    try {
      text = await fs.readFile(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    const document = JSON.parse(text) as { version: number; endpoints: InferenceEndpoint[] };
    if (document.version !== STORE_FORMAT_VERSION || !Array.isArray(document.endpoints)) {
      throw new Error(`${this.file} is not an elser-mock endpoint store (version ${document.version})`);
    }
    return document.endpoints;
  }

  async save(endpoints: InferenceEndpoint[]): Promise<void> {
    await fs.mkdir(this.dataDir, { recursive: true });
    const temporary = `${this.file}.${process.pid}.tmp`;
    const handle = await fs.open(temporary, 'w');
    try {
      await handle.writeFile(JSON.stringify({ version: STORE_FORMAT_VERSION, endpoints }, null, 2));
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(temporary, this.file);
    const directory = await fs.open(this.dataDir, 'r');
    try {
      await directory.sync();
    } finally {
      await directory.close();
    }
  }
}

/**
 * The `.inference` index of this server: endpoints by id. Changes are applied in
 * memory synchronously (so of two concurrent creates of one id exactly one wins)
 * and acknowledged only once the store has them on disk.
 */
export class EndpointRegistry {
  private readonly endpoints = new Map<string, InferenceEndpoint>();
  private writes: Promise<void> = Promise.resolve();

  constructor(private readonly store: EndpointStore) {}

  async open(): Promise<void> {
    for (const endpoint of await this.store.load()) this.endpoints.set(endpoint.inference_id, endpoint);
  }

  get(id: string): InferenceEndpoint | undefined {
    return this.endpoints.get(id);
  }

  /** All stored endpoints, sorted by id. */
  list(): InferenceEndpoint[] {
    return [...this.endpoints.values()].sort((a, b) => (a.inference_id < b.inference_id ? -1 : a.inference_id > b.inference_id ? 1 : 0));
  }

  async create(endpoint: InferenceEndpoint): Promise<void> {
    if (this.endpoints.has(endpoint.inference_id)) {
      throw resourceAlreadyExists(`Inference endpoint [${endpoint.inference_id}] already exists`);
    }
    this.endpoints.set(endpoint.inference_id, endpoint);
    await this.persist(() => this.endpoints.delete(endpoint.inference_id));
  }

  async replace(endpoint: InferenceEndpoint): Promise<void> {
    const previous = this.endpoints.get(endpoint.inference_id);
    this.endpoints.set(endpoint.inference_id, endpoint);
    await this.persist(() =>
      previous ? this.endpoints.set(previous.inference_id, previous) : this.endpoints.delete(endpoint.inference_id),
    );
  }

  async delete(id: string): Promise<boolean> {
    const previous = this.endpoints.get(id);
    if (!previous) return false;
    this.endpoints.delete(id);
    await this.persist(() => this.endpoints.set(id, previous));
    return true;
  }

  /** Queues a snapshot write; if it fails, `undo` restores the in-memory state and the error propagates. */
  private persist(undo: () => void): Promise<void> {
    const write = this.writes.then(() => this.store.save([...this.endpoints.values()]));
    this.writes = write.catch(() => undefined);
    return write.catch((error: unknown) => {
      undo();
      throw error;
    });
  }
}
