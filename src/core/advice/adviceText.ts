import type { Advice } from './advise';

/** The advice as lines a terminal prints and a Markdown preview renders alike. */
export function adviceText(advice: Advice): string {
  const lines = [`Recommendation: ${advice.recommendation}`, '', ...advice.reasons.map((r) => `- ${r}`)];
  if (advice.unmeasured.length) lines.push('', 'Not measured:', ...advice.unmeasured.map((u) => `- ${u}`));
  lines.push('', `Next step: ${advice.nextStep}`);
  return `${lines.join('\n')}\n`;
}
