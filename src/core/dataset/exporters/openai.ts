import { promptMessages, sampleMessages } from '../samples/sample';
import type { DatasetFormat } from './datasetFormat';

const CHAT_TAGS = { role_tag: 'role', content_tag: 'content', user_tag: 'user', assistant_tag: 'assistant', system_tag: 'system' };

/**
 * OpenAI chat fine-tuning JSONL: `{"messages":[…]}`; preference pairs in OpenAI's DPO shape
 * (`input.messages`, `preferred_output`, `non_preferred_output`). LLaMA-Factory reads the chat files as
 * ShareGPT with OpenAI tags, but cannot map the nested DPO shape, so that file gets no entry.
 */
export const openaiFormat: DatasetFormat = {
  name: 'openai',
  sampleRecord: (sample) => ({ messages: sampleMessages(sample) }),
  preferenceRecord: (pair) => ({
    input: { messages: promptMessages(pair) },
    preferred_output: [{ role: 'assistant', content: pair.chosen }],
    non_preferred_output: [{ role: 'assistant', content: pair.rejected }],
  }),
  datasetInfo: (fileName, kind) => (kind === 'sft' ? { file_name: fileName, formatting: 'sharegpt', columns: { messages: 'messages' }, tags: CHAT_TAGS } : undefined),
};
