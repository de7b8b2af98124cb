/**
 * Ollama's default context (2,048 to 4,096 tokens) silently cuts longer prompts from the front, which
 * would drop the instructions: ask for room for the whole prompt, a margin for our estimate and the answer.
 */
export function contextWindow(promptTokens: number): number {
  return Math.max(4096, Math.ceil((promptTokens * 1.25 + 1024) / 1024) * 1024);
}
