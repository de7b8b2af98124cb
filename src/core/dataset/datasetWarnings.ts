import { EVALUATED_TASKS, MIN_TEST_EXAMPLES } from './testSplitSize';
import type { BaseModelChoice } from './exporters/baseModel';
import type { DatasetFormat } from './exporters/datasetFormat';
import type { PreferencePair } from './samples/sample';
import { MIN_TRAIN_SAMPLES } from './split';
import type { DatasetSplit } from './splitDataset';

export interface WarningFacts {
  base: BaseModelChoice;
  split: DatasetSplit;
  pairs: readonly PreferencePair[];
  format: DatasetFormat;
  /** dataset.qualityEstimationMaxShare. */
  qualityEstimationMaxShare: number;
}

/** What a dataset that is written all the same lacks for a useful training run, each with what to do about it. */
export function datasetWarnings({ base, split, pairs, format, qualityEstimationMaxShare }: WarningFacts): string[] {
  const { sets, samples } = split;
  const warnings = [...base.warnings];
  if (sets.train.length < MIN_TRAIN_SAMPLES) {
    warnings.push(
      `Only ${sets.train.length} training samples, fewer than ${MIN_TRAIN_SAMPLES} (the usual minimum for a useful LoRA): add history or comment exports, or treat this dataset as a trial.`,
    );
  }
  if (sets.validation.length === 0) warnings.push('The validation split is empty; train_lora.yaml holds out 10% of train (val_size) instead.');
  const evaluable = sets.test.filter((sample) => (EVALUATED_TASKS as readonly string[]).includes(sample.task)).length;
  if (evaluable < MIN_TEST_EXAMPLES) {
    warnings.push(
      `The test split has ${evaluable} example${evaluable === 1 ? '' : 's'} of the tasks \`housestyle eval\` scores (${EVALUATED_TASKS.join(', ')}), fewer than the ${MIN_TEST_EXAMPLES} it needs: add history or comment exports before comparing routes.`,
    );
  }
  const qualityShare = samples.filter((s) => s.task === 'quality-estimation').length / Math.max(1, samples.length);
  if (qualityShare > qualityEstimationMaxShare) {
    warnings.push(`Quality estimation is ${Math.round(qualityShare * 100)}% of the samples: the history gave no other task to balance it against. Add review-comment exports (--comments) for the tasks that need a reviewer's words.`);
  }
  if (pairs.length > 0 && format.datasetInfo('preference.jsonl', 'preference') === undefined) {
    warnings.push(
      `The preference files are in OpenAI's DPO shape, which LLaMA-Factory cannot read, so dataset_info.json leaves them out; build with --format sharegpt or alpaca for LLaMA-Factory DPO.`,
    );
  }
  return warnings;
}
