import type { DatasetFormat, DatasetInfoEntry } from './datasetFormat';

/**
 * Alpaca: `{"instruction","input","output","system"}`; preference pairs with `chosen` and `rejected`
 * in place of `output`. The task's fixed instruction and the fenced repository data stay apart.
 */
export const alpacaFormat: DatasetFormat = {
  name: 'alpaca',
  sampleRecord: (sample) => ({ instruction: sample.instruction, input: sample.input, output: sample.response, system: sample.system }),
  preferenceRecord: (pair) => ({ instruction: pair.instruction, input: pair.input, chosen: pair.chosen, rejected: pair.rejected, system: pair.system }),
  datasetInfo: (fileName, kind): DatasetInfoEntry =>
    kind === 'sft'
      ? { file_name: fileName, formatting: 'alpaca', columns: { prompt: 'instruction', query: 'input', response: 'output', system: 'system' } }
      : { file_name: fileName, formatting: 'alpaca', ranking: true, columns: { prompt: 'instruction', query: 'input', chosen: 'chosen', rejected: 'rejected', system: 'system' } },
};
