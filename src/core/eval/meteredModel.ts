import type { ChatAnswer, ChatModel, ChatRequest, ModelMetrics } from '../models/chatModel';

function noMetrics(): ModelMetrics {
  return { promptTokens: 0, completionTokens: 0, totalDurationMs: 0, loadDurationMs: 0, promptEvalDurationMs: 0, evalDurationMs: 0, wallMs: 0 };
}

function addMetrics(total: ModelMetrics, more: ModelMetrics): void {
  for (const key of Object.keys(total) as (keyof ModelMetrics)[]) total[key] += more[key];
}

/** A ChatModel that passes calls through and sums what they cost, so a measurement wraps the real client. */
export class MeteredChatModel implements ChatModel {
  readonly metrics = noMetrics();
  calls = 0;

  constructor(private readonly model: ChatModel) {}

  async chat(request: ChatRequest): Promise<ChatAnswer> {
    const answer = await this.model.chat(request);
    this.calls++;
    addMetrics(this.metrics, answer.metrics);
    return answer;
  }
}
