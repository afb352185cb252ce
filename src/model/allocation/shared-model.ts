import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { WorkerInit } from './protocol';
import { SHARED_MODEL_FILE } from './session-options';
import { allocationWorkerScript } from './worker-script';

/** Reads a model file into memory that every allocation worker sees without a copy of its own. */
export async function readSharedModel(modelPath: string): Promise<Uint8Array> {
  const file = await fs.open(modelPath, 'r');
  try {
    const { size } = await file.stat();
    const bytes = new Uint8Array(new SharedArrayBuffer(size));
    for (let offset = 0; offset < size;) {
      const { bytesRead } = await file.read(bytes, offset, size - offset, offset);
      if (bytesRead === 0) throw new Error(`${modelPath} ended after ${offset} of ${size} bytes`);
      offset += bytesRead;
    }
    return bytes;
  } finally {
    await file.close();
  }
}

/** A model written for several allocations to map: see `AllocationSessionOptions.sharedWeights`. */
export interface SharedModel {
  modelPath: string;
  /** Deletes the files; sessions that mapped them keep working. */
  remove(): Promise<void>;
}

/**
 * Has a child process load the model once, write its shared form into a new
 * temporary directory and check that the form runs. Rejects with onnxruntime's
 * reason (or the child's end) if it cannot; `signal` kills the child and
 * rejects.
 */
export async function deriveSharedModel(init: WorkerInit, signal?: AbortSignal): Promise<SharedModel> {
  const directory = await fs.mkdtemp(path.join(tmpdir(), 'elser-mock-shared-model-'));
  const remove = () => fs.rm(directory, { recursive: true, force: true });
  try {
    let source = init.modelPath;
    if (source === undefined) {
      source = path.join(directory, 'source.onnx');
      await fs.writeFile(source, init.model!);
    }
    const script = allocationWorkerScript(undefined, 'shared-model-writer');
    const args = [source, directory, String(init.threads), JSON.stringify(init.sessionOptions ?? {}), JSON.stringify(init.signature)];
    const child = spawn(process.execPath, [...script.execArgv, script.filename, ...args], { stdio: ['ignore', 'ignore', 'pipe'], signal });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const code = await new Promise<number | null>((resolve, reject) => {
      // A child that started always ends with 'close', aborted or not; 'error' alone means it never started.
      child.once('error', (error) => (child.pid === undefined ? reject(error) : undefined));
      child.once('close', resolve);
    });
    signal?.throwIfAborted();
    if (code !== 0) throw new Error(stderr.trim() || `the shared model writer exited with code ${code}`);
    if (init.modelPath === undefined) await fs.rm(source, { force: true });
    return { modelPath: path.join(directory, SHARED_MODEL_FILE), remove };
  } catch (error) {
    await remove();
    throw error;
  }
}
