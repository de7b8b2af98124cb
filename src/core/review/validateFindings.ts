import type { Passage } from '../knowledge/passage';
import { findingSchemaFor, modelAnswerSchema, type Citation, type Finding } from './finding';
import type { ReviewPromptVariant } from '../promptVariant';
import { windowContains, type ReviewWindow } from './reviewWindow';

/** Findings the model wrote that were not reported, by reason. */
export interface DroppedFindings {
  /** Not a finding of the schema (missing field, wrong type, no citation). */
  invalid: number;
  /** Lines outside the reviewed lines (or endLine before startLine). */
  outOfRange: number;
  /** Cited an id that was not among the passages in the prompt. */
  unknownCitation: number;
}

export type AnswerCheck = { ok: true; findings: Finding[]; dropped: DroppedFindings } | { ok: false; reason: string };

export function noDrops(): DroppedFindings {
  return { invalid: 0, outOfRange: 0, unknownCitation: 0 };
}

export function addDrops(total: DroppedFindings, more: DroppedFindings): void {
  total.invalid += more.invalid;
  total.outOfRange += more.outOfRange;
  total.unknownCitation += more.unknownCitation;
}

/**
 * Parses the model's answer and keeps the findings that hold up: valid shape, lines inside the window,
 * every citation one of the prompt's passages (resolved to its source and lines). An answer that is
 * not JSON of the envelope's shape is not ok, and the caller may ask again.
 */
export function validateAnswer(content: string, window: ReviewWindow, labels: ReadonlyMap<string, Passage>, variant: ReviewPromptVariant = 'with-rules'): AnswerCheck {
  let json: unknown;
  try {
    // Structured output is bare JSON; a model that ignores `format` may still wrap it in a code fence.
    json = JSON.parse(content.trim().replace(/^```(?:json)?\s*([\s\S]*?)\s*```$/, '$1'));
  } catch (error) {
    return { ok: false, reason: `the answer is not JSON (${(error as Error).message})` };
  }
  const envelope = modelAnswerSchema.safeParse(json);
  if (!envelope.success) return { ok: false, reason: 'the answer has no "findings" array' };

  const dropped = noDrops();
  const findings: Finding[] = [];
  const schema = findingSchemaFor(variant);
  for (const raw of envelope.data.findings) {
    const parsed = schema.safeParse(raw);
    if (!parsed.success) {
      dropped.invalid++;
      continue;
    }
    const f = parsed.data;
    if (f.endLine < f.startLine || !windowContains(window, f)) {
      dropped.outOfRange++;
      continue;
    }
    const cited = [...new Set((f.citations ?? []).map((c) => c.trim()))].map((label) => labels.get(label));
    if (cited.some((passage) => passage === undefined)) {
      dropped.unknownCitation++;
      continue;
    }
    findings.push({
      path: window.target.path,
      rule: f.rule.trim(),
      severity: f.severity,
      startLine: f.startLine,
      endLine: f.endLine,
      message: f.message.trim(),
      ...(f.replacement !== undefined ? { replacement: f.replacement } : {}),
      citations: (cited as Passage[]).map(toCitation),
    });
  }
  return { ok: true, findings, dropped };
}

export function toCitation(passage: Passage): Citation {
  return { id: passage.id, kb: passage.kb, source: passage.source, startLine: passage.startLine, endLine: passage.endLine, heading: passage.heading };
}

/**
 * One finding per (file, lines, severity, rule, message, replacement): the model may repeat itself
 * within an answer, and overlapping windows see the same lines. Repeats are merged, their citations united.
 */
export function mergeIdenticalFindings(findings: readonly Finding[]): Finding[] {
  const merged = new Map<string, Finding>();
  for (const finding of findings) {
    const key = JSON.stringify([finding.path, finding.startLine, finding.endLine, finding.severity, finding.rule.toLowerCase(), finding.message.replace(/\s+/g, ' '), finding.replacement ?? null]);
    const known = merged.get(key);
    if (!known) merged.set(key, { ...finding, citations: [...finding.citations] });
    else for (const citation of finding.citations) if (!known.citations.some((c) => c.id === citation.id)) known.citations.push(citation);
  }
  return [...merged.values()];
}
