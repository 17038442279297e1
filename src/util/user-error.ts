/**
 * An error the user can fix (bad option, missing file, no permission …).
 * The CLI prints its message as one line on stderr and exits 2; anything
 * else is a bug (exit 1).
 */
export class UserError extends Error {
  readonly hint: string | undefined;
  constructor(message: string, hint?: string) {
    super(message);
    this.name = 'UserError';
    this.hint = hint;
  }
}

/** A warning that does not stop the program (e.g. a capture file cut off mid-record). */
export type WarningSink = (message: string) => void;
