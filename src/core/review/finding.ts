import * as z from 'zod';
import type { Severity } from '../config';
import type { Passage } from '../knowledge/passage';
import type { ReviewPromptVariant } from '../promptVariant';

export const severitySchema = z.enum(['error', 'warning', 'info', 'hint']) satisfies z.ZodType<Severity>;

/** One finding as the model must write it (the `format` schema Ollama constrains its output to). */
export const modelFindingSchema = z.object({
  rule: z.string().min(1).describe('Short summary of the rule that is broken, in a few words.'),
  severity: severitySchema.describe('How serious the violation is, as the cited rule states it.'),
  startLine: z.number().int().min(1).describe('First line of the violation: a line number shown in the code block.'),
  endLine: z.number().int().min(1).describe('Last line of the violation (equal to startLine for one line).'),
  message: z.string().min(1).describe('What is wrong and how to fix it, in one or two sentences.'),
  replacement: z.string().optional().describe('Optional: the complete new text of lines startLine..endLine, without line numbers.'),
  citations: z.array(z.string().min(1)).min(1).describe('Ids of the rule passages (e.g. "R1") this finding rests on.'),
});

/** A finding of the fine-tuned route: it was given no passages, so it cites none (and may not). */
export const uncitedFindingSchema = z.strictObject(modelFindingSchema.omit({ citations: true }).shape);

/** The finding schema for a prompt variant. */
export function findingSchemaFor(variant: ReviewPromptVariant): z.ZodType<Omit<ModelFinding, 'citations'> & { citations?: string[] }> {
  return variant === 'with-rules' ? modelFindingSchema : uncitedFindingSchema;
}

/** The answer envelope; each finding is checked on its own so one bad finding does not void the rest. */
export const modelAnswerSchema = z.object({ findings: z.array(z.unknown()) });

export type ModelFinding = z.infer<typeof modelFindingSchema>;

/** JSON schema for Ollama's `format`: the answer object with its findings. */
export function findingsJsonSchema(variant: ReviewPromptVariant = 'with-rules'): Record<string, unknown> {
  const schema = z.toJSONSchema(z.object({ findings: z.array(findingSchemaFor(variant)) }), { target: 'draft-7' }) as Record<string, unknown>;
  // Ollama reads the structure (unknown keys are refused); the meta-schema URI is noise in every request.
  delete schema.$schema;
  return schema;
}

/** A passage a finding rests on, resolved to where it lives. */
export type Citation = Pick<Passage, 'id' | 'kb' | 'source' | 'startLine' | 'endLine' | 'heading'>;

/** A validated finding in a reviewed file, with its citations resolved. */
export interface Finding {
  /** Workspace-relative path of the reviewed file. */
  path: string;
  rule: string;
  severity: Severity;
  /** 1-based, inclusive lines of the reviewed file. */
  startLine: number;
  endLine: number;
  message: string;
  /** New text for the whole lines startLine..endLine, when the model proposed a fix. */
  replacement?: string;
  citations: Citation[];
}

const RANK: Record<Severity, number> = { error: 3, warning: 2, info: 1, hint: 0 };

/** True when `severity` is at or above the `--fail-on` threshold ('none' never fails). */
export function meetsThreshold(severity: Severity, threshold: Severity | 'none'): boolean {
  return threshold !== 'none' && RANK[severity] >= RANK[threshold];
}

/** Orders findings by file, then line, then severity (most severe first). */
export function compareFindings(a: Finding, b: Finding): number {
  return a.path.localeCompare(b.path) || a.startLine - b.startLine || a.endLine - b.endLine || RANK[b.severity] - RANK[a.severity];
}
