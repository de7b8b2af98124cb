import type { PreferencePair, Sample } from '../samples/sample';

export type FormatName = 'openai' | 'sharegpt' | 'alpaca';
export const FORMAT_NAMES: readonly FormatName[] = ['openai', 'sharegpt', 'alpaca'];

/** An entry of LLaMA-Factory's dataset_info.json (data/README.md of LLaMA-Factory). */
export interface DatasetInfoEntry {
  file_name: string;
  formatting?: 'alpaca' | 'sharegpt';
  ranking?: boolean;
  columns: Record<string, string>;
  tags?: Record<string, string>;
}

/** How one training-file format writes records, and how LLaMA-Factory is told to read them. */
export interface DatasetFormat {
  name: FormatName;
  sampleRecord(sample: Sample): object;
  preferenceRecord(pair: PreferencePair): object;
  /** The dataset_info.json entry for a file of this format; undefined where LLaMA-Factory cannot read the shape. */
  datasetInfo(fileName: string, kind: 'sft' | 'preference'): DatasetInfoEntry | undefined;
}
