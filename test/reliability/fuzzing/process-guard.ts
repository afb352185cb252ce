/**
 * Watches the process the in-process server runs in: an unhandled rejection, an uncaught
 * exception or a call to `process.exit` is a crash of the server, whatever the responses said.
 */
export class ProcessGuard {
  readonly crashes: string[] = [];
  /** Node warnings (a TimeoutOverflowWarning is a timeout the server could not honour). */
  readonly warnings: string[] = [];
  private readonly onRejection = (reason: unknown) => this.crashes.push(`unhandled rejection: ${describeError(reason)}`);
  private readonly onException = (error: unknown) => this.crashes.push(`uncaught exception: ${describeError(error)}`);
  private readonly onWarning = (warning: Error) => this.warnings.push(`${warning.name}: ${warning.message}`);
  private exitSpy?: jest.SpyInstance;

  install(): void {
    process.on('unhandledRejection', this.onRejection);
    process.on('uncaughtException', this.onException);
    process.on('warning', this.onWarning);
    this.exitSpy = jest.spyOn(process, 'exit').mockImplementation(((code?: number) => {
      this.crashes.push(`process.exit(${code ?? ''})`);
      return undefined as never;
    }) as typeof process.exit);
  }

  uninstall(): void {
    process.off('unhandledRejection', this.onRejection);
    process.off('uncaughtException', this.onException);
    process.off('warning', this.onWarning);
    this.exitSpy?.mockRestore();
  }
}

function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}\n${error.stack ?? ''}`;
  return String(error);
}
