// PEFT → GGUF conversion benchmark: a generated 480 MiB PEFT LoRA adapter shaped for Qwen2.5-Coder-7B (rank 50 on
// all seven projections of its 28 layers, F32 as LLaMA-Factory saves it) converted to llama.cpp's GGUF LoRA format,
// against one plain streamed read of the same file measured in the same run. Peak RSS must stay within 100 MB of the
// baseline: tensors are streamed in 4 MB pieces. Prints figures; never fails on time.
import { createReadStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { inspectAdapter } from '../../src/core/models/adapters/adapterSource';
import { convertPeftToGguf } from '../../src/core/models/adapters/peftToGguf';
import { QWEN25_CODER_7B_MODULES, writePeftAdapter } from '../support/peftAdapter';
import { peakRssMb } from './measure';

const MB = 1024 * 1024;
const root = await mkdtemp(path.join(tmpdir(), 'housestyle-bench-convert-'));
try {
  const { folder, bytes } = await writePeftAdapter(path.join(root, 'adapter'), { rank: 50, alpha: 100, layers: 28, modules: QWEN25_CODER_7B_MODULES });
  const weights = path.join(folder, 'adapter_model.safetensors');
  global.gc?.();
  const baselineRss = Math.round(process.memoryUsage().rss / MB);

  const readStarted = performance.now();
  let read = 0;
  for await (const chunk of createReadStream(weights, { highWaterMark: 4 * MB })) read += (chunk as Buffer).length;
  const readMs = performance.now() - readStarted;

  const source = await inspectAdapter(folder);
  const started = performance.now();
  const out = await convertPeftToGguf({ ...source.peft!, alpha: source.alpha!, architecture: 'qwen2', out: path.join(root, 'adapter.gguf') });
  const convertMs = performance.now() - started;
  const peak = peakRssMb();

  const rate = (ms: number) => `${Math.round(bytes / MB / (ms / 1000))} MB/s`;
  console.log(`adapter: ${(bytes / MB).toFixed(0)} MiB PEFT (${source.peft!.pairs.length} LoRA pairs) → ${(out.size / MB).toFixed(0)} MiB GGUF`);
  console.log(`baseline, one streamed read of ${(read / MB).toFixed(0)} MiB: ${(readMs / 1000).toFixed(2)} s (${rate(readMs)})`);
  console.log(`convert (read, write, SHA-256 of the output): ${(convertMs / 1000).toFixed(2)} s (${rate(convertMs)}), ${(convertMs / readMs).toFixed(2)}x the baseline read`);
  console.log(`RSS: baseline ${baselineRss} MB, peak ${peak} MB: +${peak - baselineRss} MB (limit +100 MB) ${peak - baselineRss <= 100 ? 'OK' : 'OVER'}`);
} finally {
  await rm(root, { recursive: true, force: true });
}
