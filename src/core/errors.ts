/**
 * Every kind of failure a user can act on. Front ends choose what to offer by code (the editor maps each one
 * to its actions), so a new code is a compile error until every front end has decided what it means.
 */
export const ERROR_CODES = [
  /** A command was called wrongly: missing or conflicting arguments. */
  'usage',
  /** A setting or `.housestyle/config.json` is invalid. */
  'config',
  /** The workspace is in Restricted Mode. */
  'untrusted',
  /** The user (or a newer run) cancelled: never shown as an error. */
  'cancelled',
  'ollama-unreachable',
  'ollama-timeout',
  'ollama-rejected',
  'ollama-bad-response',
  'ollama-server-error',
  'model-not-found',
  'model-too-large',
  /** Nothing indexed yet, or indexed by an earlier version: indexing makes it searchable. */
  'index-missing',
  /** The index exists but cannot be opened or searched. */
  'index-unavailable',
  /** A shared index (index.readOnly) was asked to be written. */
  'index-read-only',
  /** Index files are missing or cut off: `housestyle index --rebuild` (Rebuild Index) replaces them. */
  'index-damaged',
  /** Another run holds the index lock past the wait. */
  'index-locked',
  /** No space left for the index. */
  'disk-full',
  /** The knowledge base has no rows: its include globs matched nothing. */
  'knowledge-empty',
  /** The repository's configuration names an Ollama host off this machine that the user has not confirmed. */
  'host-not-confirmed',
  /** A path (or a link's target) lies outside the workspace, which is never read. */
  'outside-workspace',
  'embedder',
  'embedder-unavailable',
  /** The MiniLM model files are missing or unreadable. */
  'embedder-model',
  /** The model's review answer stayed invalid after the retry. */
  'review-bad-answer',
  'git',
  'not-a-repo',
  'dataset',
  'comments',
  /** A forge (GitHub, GitLab) refused, could not be reached, or was not named. */
  'forge',
  'feedback',
  /** An adapter folder or file that cannot be imported (missing files, bad header, wrong family). */
  'adapter-invalid',
  /** Ollama refused to build a model from the adapter. */
  'adapter-rejected',
  /** The fine-tuned or hybrid route has no adapted model to use. */
  'route-unavailable',
  /** `.housestyle/models.json` is unreadable or names an unknown version. */
  'registry',
  /** LLaMA-Factory training failed or could not start. */
  'training-failed',
  /** Anything else House Style detected and explained. */
  'failed',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/**
 * Steps that fix a failure, named for what the user does rather than how a front end spells it. `hint` is
 * written for the command line (flags, `housestyle …`); a front end that has its own way of doing a step
 * (the editor: a command behind a button) words the steps itself and shows them instead of the hint.
 */
export const FIX_STEPS = [
  'import-adapter',
  /** The adapter file is fine but its name is taken: import it again under another. */
  'import-under-new-name',
  /** The adapter does not fit the base it was imported onto: import it onto the one it was trained on. */
  'import-onto-trained-base',
  /** Pick a PEFT LoRA folder or a .gguf adapter to import. */
  'choose-adapter',
  /** Convert the adapter with llama.cpp's converter and import the .gguf file. */
  'convert-adapter',
  'train-adapter',
  /** Training failed or stopped: fix what its output says and train again. */
  'train-again',
  /** Make the training host reachable over ssh without a password prompt. */
  'reach-training-host',
  /** Install LLaMA-Factory where training runs, or say how its environment is activated. */
  'install-llamafactory',
  /** The training host's setup command failed: fix it. */
  'fix-training-setup',
  'build-dataset',
  /** The dataset's folder is taken or not empty: build into a new one. */
  'build-dataset-elsewhere',
  /** A dataset has too few test examples: fetch the forge's review comments and build it again. */
  'fetch-review-comments',
  /** The forge's host is not the public one: name it with the repository. */
  'name-forge-host',
  /** Open a git repository with history (datasets come from its commits). */
  'open-git-repository',
  /** Choose the rag route (the one that needs no fine-tuned model). */
  'use-rag-route',
  /** Set models.route to the recommended route. */
  'choose-route',
  'choose-version',
  'index',
  'rebuild-index',
  'pull-model',
  /** Point House Style at the Ollama that runs (its host setting). */
  'set-ollama-host',
  /** The host setting is not a URL: write it as one. */
  'fix-ollama-host',
  /** Ollama failed on its side: its own log says why. */
  'check-ollama-log',
  /** The hashing embedder needs no model files and always works. */
  'use-hash-embedder',
  /** Point index.modelDir at a copy of all-MiniLM-L6-v2. */
  'set-minilm-folder',
  /** Add style guides or docs the knowledge base's include globs match. */
  'add-knowledge-sources',
] as const;

export type FixStep = (typeof FIX_STEPS)[number];

/**
 * An error the user can act on: `message` says what happened, `hint` says what to do (for the command line),
 * `fix` names the same steps for front ends that word them their own way.
 * Front ends show these as one line each; anything else is a bug and is shown as such.
 */
export class HouseStyleError extends Error {
  readonly fix: readonly FixStep[];

  constructor(
    message: string,
    readonly hint?: string,
    readonly code: ErrorCode = 'failed',
    options?: { cause?: unknown; fix?: readonly FixStep[] },
  ) {
    super(message, options && 'cause' in options ? { cause: options.cause } : undefined);
    this.name = 'HouseStyleError';
    this.fix = options?.fix ?? [];
  }
}

export function describeError(error: unknown): string {
  // A message quoted from Ollama may end without a full stop ("signal: killed"): the hint starts a new sentence.
  if (error instanceof HouseStyleError) return error.hint ? `${error.message}${/[.!?:]$/.test(error.message) ? '' : '.'} ${error.hint}` : error.message;
  if (error instanceof Error) return error.message;
  return String(error);
}

/** The one cancellation test: our `cancelled` code, or the `AbortError` that fetch, streams and timers throw. */
export function isCancellation(error: unknown): boolean {
  if (error instanceof HouseStyleError) return error.code === 'cancelled';
  return (error instanceof Error || error instanceof DOMException) && error.name === 'AbortError';
}

export function errorCodeOf(error: unknown): ErrorCode | 'bug' {
  return error instanceof HouseStyleError ? error.code : isCancellation(error) ? 'cancelled' : 'bug';
}

/**
 * The one way core work stops on cancel: between steps, with a message that says what was kept (and, in
 * `hint` and `fix`, how to go on from there).
 */
export function throwIfCancelled(signal: AbortSignal | undefined, message = 'Cancelled.', hint?: string, fix?: readonly FixStep[]): void {
  if (signal?.aborted) throw cancellationError(message, hint, undefined, fix);
}

/** The error a cancellation raises, for the callbacks (a child's exit, a worker's reply) that learn of an abort outside a step. */
export function cancellationError(message = 'Cancelled.', hint?: string, cause?: unknown, fix?: readonly FixStep[]): HouseStyleError {
  return new HouseStyleError(message, hint, 'cancelled', { ...(cause !== undefined && { cause }), ...(fix && { fix }) });
}
