import { CARD_FILE, REPORT_FILE } from '../datasetFiles';
import type { Progress } from '../log';
import { renderDatasetCard } from './card';
import type { DatasetFolder } from './datasetFolder';
import type { DatasetReport } from './datasetReport';
import type { BaseModelChoice } from './exporters/baseModel';
import type { DatasetFormat } from './exporters/datasetFormat';
import { cutoffLength } from './exporters/cutoffLength';
import { datasetInfo, loraTrainingConfig, type TrainingFile } from './exporters/llamaFactory';
import type { PreferencePair, Sample } from './samples/sample';
import { SPLIT_NAMES, type SplitName } from './split';
import type { DatasetSplit } from './splitDataset';

/** A training file to write: its records, made as they are written, and the samples behind them. */
interface PlannedFile {
  fileName: string;
  kind: TrainingFile['kind'];
  items: (Sample | PreferencePair)[];
  records: () => Iterable<object>;
}

export interface OutputPlan {
  training: PlannedFile[];
  /** The training files dataset_info.json and train_lora.yaml name: those with records. */
  trainingFiles: TrainingFile[];
  /** Every file of the dataset folder, in the order they are written (report.json last). */
  files: string[];
}

/** The folder's files: a JSONL file per split (and per split of preference pairs, when there are any), then the metadata, LLaMA-Factory's files, the card and the report. */
export function planOutputFiles(split: DatasetSplit, format: DatasetFormat): OutputPlan {
  const { sets, pairSets } = split;
  const hasPairs = SPLIT_NAMES.some((name) => pairSets[name].length > 0);
  const training: PlannedFile[] = [
    ...SPLIT_NAMES.map((name): PlannedFile => ({ fileName: `${name}.jsonl`, kind: 'sft', items: sets[name], records: () => lazyMap(sets[name], format.sampleRecord) })),
    ...(!hasPairs
      ? []
      : SPLIT_NAMES.map((name): PlannedFile => ({
          fileName: `preference_${name}.jsonl`,
          kind: 'preference',
          items: pairSets[name],
          records: () => lazyMap(pairSets[name], format.preferenceRecord),
        }))),
  ];
  const trainingFiles: TrainingFile[] = training
    .filter((p) => p.items.length > 0)
    .map((p) => ({ name: `housestyle_${p.fileName.replace(/\.jsonl$/, '')}`, fileName: p.fileName, kind: p.kind }));
  const files = [...training.map((p) => p.fileName), 'metadata.jsonl', 'dataset_info.json', 'train_lora.yaml', CARD_FILE, REPORT_FILE];
  return { training, trainingFiles, files };
}

export interface WriteOutputOptions {
  plan: OutputPlan;
  format: DatasetFormat;
  base: BaseModelChoice;
  /** Where train_lora.yaml saves the adapter. */
  adapterDir: string;
  report: DatasetReport;
  progress: Progress;
  signal?: AbortSignal;
}

/** Writes the planned files into the build's folder, reporting each; the folder is committed by the caller. */
export async function writeOutputFiles(folder: DatasetFolder, options: WriteOutputOptions): Promise<void> {
  const { plan, format, base, adapterDir, report, progress, signal } = options;
  // One line per written record, in file order: where each sample came from, without touching the training shape.
  const metadata = plan.training.flatMap((p) => p.items.map((item, i) => ({ file: p.fileName, line: i + 1, task: item.task, groupId: item.groupId, ...item.metadata })));
  const nameOf = (split: SplitName) => plan.trainingFiles.find((f) => f.fileName === `${split}.jsonl`)?.name;
  let written = 0;
  const step = () => progress.report('Writing dataset', ++written, plan.files.length);
  const train = nameOf('train') ?? 'housestyle_train';
  const validation = nameOf('validation');
  // The files before report.json are independent: written together, so that one file's disk sync overlaps the
  // rendering of the next. All of them settle before anything fails, so that a failure never races a write.
  const writes = await Promise.allSettled(
    [
      ...plan.training.map(({ fileName, records }) => folder.writeJsonl(fileName, records(), signal)),
      folder.writeJsonl('metadata.jsonl', metadata, signal),
      folder.writeText('dataset_info.json', `${JSON.stringify(datasetInfo(format, plan.trainingFiles), null, 2)}\n`),
      folder.writeText(
        'train_lora.yaml',
        loraTrainingConfig({ datasetDir: folder.out, outputDir: adapterDir, baseModel: base.model, template: base.template, train, ...(validation && { validation }), cutoffLength: cutoffLength(plan.training.flatMap((p) => p.items)) }),
      ),
      folder.writeText(CARD_FILE, renderDatasetCard(report)),
    ].map((write) => write.then(step)),
  );
  const failed = writes.find((write) => write.status === 'rejected');
  if (failed) throw failed.reason;
  // report.json last: it is what marks a folder as a finished dataset.
  await folder.writeText(REPORT_FILE, `${JSON.stringify(report, null, 2)}\n`);
  step();
}

function* lazyMap<T, U>(items: Iterable<T>, map: (item: T) => U): Iterable<U> {
  for (const item of items) yield map(item);
}
