import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { shellQuote } from './trainingRun';

const run = promisify(execFile);

/**
 * LLaMA-Factory's README "Hardware Requirement" table (estimated GPU memory, GB) for Freeze/LoRA at 16 bits and
 * QLoRA at 8, 4 and 2 bits: the figures it gives for 7B, 14B, 30B and 70B, and its `x`B column (2x, x, x/2, x/4)
 * for other sizes.
 */
const LISTED: Record<number, Record<16 | 8 | 4 | 2, number>> = {
  7: { 16: 16, 8: 10, 4: 6, 2: 4 },
  14: { 16: 32, 8: 20, 4: 12, 2: 8 },
  30: { 16: 64, 8: 40, 4: 24, 2: 16 },
  70: { 16: 160, 8: 80, 4: 48, 2: 24 },
};
const PER_BILLION = { 16: 2, 8: 1, 4: 0.5, 2: 0.25 } as const;

export interface LoraMemoryEstimate {
  /** Billions of parameters, read from the model's name. */
  billions: number;
  /** 16 for LoRA on 16-bit weights; 8, 4 or 2 for QLoRA (`quantization_bit`). */
  bits: 16 | 8 | 4 | 2;
  gb: number;
}

/**
 * The GPU memory LLaMA-Factory estimates for a LoRA run of a model, from the size in its Hugging Face id
 * ("Qwen/Qwen2.5-Coder-7B-Instruct" → 7B). Undefined when the name gives no size, or gives a mixture of experts
 * ("8x7B"), whose total the name does not say.
 */
export function loraMemoryEstimate(modelId: string, quantizationBit?: number): LoraMemoryEstimate | undefined {
  if (/\d+x\d+(\.\d+)?b\b/i.test(modelId)) return undefined;
  const size = /(?:^|[-_/])(\d+(?:\.\d+)?)b(?:$|[-_.])/i.exec(modelId);
  if (!size) return undefined;
  const billions = Number(size[1]);
  const bits = quantizationBit === 8 || quantizationBit === 4 || quantizationBit === 2 ? quantizationBit : 16;
  return { billions, bits, gb: LISTED[billions]?.[bits] ?? Math.ceil(billions * PER_BILLION[bits]) };
}

export interface GpuInfo {
  name: string;
  /** memory.total as nvidia-smi reports it, in MiB. */
  mib: number;
}

/**
 * The host's GPUs as `nvidia-smi --query-gpu=name,memory.total --format=csv,noheader,nounits` lists them (one
 * "NAME, MiB" line each); undefined when nvidia-smi is missing or fails there (no NVIDIA driver, another vendor).
 */
export async function readGpus(host: { ssh?: string; setup?: string }, signal?: AbortSignal): Promise<GpuInfo[] | undefined> {
  const query = 'nvidia-smi --query-gpu=name,memory.total --format=csv,noheader,nounits';
  const script = host.setup ? `{ ${host.setup}\n} >/dev/null 2>&1; ${query}` : query;
  const [command, args] = host.ssh ? ['ssh', ['-o', 'BatchMode=yes', host.ssh, `sh -c ${shellQuote(script)}`]] : ['sh', ['-c', script]];
  try {
    const { stdout } = await run(command, args, { ...(signal && { signal }), timeout: 30_000 });
    const gpus = stdout
      .split('\n')
      .map((line) => /^(.*),\s*(\d+)\s*$/.exec(line.trim()))
      .filter((match) => match !== null)
      .map((match) => ({ name: match[1]!.trim(), mib: Number(match[2]) }));
    return gpus.length ? gpus : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A warning when the largest GPU has less memory than LLaMA-Factory estimates for the run (each GPU holds the
 * whole model when llamafactory-cli trains on several): never an error, since the table is an estimate and
 * options such as a shorter cutoff_len change the need.
 */
export function gpuMemoryWarning(estimate: LoraMemoryEstimate, gpus: GpuInfo[], where: string): string | undefined {
  const largest = gpus.reduce((a, b) => (b.mib > a.mib ? b : a));
  const gib = largest.mib / 1024;
  if (gib >= estimate.gb) return undefined;
  const method = estimate.bits === 16 ? 'a 16-bit LoRA run' : `a ${estimate.bits}-bit QLoRA run`;
  return (
    `${where} has ${gib.toFixed(1)} GiB of GPU memory (${largest.name}); LLaMA-Factory estimates ${estimate.gb} GB for ${method} of a ${estimate.billions}B model. ` +
    'Training may run out of GPU memory: consider quantization_bit: 4 (QLoRA) or a smaller cutoff_len in train_lora.yaml, or a larger GPU.'
  );
}
