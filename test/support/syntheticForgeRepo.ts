// A synthetic repository with pull requests and their review, for the forge stand-in (forgeTestServer.ts):
// a REAL git repository shaped like a forge project's (made in one `git fast-import`, so thousands of pull
// requests take seconds): each pull request branches from main, is reviewed at its first commit, answers the
// review in a second commit, and lands on main, by a merge commit ("Merge pull request #N from …", one in
// four) or a squash commit ("… (#N)", the others), as GitHub writes them. Beside it, the review data a
// forge would hold about it, with seeded, varied reviewer words.
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { zipfText } from '../bench/zipfText';
import { GitTestRepo } from './gitRepo';

export interface SyntheticComment {
  id: number;
  /** The thread's first comment, for replies. */
  replyTo?: number;
  author: string;
  bot: boolean;
  body: string;
  path: string;
  line: number;
  /** The comment's line was changed by a later commit of the pull request (GitHub's isOutdated). */
  outdated: boolean;
  resolved: boolean;
  createdAt: string;
}

export interface SyntheticReview {
  id: number;
  state: 'APPROVED' | 'CHANGES_REQUESTED' | 'COMMENTED';
  author: string;
  body: string;
  submittedAt: string;
}

export interface SyntheticPull {
  number: number;
  updatedAt: string;
  /** Who opened it; they answer the reviewers' threads ("Done: …"). */
  author: string;
  /** The pull request's first commit: what the reviewers commented on. */
  reviewed: string;
  /** Its last commit, which answers the review (refs/pull/N/head). */
  head: string;
  /** Where its branch left main. */
  base: string;
  /** The files the pull request changes, as the reviewed commit has them (each changes the lines isChangedLine names). */
  files: Map<string, string[]>;
  comments: SyntheticComment[];
  reviews: SyntheticReview[];
}

export interface SyntheticForgeRepo {
  repo: GitTestRepo;
  owner: string;
  name: string;
  pulls: SyntheticPull[];
  /** Review comments by people (bots' excluded), replies included. */
  humanComments: number;
  botComments: number;
  emptyApprovals: number;
}

const REVIEWERS = ['bob', 'carol', 'dave', 'erin'];
const AUTHOR = 'alice';
const OPENERS = ['Please rename', 'This should not swallow', 'Avoid mutating', 'Consider extracting', 'nit: prefer', 'This must validate', 'Prefer early return over', 'Should we cache'];
const FILE_LINES = 60;
/** Each file is commented on at these lines, far enough apart for separate hunks and review windows... */
const COMMENTED_LINES = [8, 48];
/**
 * ...and changed in two hunks, as a real change is: a block (lines 8-28, commented at its first line only, so
 * most of what the reviewer saw there drew no comment) and one line (48).
 */
const isChangedLine = (line: number) => (line >= 8 && line <= 28) || line === 48;
/** The second commit answers the review: it rewrites line 48, so its threads are outdated (and resolved). */
const ANSWERED_LINE = 48;
/**
 * Line 8's threads stay current (resolved on some), but the maintainer who lands a pull request by squashing
 * edits line 8 of its second file on the way (the review never asked for it).
 */
const LANDING_EDIT = { line: 8, file: 1 };
/** One pull request in four lands by a merge commit, the others squashed, as in a squash-merging project. */
const MERGED_EVERY = 4;
const START = Date.UTC(2025, 0, 1);

/**
 * Builds `pulls` pull requests with `commentsPerPull` root comments each, two to a changed file (plus a reply on
 * every third, and a bot comment on every fifth pull request), and reviews (an empty approval on each, changes
 * requested on even ones).
 */
export function buildSyntheticForgeRepo(options: { pulls: number; commentsPerPull: number; seed?: number; owner?: string; name?: string }): SyntheticForgeRepo {
  const text = zipfText(options.seed ?? 7);
  const repo = GitTestRepo.create('forge-repo');
  const filesPerPull = Math.max(1, Math.ceil(options.commentsPerPull / COMMENTED_LINES.length));
  const heads = Array.from({ length: options.pulls }, (_, i) =>
    new Map(
      Array.from({ length: filesPerPull }, (_, f) => [
        `src/pr${i + 1}/module${f}.ts`,
        Array.from({ length: FILE_LINES }, (_, line) => `export const ${text.word()}_${line} = ${JSON.stringify(text.prose(4))};`),
      ]),
    ),
  );
  // One fast-import stream: a base commit holding every file, then per pull request a branch of two commits off
  // main's tip (reviewed, then answering the review) and its landing on main (merge or squash).
  const stamp = (i: number) => `${1_735_689_600 + i * 60} +0000`;
  const blob = (lines: string[]) => {
    const body = `${lines.join('\n')}\n`;
    return `data ${Buffer.byteLength(body)}\n${body}`;
  };
  const message = (text: string) => `data ${Buffer.byteLength(text)}\n${text}\n`;
  const files = (changed: Map<string, string[]>) => [...changed].map(([file, lines]) => `M 644 inline ${file}\n${blob(lines)}`).join('');
  const chunks = [`commit refs/heads/main\nmark :1\ncommitter Alice <alice@example.com> ${stamp(0)}\n${message('base')}`];
  for (const changed of heads) for (const [file, lines] of changed) chunks.push(`M 644 inline ${file}\n${blob(baseLines(lines))}`);
  chunks.push('\n');
  let mark = 1;
  let mainTip = 1;
  const marks: Array<{ base: number; reviewed: number; head: number }> = [];
  heads.forEach((changed, i) => {
    const number = i + 1;
    const base = mainTip;
    const reviewed = ++mark;
    chunks.push(`commit refs/pull/${number}/head\nmark :${reviewed}\ncommitter Bob <bob@example.com> ${stamp(4 * i + 1)}\n${message(`Change pr${number} modules`)}from :${base}\n${files(changed)}\n`);
    const head = ++mark;
    chunks.push(`commit refs/pull/${number}/head\nmark :${head}\ncommitter Bob <bob@example.com> ${stamp(4 * i + 2)}\n${message('Address review comments')}from :${reviewed}\n${files(answeredFiles(changed))}\n`);
    const landing = ++mark;
    const land =
      number % MERGED_EVERY === 0
        ? `${message(`Merge pull request #${number} from acme/pr${number}\n\nChange pr${number} modules`)}from :${mainTip}\nmerge :${head}\n${files(answeredFiles(changed))}`
        : `${message(`Change pr${number} modules (#${number})\n\n* Change pr${number} modules\n* Address review comments`)}from :${mainTip}\n${files(answeredFiles(changed, LANDING_EDIT))}`;
    chunks.push(`commit refs/heads/main\nmark :${landing}\ncommitter Alice <alice@example.com> ${stamp(4 * i + 3)}\n${land}\n`);
    mainTip = landing;
    marks.push({ base, reviewed, head });
  });
  const marksFile = path.join(repo.dir, '..', 'marks');
  repo.git(['fast-import', '--quiet', `--export-marks=${marksFile}`], { input: chunks.join('') });
  repo.git(['reset', '--hard', '--quiet', 'main']);
  const sha = new Map(readFileSync(marksFile, 'utf8').trim().split('\n').map((line) => line.split(' ') as [string, string]));
  const shaOf = (n: number) => sha.get(`:${n}`)!;
  let id = 1000;
  let humanComments = 0;
  let botComments = 0;
  let emptyApprovals = 0;
  const pulls = heads.map((files, i): SyntheticPull => {
    const number = i + 1;
    const paths = [...files.keys()];
    const time = (minute: number) => new Date(START + (i * 100 + minute) * 60_000).toISOString().replace(/\.000Z$/, 'Z');
    const comments: SyntheticComment[] = [];
    for (let c = 0; c < options.commentsPerPull; c++) {
      const file = paths[Math.floor(c / COMMENTED_LINES.length)]!;
      const line = COMMENTED_LINES[c % COMMENTED_LINES.length]!;
      const rootId = id++;
      // Line 48's threads were answered by the second commit (outdated, resolved); line 8's stay current, half resolved.
      const answered = line === ANSWERED_LINE;
      const state = { outdated: answered, resolved: answered || c % 4 === 0 };
      comments.push({ id: rootId, author: REVIEWERS[c % REVIEWERS.length]!, bot: false, body: `${text.pick(OPENERS)} ${text.prose(6)}: ${text.prose(8)}.`, path: file, line, ...state, createdAt: time(c + 1) });
      if (c % 3 === 0) comments.push({ id: id++, replyTo: rootId, author: AUTHOR, bot: false, body: `Done: ${text.prose(5)}.`, path: file, line, ...state, createdAt: time(c + 2) });
    }
    humanComments += comments.length;
    if (number % 5 === 0) {
      comments.push({ id: id++, author: 'lint-bot[bot]', bot: true, body: 'Coverage dropped by 0.1%.', path: paths[0]!, line: COMMENTED_LINES[0]!, outdated: false, resolved: false, createdAt: time(50) });
      botComments++;
    }
    const reviews: SyntheticReview[] = [{ id: id++, state: 'APPROVED', author: 'erin', body: '', submittedAt: time(60) }];
    emptyApprovals++;
    if (number % 2 === 0) reviews.push({ id: id++, state: 'CHANGES_REQUESTED', author: 'bob', body: `Please address ${text.prose(3)}.`, submittedAt: time(55) });
    const at = marks[i]!;
    return { number, updatedAt: time(70), author: AUTHOR, reviewed: shaOf(at.reviewed), head: shaOf(at.head), base: shaOf(at.base), files, comments, reviews };
  });
  return { repo, owner: options.owner ?? 'acme', name: options.name ?? 'widgets', pulls, humanComments, botComments, emptyApprovals };
}

/** The files as the commit answering the review has them (and, with `landing`, as a squash landed them). */
function answeredFiles(changed: Map<string, string[]>, landing?: typeof LANDING_EDIT): Map<string, string[]> {
  const edit = (line: string) => line.replace(/ = /, ' = reviewed(').replace(/;$/, ');');
  const edited = (f: number, line: number) => line === ANSWERED_LINE || (landing !== undefined && f === landing.file && line === landing.line);
  return new Map([...changed].map(([file, lines], f) => [file, lines.map((text, i) => (edited(f, i + 1) ? edit(text) : text))]));
}

/** A file as the base had it: the commented lines differ. */
function baseLines(lines: string[]): string[] {
  return lines.map((line, i) => (isChangedLine(i + 1) ? line.replace(/ = /, ' = "draft" + ') : line));
}

/** The diff hunk GitHub shows for a comment: the hunk's header and context down to the commented line. */
export function commentHunk(pull: SyntheticPull, file: string, line: number): string {
  const lines = pull.files.get(file)!;
  const before = baseLines(lines);
  const from = Math.max(1, line - 3);
  return [`@@ -${from},${line - from + 4} +${from},${line - from + 4} @@`, ...lines.slice(from - 1, line - 1).map((l) => ` ${l}`), `-${before[line - 1]}`, `+${lines[line - 1]}`].join('\n');
}
