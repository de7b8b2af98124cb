// Compare overhead benchmark: what House Style adds around the model calls of each route (retrieval, prompt
// building, validation, metering), reviewing one file, then 10 files of 200 lines, under rag, fine-tuned and hybrid against
// the Ollama-API test server, which answers at once. Baseline, measured in the same run: the same number of
// bare client.chat calls with the rag route's largest prompt. The target is at most 50 ms per route for one
// review call; retrieval runs once per review window, so it grows with the files compared.
// Prints figures; never fails on time.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { parseConfig } from '../../src/core/config';
import { compareRoutes } from '../../src/core/eval/compare';
import { updateRegistry } from '../../src/core/models/registry';
import { readFileTarget } from '../../src/core/review/reviewTarget';
import { OllamaClient } from '../../src/core/models/ollama/client';
import { withSession } from '../../src/core/session';
import { startOllamaTestServer, type ModelRequestBody } from '../support/ollamaTestServer';
import { zipfText } from './zipfText';

const BASE = 'qwen2.5-coder:7b';
const ADAPTED = 'housestyle-bench:20261202-1';
const FILES = 10;
const LINES = 200;
const ROUNDS = 5;
const { prose } = zipfText(7);

const root = await mkdtemp(path.join(tmpdir(), 'housestyle-bench-compare-'));
const server = await startOllamaTestServer({ models: [BASE, ADAPTED] });
try {
  const workspace = path.join(root, 'ws');
  const raw = { index: { embedder: 'hash' }, ollama: { host: server.host, timeoutMs: 30_000 }, review: { windowLines: 250 } };
  const files: Record<string, string> = { '.housestyle/config.json': JSON.stringify(raw) };
  for (let d = 0; d < 20; d++) files[`docs/rules-${d}.md`] = `# Rules ${d}\n\n${Array.from({ length: 8 }, (_, s) => `## Section ${s}\n\n${prose(80)}\n`).join('\n')}`;
  for (let f = 0; f < FILES; f++) files[`src/file${f}.ts`] = Array.from({ length: LINES }, (_, i) => `export const value_${f}_${i} = ${i}; // ${prose(6)}`).join('\n') + '\n';
  for (const [file, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(workspace, file)), { recursive: true });
    await writeFile(path.join(workspace, file), text);
  }
  await updateRegistry(workspace, (registry) => {
    registry.models.push({ name: ADAPTED, base: BASE, createdAt: new Date().toISOString(), adapter: { kind: 'peft', source: 'bench', digests: {} }, evaluations: [] });
    registry.active = ADAPTED;
  });
  const hasRules = (body: ModelRequestBody) => body.messages!.some((m) => /<rules-[0-9a-f]{16}>/.test(m.content));
  let largest: ModelRequestBody | undefined;
  server.onChat((body) => {
    if (!largest || JSON.stringify(body).length > JSON.stringify(largest).length) largest = body;
    const finding = { rule: 'naming', severity: 'warning', startLine: 1, endLine: 1, message: 'Use camelCase.', ...(hasRules(body) ? { citations: ['R1'] } : {}) };
    return { content: JSON.stringify({ findings: [finding] }) };
  });
  const config = parseConfig(raw);
  const targets = await Promise.all(Array.from({ length: FILES }, (_, f) => readFileTarget(workspace, `src/file${f}.ts`)));
  const overhead: Record<string, number[]> = { rag: [], 'fine-tuned': [], hybrid: [] };
  const model: Record<string, number[]> = { rag: [], 'fine-tuned': [], hybrid: [] };
  await withSession({ workspace, config, client: OllamaClient.fromConfig(config) }, async (session) => {
    await compareRoutes(session, targets, ['rag', 'fine-tuned', 'hybrid']); // warm-up
    for (let round = 0; round < ROUNDS; round++) {
      const comparison = await compareRoutes(session, targets, ['rag', 'fine-tuned', 'hybrid']);
      for (const r of comparison.routes) {
        overhead[r.route]!.push(r.latency.overheadMs);
        model[r.route]!.push(r.latency.wallMs - r.latency.overheadMs);
      }
    }
    const single: Record<string, number[]> = { rag: [], 'fine-tuned': [], hybrid: [] };
    for (let round = 0; round < ROUNDS; round++) {
      for (const r of (await compareRoutes(session, [targets[0]!], ['rag', 'fine-tuned', 'hybrid'])).routes) single[r.route]!.push(r.latency.overheadMs);
    }
    const started = performance.now();
    for (let i = 0; i < FILES * ROUNDS; i++) await session.client.chat({ model: BASE, messages: largest!.messages as never });
    const bareMs = (performance.now() - started) / ROUNDS;
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    console.log(`${FILES} files × ${LINES} lines, ${FILES} model calls per route; median of ${ROUNDS} rounds`);
    console.log(`baseline: ${FILES} bare client.chat calls with the largest prompt: ${bareMs.toFixed(1)} ms`);
    for (const route of ['rag', 'fine-tuned', 'hybrid']) {
      const o = median(overhead[route]!);
      console.log(`${route.padEnd(10)} one file (one call): House Style around the call ${median(single[route]!).toFixed(1)} ms (target ≤ 50 ms per route) ${median(single[route]!) <= 50 ? 'OK' : 'OVER'}`);
      console.log(`${route.padEnd(10)} ${FILES} files: model calls ${median(model[route]!).toFixed(1)} ms, House Style around them ${o.toFixed(1)} ms (${(o / FILES).toFixed(1)} ms a call)`);
    }
  });
} finally {
  server.onChat(undefined);
  await server.close();
  await rm(root, { recursive: true, force: true });
}
