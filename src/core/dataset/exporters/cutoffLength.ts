import { countTokens } from '../../knowledge/tokens';
import { promptMessages } from '../../prompt/taskPrompt';
import type { PreferencePair, Sample } from '../samples/sample';

/** What LLaMA-Factory's example configs use, and enough for most review samples. */
const DEFAULT_CUTOFF = 4096;

/** Each message's chat-template tokens (role markers, separators) beyond its text. */
const TEMPLATE_TOKENS_PER_MESSAGE = 8;

/**
 * The `cutoff_len` that keeps the longest record whole. LLaMA-Factory cuts a longer record to it, keeping the
 * start of the prompt and dropping its end (data/processor/supervised.py: `source_ids[:source_len]`), and the end
 * of a review sample's prompt is the code its answer is about; a hybrid sample's rules alone can take
 * `review.contextTokens`. So: 4,096, or the longest record's estimated tokens with a quarter's margin (the estimate
 * is not the model's tokenizer), rounded up to a multiple of 1,024. A preference pair's longer answer counts, as
 * each answer is trained with the prompt.
 */
export function cutoffLength(records: Iterable<Sample | PreferencePair>): number {
  let longest = 0;
  for (const record of records) {
    const prompt = promptMessages(record).reduce((sum, message) => sum + countTokens(message.content) + TEMPLATE_TOKENS_PER_MESSAGE, 0);
    const answer = 'response' in record ? countTokens(record.response) : Math.max(countTokens(record.chosen), countTokens(record.rejected));
    longest = Math.max(longest, prompt + answer + TEMPLATE_TOKENS_PER_MESSAGE);
  }
  return Math.max(DEFAULT_CUTOFF, Math.ceil((longest * 1.25) / 1024) * 1024);
}
