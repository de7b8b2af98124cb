/**
 * An error the user can act on: `message` says what happened, `hint` says what to do.
 * Front ends show these as one line each; anything else is a bug and is shown as such.
 */
export class HouseStyleError extends Error {
  constructor(
    message: string,
    readonly hint?: string,
    readonly code: string = 'housestyle',
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'HouseStyleError';
  }
}

export function describeError(error: unknown): string {
  if (error instanceof HouseStyleError) return error.hint ? `${error.message} ${error.hint}` : error.message;
  if (error instanceof Error) return error.message;
  return String(error);
}
