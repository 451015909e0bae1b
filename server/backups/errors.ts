import type { ContentfulStatusCode } from 'hono/utils/http-status';

/** A refusal the client can act on: a stable code for the UI, a message that says what to do. */
export class BackupError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'BackupError';
  }
}
