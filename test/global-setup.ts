import { BUILTIN_REPOSITORY_DIR } from '../src/server';

/** Builds the built-in model repository once, before any test file starts a server. */
export default async function globalSetup(): Promise<void> {
  const { buildBuiltinRepository } = await import('../src/model/builder/cli');
  await buildBuiltinRepository(BUILTIN_REPOSITORY_DIR);
}
