import { stringify } from 'yaml';
import type { DatasetFormat, DatasetInfoEntry } from './datasetFormat';

/** A training file as LLaMA-Factory knows it: a dataset name in dataset_info.json and its file. */
export interface TrainingFile {
  name: string;
  fileName: string;
  kind: 'sft' | 'preference';
}

/** dataset_info.json: one entry per file LLaMA-Factory can read in this format. */
export function datasetInfo(format: DatasetFormat, files: TrainingFile[]): Record<string, DatasetInfoEntry> {
  const info: Record<string, DatasetInfoEntry> = {};
  for (const file of files) {
    const entry = format.datasetInfo(file.fileName, file.kind);
    if (entry) info[file.name] = entry;
  }
  return info;
}

export interface LoraConfigOptions {
  /** Absolute folder holding dataset_info.json. */
  datasetDir: string;
  /** Absolute folder the adapter is saved in: outside the dataset folder, which a rebuild replaces. */
  outputDir: string;
  baseModel: string;
  template: string;
  /** Dataset name of the training file. */
  train: string;
  /** Dataset name of the validation file; without one, LLaMA-Factory holds out val_size of train. */
  validation?: string;
  /** LLaMA-Factory's `cutoff_len`: long enough for the longest record (`cutoffLength`). */
  cutoffLength: number;
}

const section = (title: string, values: Record<string, unknown>) => `### ${title}\n${stringify(values)}`;

/** A starting LoRA SFT config for `llamafactory-cli train train_lora.yaml`. */
export function loraTrainingConfig(options: LoraConfigOptions): string {
  return [
    '# LoRA fine-tuning config for LLaMA-Factory, written by `housestyle dataset build`. A starting point: tune epochs,',
    '# learning rate and cutoff_len to your data and GPU, then run: llamafactory-cli train train_lora.yaml',
    '# cutoff_len holds the longest record whole: LLaMA-Factory cuts a longer one from the end of its prompt, where the code is.',
    section('model', { model_name_or_path: options.baseModel, trust_remote_code: true }),
    section('method', { stage: 'sft', do_train: true, finetuning_type: 'lora', lora_rank: 16, lora_alpha: 32, lora_dropout: 0.05, lora_target: 'all' }),
    section('dataset', {
      dataset_dir: options.datasetDir,
      dataset: options.train,
      ...(options.validation ? { eval_dataset: options.validation } : { val_size: 0.1 }),
      template: options.template,
      cutoff_len: options.cutoffLength,
      overwrite_cache: true,
      preprocessing_num_workers: 4,
    }),
    section('output', { output_dir: options.outputDir, logging_steps: 10, save_steps: 500, plot_loss: true, overwrite_output_dir: true, report_to: 'none' }),
    section('train', {
      per_device_train_batch_size: 1,
      gradient_accumulation_steps: 8,
      learning_rate: 1.0e-4,
      num_train_epochs: 3,
      lr_scheduler_type: 'cosine',
      warmup_ratio: 0.1,
      bf16: true,
    }),
    section('eval', { per_device_eval_batch_size: 1, eval_strategy: 'steps', eval_steps: 500 }),
  ].join('\n');
}
