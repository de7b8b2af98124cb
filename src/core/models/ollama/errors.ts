import { cancellationError, HouseStyleError } from '../../errors';

/** What the client knew when a call failed: enough to tell the failures apart and to name host, model and setting. */
export interface OllamaCallContext {
  host: string;
  operation: 'chat' | 'embed' | 'pull' | 'show' | 'list' | 'version' | 'create' | 'delete';
  model?: string;
  timeoutMs: number;
  /** The caller's signal fired. */
  cancelled: boolean;
  /** Ollama sent nothing for timeoutMs. */
  timedOut: boolean;
  /** Response headers had arrived, so a dropped connection means a truncated answer rather than an unreachable host. */
  answered: boolean;
  /** The longest the whole call may take; `pastDeadline` once it has. */
  deadlineMs?: number;
  pastDeadline?: boolean;
}

const OUT_OF_MEMORY = /requires more system memory|out of memory|insufficient memory|not enough memory|cudaMalloc failed|failed to allocate/i;
const MODEL_MISSING = /model ["']?[^"']*["']? not found|pull model manifest|file does not exist/i;
/** What ollama-js throws when a body or stream is not what the API promises, in words a user can follow. */
const CLIENT_SIDE_BODY_ERRORS = new Map([
  ['Did not receive done or success response in stream.', 'the stream ended without its final message'],
  ['Missing body', 'the answer had no body'],
]);

/** Maps any failure of an Ollama call to the one HouseStyleError a user can act on. */
export function ollamaError(error: unknown, context: OllamaCallContext): HouseStyleError {
  if (error instanceof HouseStyleError) return error;
  if (context.cancelled) return cancellationError('Cancelled.', undefined, error);
  if (context.pastDeadline) return deadlineError(context, error);
  if (context.timedOut) return timeoutError(context, error);
  const status = httpStatus(error);
  const text = error instanceof Error ? error.message : String(error);
  if (status === undefined && !context.answered) {
    return new HouseStyleError(
      `Cannot reach Ollama at ${context.host}.`,
      'Start Ollama (`ollama serve`) or set OLLAMA_HOST / housestyle ollama.host to where it runs.',
      'ollama-unreachable',
      { cause: error, fix: ['set-ollama-host'] },
    );
  }
  if (OUT_OF_MEMORY.test(text)) return modelTooLargeError(context, text, error);
  if ((status === 404 || status === undefined) && MODEL_MISSING.test(text)) return modelNotFoundError(context, text, error);
  if (status === undefined) {
    // After headers: either ollama-js found the body broken, the connection dropped mid-answer, or Ollama streamed `{"error": ...}`.
    if (error instanceof TypeError) return badResponseError(context, `the connection closed before the answer was complete (${text})`, error);
    if (error instanceof SyntaxError) return badResponseError(context, `invalid JSON (${text})`, error);
    const bodyProblem = CLIENT_SIDE_BODY_ERRORS.get(text);
    if (bodyProblem) return badResponseError(context, bodyProblem, error);
    return serverError(context, text, error);
  }
  if (status >= 500) return serverError(context, text, error);
  return new HouseStyleError(
    `Ollama at ${context.host} refused the ${context.operation} request${forModel(context)} (HTTP ${status}): ${text}`,
    context.operation === 'embed' || context.operation === 'chat'
      ? `Check that ${context.model ?? 'the model'} supports ${context.operation === 'embed' ? 'embeddings' : 'chat'} and that your Ollama is up to date.`
      : 'Check the model name and that your Ollama is up to date.',
    'ollama-rejected',
    { cause: error },
  );
}

/** An answer that arrived whole but does not have the shape Ollama documents. */
export function badResponseError(context: OllamaCallContext, detail: string, cause?: unknown): HouseStyleError {
  return new HouseStyleError(
    `Ollama at ${context.host} sent a malformed or incomplete ${context.operation} answer${forModel(context)}: ${detail}`,
    'Try again; if it keeps happening, check the Ollama server log and that the host is Ollama itself rather than a proxy.',
    'ollama-bad-response',
    { cause },
  );
}

function timeoutError(context: OllamaCallContext, cause: unknown): HouseStyleError {
  const seconds = Math.round(context.timeoutMs / 100) / 10;
  return new HouseStyleError(
    `Ollama at ${context.host} sent nothing for ${seconds} s during ${context.operation}${forModel(context)}.`,
    `Raise ollama.timeoutMs (now ${context.timeoutMs}) if the model needs longer to load or answer, or use a smaller model.`,
    'ollama-timeout',
    { cause },
  );
}

function deadlineError(context: OllamaCallContext, cause: unknown): HouseStyleError {
  const seconds = Math.round((context.deadlineMs ?? 0) / 100) / 10;
  return new HouseStyleError(
    `Ollama at ${context.host} did not finish the ${context.operation}${forModel(context)} within ${seconds} s.`,
    `Raise ollama.deadlineMs (now ${context.deadlineMs}) if the model is slow but working, or use a smaller model.`,
    'ollama-timeout',
    { cause },
  );
}

function modelNotFoundError(context: OllamaCallContext, text: string, cause: unknown): HouseStyleError {
  const model = context.model ?? /model ["']([^"']+)["']/.exec(text)?.[1] ?? 'the model';
  const message = `Model ${model} is not available on Ollama at ${context.host}.`;
  if (context.operation === 'pull') return new HouseStyleError(message, `Check the name and tag of ${model} in the Ollama library (ollama.com/library).`, 'model-not-found', { cause });
  return new HouseStyleError(message, `Pull it with \`ollama pull ${model}\`, or configure a model that \`ollama list\` shows.`, 'model-not-found', { cause, fix: ['pull-model'] });
}

function modelTooLargeError(context: OllamaCallContext, text: string, cause: unknown): HouseStyleError {
  return new HouseStyleError(
    `${context.model ?? 'The model'} does not fit in the memory available to Ollama at ${context.host}: ${text}`,
    'Use a smaller or more quantized model (for example a 3b or q4_K_M tag), lower num_ctx, or close other programs that hold GPU memory.',
    'model-too-large',
    { cause },
  );
}

function serverError(context: OllamaCallContext, text: string, cause: unknown): HouseStyleError {
  return new HouseStyleError(
    `Ollama at ${context.host} failed during ${context.operation}${forModel(context)}: ${text}`,
    'Check the Ollama server log (`journalctl -u ollama`, or ~/.ollama/logs/server.log) and restart Ollama if it persists.',
    'ollama-server-error',
    { cause, fix: ['check-ollama-log'] },
  );
}

function forModel(context: OllamaCallContext): string {
  return context.model ? ` with ${context.model}` : '';
}

/** ollama-js throws a ResponseError (not exported) carrying the HTTP status for non-2xx answers. */
function httpStatus(error: unknown): number | undefined {
  if (!(error instanceof Error) || error.name !== 'ResponseError') return undefined;
  const status = (error as Error & { status_code?: unknown }).status_code;
  return typeof status === 'number' ? status : undefined;
}
