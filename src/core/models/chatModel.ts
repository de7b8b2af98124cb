/**
 * What review, chat, compare and evaluation need from a model, whoever serves it. `OllamaClient` implements
 * it; the routes (base, fine-tuned, hybrid) differ only in the model name and the request they send.
 */
export interface ChatModel {
  chat(request: ChatRequest): Promise<ChatAnswer>;
}

/** One turn of a conversation, as served to a model and as written to a training file. */
export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface ChatRequest {
  model: string;
  messages: ChatMessage[];
  /** A JSON schema object (structured outputs) or 'json'. */
  format?: object | 'json';
  options?: { temperature?: number; seed?: number; num_ctx?: number; num_predict?: number };
  /** Stream tokens to onToken; the answer is still returned whole. */
  onToken?: (text: string) => void;
  signal?: AbortSignal;
  keepAlive?: string | number;
}

export interface ChatAnswer {
  content: string;
  model: string;
  metrics: ModelMetrics;
  doneReason?: string;
}

/** What one call cost, as the server reports it, plus the wall time we measured around it. */
export interface ModelMetrics {
  promptTokens: number;
  completionTokens: number;
  totalDurationMs: number;
  loadDurationMs: number;
  promptEvalDurationMs: number;
  evalDurationMs: number;
  /** Measured around the call by us, so it includes the network and queueing inside the server. */
  wallMs: number;
}
