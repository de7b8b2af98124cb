// Adapter import benchmark: a generated 481 MiB PEFT adapter imported into the Ollama-API test server
// (conversion to GGUF hashed as it is written + streamed upload hashed as it is sent + create), against one plain streamed SHA-256 read of
// the same file measured in the same run. Peak RSS must stay within 100 MB of the process's baseline: the
// file is streamed, never held. The test server runs in this process and hashes uploads as they stream,
// so its memory is counted too. Prints figures; never fails on time.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { importAdapter } from '../../src/core/models/adapters/importAdapter';
import { OllamaClient } from '../../src/core/models/ollama/client';
import { startOllamaTestServer } from '../support/ollamaTestServer';
import { QWEN25_CODER_7B_MODULES, writePeftAdapter } from '../support/peftAdapter';
import { peakRssMb } from './measure';

const BASE = 'qwen2.5-coder:7b';
const MB = 1024 * 1024;

const root = await mkdtemp(path.join(tmpdir(), 'housestyle-bench-import-'));
const server = await startOllamaTestServer({ models: [BASE] });
try {
  // Rank 50 on all seven projections of Qwen2.5-Coder-7B's 28 layers, F32: 481 MiB, converted to GGUF and uploaded.
  const { folder, bytes } = await writePeftAdapter(path.join(root, 'adapter'), { rank: 50, layers: 28, modules: QWEN25_CODER_7B_MODULES });
  const workspace = path.join(root, 'workspace');
  await mkdir(workspace);
  global.gc?.();
  const baselineRss = Math.round(process.memoryUsage().rss / MB);
  const peakBefore = peakRssMb();

  const readStarted = performance.now();
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path.join(folder, 'adapter_model.safetensors'), { highWaterMark: MB })) hash.update(chunk as Buffer);
  hash.digest();
  const readMs = performance.now() - readStarted;

  const client = new OllamaClient({ host: server.host, timeoutMs: 60_000 });
  const started = performance.now();
  const result = await importAdapter({ workspace, client, adapter: folder, base: BASE });
  const importMs = performance.now() - started;
  const againStarted = performance.now();
  const again = await importAdapter({ workspace, client, adapter: folder, base: BASE, force: true });
  const againMs = performance.now() - againStarted;
  const peak = peakRssMb();

  const rate = (ms: number) => `${Math.round(bytes / MB / (ms / 1000))} MB/s`;
  console.log(`adapter: ${Math.round(bytes / MB)} MB (${result.uploaded.length} files uploaded)`);
  console.log(`baseline, one streamed SHA-256 read: ${Math.round(readMs)} ms (${rate(readMs)})`);
  console.log(`import (convert to GGUF hashing as it writes + upload pass + create): ${Math.round(importMs)} ms (${rate(importMs)}), ${(importMs / readMs).toFixed(2)}x the baseline read`);
  console.log(`re-import with --force, blob already in Ollama (convert + HEAD, ${again.skipped.length} skipped): ${Math.round(againMs)} ms`);
  console.log(`RSS: baseline ${baselineRss} MB (peak before import ${peakBefore} MB), peak ${peak} MB: +${peak - baselineRss} MB (limit +100 MB) ${peak - baselineRss <= 100 ? 'OK' : 'OVER'}`);
} finally {
  await server.close();
  await rm(root, { recursive: true, force: true });
}
