import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gpuMemoryWarning, loraMemoryEstimate } from '../../src/core/models/training/gpuMemory';

test("LoRA memory follows LLaMA-Factory's hardware table: its listed sizes, else its x-billion column", () => {
  const gb = (id: string, bits?: number) => loraMemoryEstimate(id, bits)?.gb;
  assert.equal(gb('Qwen/Qwen2.5-Coder-7B-Instruct'), 16);
  assert.equal(gb('Qwen/Qwen2.5-Coder-14B-Instruct'), 32);
  assert.equal(gb('Qwen/Qwen2.5-Coder-7B-Instruct', 4), 6);
  assert.equal(gb('meta-llama/Llama-3.3-70B-Instruct', 8), 80);
  assert.equal(gb('Qwen/Qwen2.5-Coder-32B-Instruct'), 64, '2x for a size the table does not list');
  assert.equal(gb('Qwen/Qwen2.5-Coder-1.5B-Instruct'), 3);
  assert.equal(gb('meta-llama/Llama-3.1-8B', 4), 4);
  assert.equal(gb('mistralai/Mixtral-8x7B-Instruct-v0.1'), undefined, 'a mixture of experts: the name does not give its total');
  assert.equal(gb('/models/my-finetune'), undefined);
});

test('the warning names the largest GPU; a GPU at or above the estimate gives none', () => {
  const estimate = loraMemoryEstimate('Qwen/Qwen2.5-Coder-7B-Instruct')!;
  assert.equal(gpuMemoryWarning(estimate, [{ name: 'NVIDIA A100-SXM4-80GB', mib: 81920 }, { name: 'NVIDIA T4', mib: 15360 }], 'gpu-box'), undefined);
  assert.match(gpuMemoryWarning(estimate, [{ name: 'NVIDIA T4', mib: 15360 }], 'gpu-box') ?? '', /^gpu-box has 15\.0 GiB of GPU memory \(NVIDIA T4\); LLaMA-Factory estimates 16 GB/);
});
