/** A bad flag, file or configuration: the CLI prints the one-line message and exits 2 (DESIGN.md). */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
