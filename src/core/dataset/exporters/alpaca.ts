import { userMessage, type Prompt } from '../samples/sample';
import type { DatasetFormat, DatasetInfoEntry } from './datasetFormat';

/**
 * LLaMA-Factory's alpaca converter joins the non-empty `instruction` and `input` with one newline
 * (`"\n".join(query)`, src/llamafactory/data/converter.py), while the served prompt puts a blank line between
 * them. The whole user message therefore goes in `instruction` and `input` stays empty, so training sees
 * exactly what the reviewer sends.
 */
function alpacaPrompt(prompt: Prompt): { instruction: string; input: string } {
  return { instruction: userMessage(prompt), input: '' };
}

/** Alpaca: `{"instruction","input","output","system"}`; preference pairs with `chosen` and `rejected` in place of `output`. */
export const alpacaFormat: DatasetFormat = {
  name: 'alpaca',
  sampleRecord: (sample) => ({ ...alpacaPrompt(sample), output: sample.response, system: sample.system }),
  preferenceRecord: (pair) => ({ ...alpacaPrompt(pair), chosen: pair.chosen, rejected: pair.rejected, system: pair.system }),
  datasetInfo: (fileName, kind): DatasetInfoEntry =>
    kind === 'sft'
      ? { file_name: fileName, formatting: 'alpaca', columns: { prompt: 'instruction', query: 'input', response: 'output', system: 'system' } }
      : { file_name: fileName, formatting: 'alpaca', ranking: true, columns: { prompt: 'instruction', query: 'input', chosen: 'chosen', rejected: 'rejected', system: 'system' } },
};
