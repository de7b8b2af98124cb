import type { Advice } from './advise';

/**
 * The advice as lines a terminal prints and a Markdown preview renders alike. `nextStep` replaces the advice's
 * own (written for the command line) where a front end words it its way; empty leaves it out.
 */
export function adviceText(advice: Advice, nextStep = advice.nextStep): string {
  const others = advice.reasons.filter((r) => !advice.because.includes(r));
  const lines = [`Recommendation: ${advice.recommendation} (decision table, row ${advice.rule})`, '', 'Because:', ...advice.because.map((r) => `- ${r}`)];
  if (others.length) lines.push('', 'Other facts:', ...others.map((r) => `- ${r}`));
  if (advice.unmeasured.length) lines.push('', 'Not measured:', ...advice.unmeasured.map((u) => `- ${u}`));
  if (nextStep) lines.push('', `Next step: ${nextStep}`);
  return `${lines.join('\n')}\n`;
}
