import { Ollama } from 'ollama';
import * as z from 'zod';
import { ollamaHost, type Config } from '../../config';
import { HouseStyleError } from '../../errors';
import { baseShape, type BaseShape } from '../adapters/adapterFit';
import type { ChatAnswer, ChatModel, ChatRequest } from '../chatModel';
import { badResponseError, ollamaError, type OllamaCallContext } from './errors';
import { afterRunningTime } from './runningTimer';

export interface OllamaModelInfo {
  name: string;
  size: number;
  digest: string;
  family?: string;
  parameterSize?: string;
}

export interface OllamaModelDetails {
  family?: string;
  parameterSize?: string;
  contextLength?: number;
  template?: string;
  /** What the model can do, e.g. `completion`, `embedding`, `tools` (absent from Ollama before 0.6.4). */
  capabilities?: string[];
  /** Architecture, hidden size, layers and heads from `model_info` (its GGUF key-values). */
  shape?: BaseShape;
  /** `details.quantization_level`, e.g. Q4_K_M or F16. */
  quantization?: string;
  /** The Modelfile PARAMETER lines' content as Ollama prints them (`name value` per line). */
  parameters?: string;
}

const DEFAULT_PROBE_MS = 1500;

const finalChatChunk = z.object({
  model: z.string(),
  message: z.object({ content: z.string() }),
  done: z.literal(true),
  done_reason: z.string().optional(),
  prompt_eval_count: z.number().optional(),
  eval_count: z.number().optional(),
  total_duration: z.number().optional(),
  load_duration: z.number().optional(),
  prompt_eval_duration: z.number().optional(),
  eval_duration: z.number().optional(),
});
const embedAnswer = z.object({ embeddings: z.array(z.array(z.number())) });
const versionAnswer = z.object({ version: z.string() });
const modelDetails = z.object({ family: z.string().optional(), parameter_size: z.string().optional(), quantization_level: z.string().optional() }).optional();
const tagsAnswer = z.object({
  models: z.array(z.object({ name: z.string(), size: z.number(), digest: z.string(), details: modelDetails })),
});
const showAnswer = z.object({
  template: z.string().optional(),
  parameters: z.string().optional(),
  details: modelDetails,
  model_info: z.record(z.string(), z.unknown()).optional(),
  capabilities: z.array(z.string()).optional(),
});

/** Thrown through the stream loop when a caller's callback fails, so it reaches the caller unchanged. */
class CallbackFailure {
  constructor(readonly error: unknown) {}
}

/** The one place that talks to Ollama: the real `ollama` client, with timeouts, cancellation and actionable errors. */
export class OllamaClient implements ChatModel {
  /** Normalized as ollama-js does it (scheme and default port added), so messages name what is really called. */
  readonly host: string;
  /** How long Ollama may stay silent during a call (blob uploads use it too). */
  readonly timeoutMs: number;
  /** Model calls (chat, embed) end after this long in all, even while bytes keep trickling in. */
  private readonly deadlineMs: number | undefined;
  private readonly maxAnswerTokens: number | undefined;
  /**
   * The largest num_ctx sent for each model. Ollama reloads a loaded model whenever a request's num_ctx differs from
   * the one it was loaded with (server/sched.go needsReload compares the runner options), which takes seconds; a
   * review's windows and its rerank each ask for room for their own prompt, so each would reload the model. A
   * request asking for less gets the largest already sent instead, and the model stays loaded.
   */
  private readonly contextSent = new Map<string, number>();

  constructor(options: { host: string; timeoutMs: number; deadlineMs?: number; maxAnswerTokens?: number }) {
    this.host = normalizedHost(options.host);
    this.timeoutMs = options.timeoutMs;
    this.deadlineMs = options.deadlineMs;
    this.maxAnswerTokens = options.maxAnswerTokens;
  }

  static fromConfig(config: Config, env: NodeJS.ProcessEnv = process.env): OllamaClient {
    const { timeoutMs, deadlineMs, maxAnswerTokens } = config.ollama;
    return new OllamaClient({ host: ollamaHost(config, env), timeoutMs, deadlineMs, maxAnswerTokens });
  }

  async chat(request: ChatRequest): Promise<ChatAnswer> {
    const started = performance.now();
    return this.call({ operation: 'chat', model: request.model, signal: request.signal, deadlineMs: this.deadlineMs }, async (ollama, context) => {
      const cap = this.maxAnswerTokens;
      const numCtx = request.options?.num_ctx === undefined ? undefined : Math.max(request.options.num_ctx, this.contextSent.get(request.model) ?? 0);
      if (numCtx !== undefined) this.contextSent.set(request.model, numCtx);
      const options = numCtx === undefined ? request.options : { ...request.options, num_ctx: numCtx };
      const body = {
        model: request.model,
        messages: request.messages,
        format: request.format,
        options: cap === undefined ? options : { ...options, num_predict: Math.min(options?.num_predict ?? cap, cap) },
        keep_alive: request.keepAlive,
      };
      const { onToken } = request;
      let content = '';
      let final: unknown;
      if (onToken) {
        for await (const part of await ollama.chat({ ...body, stream: true })) {
          const piece = part.message?.content ?? '';
          if (piece) {
            content += piece;
            try {
              onToken(piece);
            } catch (error) {
              throw new CallbackFailure(error);
            }
          }
          if (part.done) final = part;
        }
      } else {
        final = await ollama.chat({ ...body, stream: false });
      }
      const done = parseAnswer(finalChatChunk, final, context);
      return {
        content: onToken ? content : done.message.content,
        model: done.model,
        metrics: {
          promptTokens: done.prompt_eval_count ?? 0,
          completionTokens: done.eval_count ?? 0,
          totalDurationMs: nanosToMs(done.total_duration),
          loadDurationMs: nanosToMs(done.load_duration),
          promptEvalDurationMs: nanosToMs(done.prompt_eval_duration),
          evalDurationMs: nanosToMs(done.eval_duration),
          wallMs: performance.now() - started,
        },
        ...(done.done_reason ? { doneReason: done.done_reason } : {}),
      };
    });
  }

  async embed(model: string, texts: string[], signal?: AbortSignal): Promise<number[][]> {
    if (texts.length === 0) return [];
    return this.call({ operation: 'embed', model, signal, deadlineMs: this.deadlineMs }, async (ollama, context) => {
      const { embeddings } = parseAnswer(embedAnswer, await ollama.embed({ model, input: texts }), context);
      if (embeddings.length !== texts.length) {
        throw badResponseError(context, `${embeddings.length} vectors for ${texts.length} texts`);
      }
      return embeddings;
    });
  }

  async version(): Promise<string> {
    return this.call({ operation: 'version' }, async (ollama, context) => parseAnswer(versionAnswer, await ollama.version(), context).version);
  }

  async listModels(): Promise<OllamaModelInfo[]> {
    return this.call({ operation: 'list' }, async (ollama, context) =>
      parseAnswer(tagsAnswer, await ollama.list(), context).models.map((m) => ({
        name: m.name,
        size: m.size,
        digest: m.digest,
        ...(m.details?.family ? { family: m.details.family } : {}),
        ...(m.details?.parameter_size ? { parameterSize: m.details.parameter_size } : {}),
      })),
    );
  }

  /** Tolerant of Ollama's implicit ':latest' tag on either side. */
  async hasModel(name: string): Promise<boolean> {
    const wanted = withExplicitTag(name);
    return (await this.listModels()).some((m) => withExplicitTag(m.name) === wanted);
  }

  async show(model: string): Promise<OllamaModelDetails> {
    return this.call({ operation: 'show', model }, async (ollama, context) => {
      const answer = parseAnswer(showAnswer, await ollama.show({ model }), context);
      const info = answer.model_info ?? {};
      const architecture = info['general.architecture'];
      const contextLength = typeof architecture === 'string' ? info[`${architecture}.context_length`] : undefined;
      const shape = baseShape(info);
      return {
        ...(shape ? { shape } : {}),
        ...(answer.details?.quantization_level ? { quantization: answer.details.quantization_level } : {}),
        ...(answer.parameters ? { parameters: answer.parameters } : {}),
        ...(answer.details?.family ? { family: answer.details.family } : {}),
        ...(answer.details?.parameter_size ? { parameterSize: answer.details.parameter_size } : {}),
        ...(typeof contextLength === 'number' ? { contextLength } : {}),
        ...(answer.template !== undefined ? { template: answer.template } : {}),
        ...(answer.capabilities ? { capabilities: answer.capabilities } : {}),
      };
    });
  }

  async pull(model: string, onProgress?: (status: string, completed?: number, total?: number) => void, signal?: AbortSignal): Promise<void> {
    await this.call({ operation: 'pull', model, signal }, async (ollama) => {
      for await (const part of await ollama.pull({ model, stream: true })) {
        try {
          onProgress?.(part.status, part.completed, part.total);
        } catch (error) {
          throw new CallbackFailure(error);
        }
      }
    });
  }

  /** Builds a model from `from` plus adapter blobs (already uploaded), reporting Ollama's status lines. */
  async create(request: { model: string; from: string; adapters: Record<string, string> }, onStatus?: (status: string) => void, signal?: AbortSignal): Promise<void> {
    await this.call({ operation: 'create', model: request.model, signal }, async (ollama) => {
      for await (const part of await ollama.create({ ...request, stream: true })) {
        try {
          onStatus?.(part.status);
        } catch (error) {
          throw new CallbackFailure(error);
        }
      }
    });
  }

  async deleteModel(model: string): Promise<void> {
    await this.call({ operation: 'delete', model }, async (ollama) => ollama.delete({ model }));
  }

  /**
   * Cheap reachability probe; never throws. A refused connection or an unknown host is an answer at once; only a
   * host that stays silent is waited for, `silenceMs` of this process's running time (`afterRunningTime`), so a
   * starved or paused process does not take an Ollama that answered meanwhile for one that cannot be reached.
   */
  async isReachable(silenceMs = DEFAULT_PROBE_MS): Promise<boolean> {
    const silent = new AbortController();
    const stop = afterRunningTime(silenceMs, () => silent.abort());
    try {
      // The call's own silence limit counts wall-clock time: the configured one, never shorter than the probe's.
      const request = { operation: 'version' as const, signal: silent.signal, timeoutMs: Math.max(this.timeoutMs, silenceMs) };
      await this.call(request, async (ollama, context) => parseAnswer(versionAnswer, await ollama.version(), context));
      return true;
    } catch {
      return false;
    } finally {
      stop();
    }
  }

  /**
   * Runs one request through a fresh ollama-js client whose fetch carries this call's signals: the caller's, an
   * inactivity timeout that every received chunk resets (so long streamed answers are not cut off), and one that
   * closes the connection whenever the call ends early. ollama-js passes no signal on non-streaming requests, so
   * the fetch wrapper is the only way to cancel those.
   */
  private async call<T>(
    request: { operation: OllamaCallContext['operation']; model?: string; signal?: AbortSignal; timeoutMs?: number; deadlineMs?: number },
    run: (ollama: Ollama, context: OllamaCallContext) => Promise<T>,
  ): Promise<T> {
    const context: OllamaCallContext = {
      host: this.host,
      operation: request.operation,
      ...(request.model ? { model: request.model } : {}),
      timeoutMs: request.timeoutMs ?? this.timeoutMs,
      cancelled: false,
      timedOut: false,
      answered: false,
      ...(request.deadlineMs !== undefined ? { deadlineMs: request.deadlineMs } : {}),
    };
    const ended = new AbortController();
    const idle = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const touch = (): void => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        context.timedOut = true;
        idle.abort();
      }, context.timeoutMs);
    };
    const deadline = request.deadlineMs === undefined ? undefined : AbortSignal.timeout(request.deadlineMs);
    deadline?.addEventListener('abort', () => (context.pastDeadline = true));
    const fetchForCall: typeof fetch = async (input, init) => {
      const signals = [ended.signal, idle.signal, ...(deadline ? [deadline] : []), ...(request.signal ? [request.signal] : []), ...(init?.signal ? [init.signal] : [])];
      const response = await fetch(input, { ...init, signal: AbortSignal.any(signals) });
      context.answered = true;
      touch();
      if (!response.body) return response;
      const counted = response.body.pipeThrough(
        new TransformStream<Uint8Array, Uint8Array>({
          transform(chunk, controller) {
            touch();
            controller.enqueue(chunk);
          },
        }),
      );
      return new Response(counted, { status: response.status, statusText: response.statusText, headers: response.headers });
    };
    touch();
    try {
      return await run(new Ollama({ host: this.host, fetch: fetchForCall }), context);
    } catch (error) {
      if (error instanceof CallbackFailure) throw error.error;
      context.cancelled = request.signal?.aborted ?? false;
      throw ollamaError(error, context);
    } finally {
      clearTimeout(timer);
      ended.abort();
    }
  }
}

/** Exposes the host exactly as ollama-js formats it, instead of re-implementing its rules. */
class HostProbe extends Ollama {
  get host(): string {
    return this.config.host;
  }
}

function normalizedHost(host: string): string {
  try {
    return new HostProbe({ host }).host;
  } catch (error) {
    throw new HouseStyleError(`"${host}" is not a valid Ollama host.`, 'Set OLLAMA_HOST or housestyle ollama.host to a URL such as http://127.0.0.1:11434.', 'config', {
      cause: error,
      fix: ['fix-ollama-host'],
    });
  }
}

function withExplicitTag(name: string): string {
  const lastSegment = name.slice(name.lastIndexOf('/') + 1);
  return lastSegment.includes(':') ? name : `${name}:latest`;
}

function nanosToMs(nanos: number | undefined): number {
  return (nanos ?? 0) / 1e6;
}

function parseAnswer<T>(schema: z.ZodType<T>, value: unknown, context: OllamaCallContext): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  throw badResponseError(context, issue ? `${issue.path.join('.') || 'body'}: ${issue.message}` : 'unexpected shape');
}
