import { promises as fs } from 'node:fs';

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
