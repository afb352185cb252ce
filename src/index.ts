export { start, BUILTIN_REPOSITORY_DIR } from './server';
export type { RunningServer, StartOptions } from './server';
export type { ServerOptions } from './config/options';
