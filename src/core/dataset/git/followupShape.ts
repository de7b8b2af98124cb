import type { GitCommit } from '../../git/gitLogStream';

/**
 * What a later commit of a pull request did to the lines its earlier commits added, as far as line following
 * sees it: how many of its hunks revisit such lines, and how many lines those earlier hunks added.
 */
export interface Revisit {
  revisitingHunks: number;
  /** Lines added by the earlier hunks whose lines this commit changed (each hunk counted once). */
  earlierAddedLines: number;
  /** The earlier commits whose lines this commit changed. */
  earlier: Array<Pick<GitCommit, 'authorEmail' | 'authorDate'>>;
}

/**
 * Author dates closer than this, by one author, are one sitting: the patches of a series written (or rebased)
 * together carry dates seconds apart, while a self-correction pushed after a look still takes minutes.
 */
const SAME_SITTING_MS = 2 * 60 * 1000;

/** Changed lines (added and removed) above which a commit is a rework, not an answer to remarks. */
const MAX_FOLLOWUP_LINES = 40;
/** Words by which an author says the commit answers review. */
const ANSWERS_REVIEW = /^(fixup|squash|amend)!|\b(review(ed|er|ers)?|nits?|feedback|suggest(ed|ion|ions)?|address(ed|es|ing)? (the )?comments?)\b/i;
/** Words of a small correction, which a reviewer asks for more often than a planner plans. */
const CORRECTION_WORDS = /\b(typos?|rename[ds]?|spelling|wording|indent(ation)?|whitespace)\b/i;
/** A trailer line ("Suggested-by: …", "Reviewed-by: …"): credits, not what the commit is. */
const TRAILER_LINE = /^[A-Za-z][\w-]*: /;
/** A subject that opens with a verb of new work ("Add …", "Implemented …", "Support …"). */
const NEW_WORK_SUBJECT = /^(\S+:\s*)?(add(ed|s)?|implement(ed|s)?|introduc(e|ed|es)|support(ed|s)?|new|creat(e|ed|es)|enabl(e|ed|es)|allow(ed|s)?)\b/i;
/**
 * A line that opens a definition: a keyword of one (most languages), or a C-family function head at column 0:
 * a type, a name, parameters and no closing `;` (`static int uv__open(const char* path) {`). A statement at
 * column 0 that calls something (`raise ValueError(…)` in a script) has no type before the name.
 */
const DEFINITION = /^\s*(export\s+)?(default\s+)?(public\s+|private\s+|protected\s+|static\s+|async\s+|pub\s+)*(function\*?|def|fn|func|class|struct|interface|enum|trait|impl|module|macro)\s+([A-Za-z_$][\w$]*)|^(?!(raise|return|throw|await|yield|assert|print|echo|export|new|delete|else|case|goto)\b)[A-Za-z_][\w:<>]*(?:[ \t*&]+[A-Za-z_][\w:<>]*)*[ \t*&]+\**([A-Za-z_]\w*)\s*\([^;]*[){,]\s*$/;

/**
 * Whether a later commit of a pull request reads as a review follow-up on earlier commits of it rather than
 * the next piece of planned work that touches their lines. Each rule is a shape feature work has and a
 * follow-up lacks; all must hold.
 */
export function isFollowupShaped(commit: GitCommit, revisit: Revisit): boolean {
  let hunks = 0;
  for (const file of commit.files) {
    // A new file is new work: review asks to change what is there, not for a file beside it.
    if (file.status === 'added') return false;
    hunks += file.hunks.length;
  }
  // Every hunk stays inside lines the pull request itself wrote: touching them in passing is a series step.
  if (hunks === 0 || revisit.revisitingHunks !== hunks) return false;
  // Review takes a reviewer's time: the same author seconds later is the next patch of a planned series, unless
  // the message says it answers review. Of git.git's topic pairs hand-read, the 5 series steps were 1 to 37 s
  // apart; its follow-ups came days later.
  const words = commit.message.split('\n').filter((line) => !TRAILER_LINE.test(line)).join('\n');
  const answersReview = ANSWERS_REVIEW.test(words);
  if (!answersReview && revisit.earlier.some((earlier) => sameSitting(earlier, commit))) return false;
  // The lines are read only now: most commits of a pull request fail the cheap tests above.
  let added = 0;
  let removed = 0;
  const addedLines: string[] = [];
  const removedText: string[] = [];
  for (const file of commit.files) {
    for (const hunk of file.hunks) {
      for (const line of hunk.lines) {
        if (line[0] === '+') {
          added++;
          addedLines.push(line.slice(1));
        } else if (line[0] === '-') {
          removed++;
          removedText.push(line.slice(1));
        }
      }
    }
  }
  // A follow-up mostly modifies: it adds at most about twice what it removes, never a block of new lines.
  if (added > 2 * removed + 2) return false;
  // Small beside what it revisits: writing more lines than the earlier hunks wrote is a rework (removing is not).
  if (added > Math.max(4, revisit.earlierAddedLines)) return false;
  // One round of remarks answered is small: a follow-up renaming a type across six files of libuv changes 32 lines.
  if (added + removed > MAX_FOLLOWUP_LINES) return false;
  // A new function, class or type is new work, unless it only renames or re-signs one the commit removes.
  if (addsDefinition(addedLines, removedText.join('\n'))) return false;
  // "Add …", "Implement …", "Support …" announce work; words of review or of a small correction outweigh it.
  return !NEW_WORK_SUBJECT.test(commit.subject) || answersReview || CORRECTION_WORDS.test(words);
}

function sameSitting(earlier: Pick<GitCommit, 'authorEmail' | 'authorDate'>, later: Pick<GitCommit, 'authorEmail' | 'authorDate'>): boolean {
  const gap = Date.parse(later.authorDate) - Date.parse(earlier.authorDate);
  return earlier.authorEmail.toLowerCase() === later.authorEmail.toLowerCase() && Math.abs(gap) < SAME_SITTING_MS;
}

function addsDefinition(addedLines: string[], removedText: string): boolean {
  for (const line of addedLines) {
    const match = DEFINITION.exec(line);
    const name = match?.[5] ?? match?.[7];
    // The name as a whole identifier (`$` is part of one in JavaScript, and syntax in a regular expression).
    if (name && !new RegExp(`(?<![\\w$])${name.replaceAll('$', '\\$')}(?![\\w$])`).test(removedText)) return true;
  }
  return false;
}

