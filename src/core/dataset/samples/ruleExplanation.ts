import type { ReviewEvent } from '../reviewEvent';
import { citedRule } from './ruleCitation';
import { sampleMetadata, type Sample } from './sample';
import { eventFile, reviewedChange, samplePrompt } from './samplePrompt';

/**
 * Style-rule explanation: when a comment cites a rule (a feedback entry's rule, a style-guide link or
 * path, a linter rule id), the rule and the change in, the reviewer's explanation out.
 */
export function ruleExplanationSample(event: ReviewEvent): Sample | undefined {
  const change = reviewedChange(event);
  if (!event.neededReview || !event.comment || change === undefined) return undefined;
  const rule = event.metadata.feedback?.rule ?? citedRule(event.comment);
  if (!rule) return undefined;
  const { prompt, record } = samplePrompt({ task: 'rule-explanation', citedRule: rule, ...change }, eventFile(event));
  return { ...prompt, task: 'rule-explanation', groupId: event.groupId, response: event.comment, metadata: sampleMetadata(event, record) };
}
