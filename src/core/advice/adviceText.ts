import type { Advice } from './advise';

/** The advice as lines a terminal prints and a Markdown preview renders alike. */
export function adviceText(advice: Advice): string {
  const others = advice.reasons.filter((r) => !advice.because.includes(r));
  const lines = [`Recommendation: ${advice.recommendation} (decision table, row ${advice.rule})`, '', 'Because:', ...advice.because.map((r) => `- ${r}`)];
  if (others.length) lines.push('', 'Other facts:', ...others.map((r) => `- ${r}`));
  if (advice.unmeasured.length) lines.push('', 'Not measured:', ...advice.unmeasured.map((u) => `- ${u}`));
  lines.push('', `Next step: ${advice.nextStep}`);
  return `${lines.join('\n')}\n`;
}
