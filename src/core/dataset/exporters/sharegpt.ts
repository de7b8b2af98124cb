import type { ChatMessage } from '../../models/chatModel';
import { promptMessages, sampleMessages } from '../samples/sample';
import type { DatasetFormat, DatasetInfoEntry } from './datasetFormat';

const FROM: Record<ChatMessage['role'], string> = { system: 'system', user: 'human', assistant: 'gpt' };

function turn(message: ChatMessage): { from: string; value: string } {
  return { from: FROM[message.role], value: message.content };
}

/**
 * ShareGPT: `{"conversations":[{"from":"system|human|gpt","value"}]}`; preference pairs as LLaMA-Factory
 * reads them: the prompt turns in `conversations`, then `chosen` and `rejected` as single gpt turns.
 * The system prompt is the first turn, which LLaMA-Factory takes through its system tag.
 */
export const sharegptFormat: DatasetFormat = {
  name: 'sharegpt',
  sampleRecord: (sample) => ({ conversations: sampleMessages(sample).map(turn) }),
  preferenceRecord: (pair) => ({
    conversations: promptMessages(pair).map(turn),
    chosen: { from: 'gpt', value: pair.chosen },
    rejected: { from: 'gpt', value: pair.rejected },
  }),
  datasetInfo: (fileName, kind): DatasetInfoEntry =>
    kind === 'sft'
      ? { file_name: fileName, formatting: 'sharegpt', columns: { messages: 'conversations' } }
      : { file_name: fileName, formatting: 'sharegpt', ranking: true, columns: { messages: 'conversations', chosen: 'chosen', rejected: 'rejected' } },
};
