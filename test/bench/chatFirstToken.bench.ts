// Chat time to first token: what House Style adds before the model's first token reaches the chat view
// (retrieval, prompt building over an open session, the client), against the Ollama-API test server, which
// streams at once. Baseline, measured in the same run: bare streaming client.chat calls with the same prompt.
// Target: at most 50 ms added. Prints figures; never fails on time.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { askQuestion } from '../../src/core/chat/ask';
import { parseConfig } from '../../src/core/config';
import { OllamaClient } from '../../src/core/models/ollama/client';
import { withSession } from '../../src/core/session';
import { startOllamaTestServer, type ModelRequestBody } from '../support/ollamaTestServer';
import { percentile } from './measure';
import { zipfText } from './zipfText';

const MODEL = 'qwen2.5-coder:7b';
const ROUNDS = 30;
const { prose } = zipfText(11);

const root = await mkdtemp(path.join(tmpdir(), 'housestyle-bench-chat-'));
const server = await startOllamaTestServer({ models: [MODEL] });
try {
  const workspace = path.join(root, 'ws');
  const raw = { index: { embedder: 'hash' }, ollama: { host: server.host, timeoutMs: 30_000 } };
  const files: Record<string, string> = { '.housestyle/config.json': JSON.stringify(raw) };
  for (let d = 0; d < 40; d++) files[`docs/rules-${d}.md`] = `# Rules ${d}\n\n${Array.from({ length: 10 }, (_, s) => `## Section ${s}\n\n${prose(80)}\n`).join('\n')}`;
  const code = Array.from({ length: 120 }, (_, i) => `export const value_${i} = ${i}; // ${prose(6)}`).join('\n');
  for (const [file, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(workspace, file)), { recursive: true });
    await writeFile(path.join(workspace, file), text);
  }
  let last: ModelRequestBody | undefined;
  server.onChat((body) => {
    last = body;
    return { content: 'Name booleans as questions [R1], and keep functions short.', chunks: ['Name ', 'booleans ', 'as questions [R1], ', 'and keep functions short.'] };
  });
  const config = parseConfig(raw);
  await withSession({ workspace, config, client: OllamaClient.fromConfig(config) }, async (session) => {
    const firstToken = async (call: (onToken: () => void) => Promise<unknown>) => {
      const started = performance.now();
      let first: number | undefined;
      await call(() => (first ??= performance.now() - started));
      return first!;
    };
    const ask = (onToken: () => void) => askQuestion(session, { question: `How should ${prose(3)} be named?`, code: { path: 'src/values.ts', text: code }, onToken });
    await ask(() => undefined); // warm-up
    const withHouseStyle: number[] = [];
    const bare: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      withHouseStyle.push(await firstToken(ask));
      const messages = last!.messages as never;
      bare.push(await firstToken((onToken) => session.client.chat({ model: MODEL, messages, onToken })));
    }
    withHouseStyle.sort((a, b) => a - b);
    bare.sort((a, b) => a - b);
    const added = withHouseStyle.map((t, i) => t - bare[i]!);
    console.log(`${ROUNDS} questions over ${session.index?.rows ?? '?'} passages, with 120 lines of code in view`);
    console.log(`baseline: bare streaming client.chat, same prompt: first token p50 ${percentile(bare, 50).toFixed(1)} ms, p95 ${percentile(bare, 95).toFixed(1)} ms`);
    console.log(`askQuestion: first token p50 ${percentile(withHouseStyle, 50).toFixed(1)} ms, p95 ${percentile(withHouseStyle, 95).toFixed(1)} ms`);
    console.log(`added by House Style: p50 ${percentile(added, 50).toFixed(1)} ms (target ≤ 50 ms) ${percentile(added, 50) <= 50 ? 'OK' : 'OVER'}`);
  });
} finally {
  server.onChat(undefined);
  await server.close();
  await rm(root, { recursive: true, force: true });
}
