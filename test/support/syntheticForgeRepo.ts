// A synthetic repository with pull requests and their review, for the forge stand-in (forgeTestServer.ts):
// a REAL git repository (one commit per pull request head, made in one `git fast-import` so thousands take
// seconds; each rewrites one file of the base) and the review data a forge would hold about it, with seeded, varied reviewer words.
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
  /** The comment's line no longer exists in the pull request's latest version. */
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
  head: string;
  base: string;
  /** The files the pull request changes, as its head has them (each changes lines CHANGED_LINES of its base). */
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
const OPENERS = ['Please rename', 'This should not swallow', 'Avoid mutating', 'Consider extracting', 'nit: prefer', 'This must validate', 'Prefer early return over', 'Should we cache'];
const FILE_LINES = 60;
/** Each file is commented on at these lines, far enough apart for separate hunks and review windows... */
const COMMENTED_LINES = [8, 48];
/** ...and changed at these, one change drawing no comment (what the reviewer saw and let pass). */
const CHANGED_LINES = [8, 28, 48];
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
  // One fast-import stream: a base commit holding every file, then one commit per pull request changing its files.
  const stamp = (i: number) => `${1_735_689_600 + i * 60} +0000`;
  const blob = (lines: string[]) => {
    const body = `${lines.join('\n')}\n`;
    return `data ${Buffer.byteLength(body)}\n${body}`;
  };
  const chunks = [`commit refs/heads/main\nmark :1\ncommitter Alice <alice@example.com> ${stamp(0)}\ndata 4\nbase\n`];
  for (const files of heads) for (const [file, lines] of files) chunks.push(`M 644 inline ${file}\n${blob(baseLines(lines))}`);
  chunks.push('\n');
  heads.forEach((files, i) => {
    chunks.push(`commit refs/pull/${i + 1}/head\nmark :${i + 2}\ncommitter Alice <alice@example.com> ${stamp(i + 1)}\ndata 3\npr\nfrom :1\n`);
    for (const [file, lines] of files) chunks.push(`M 644 inline ${file}\n${blob(lines)}`);
    chunks.push('\n');
  });
  const marks = path.join(repo.dir, '..', 'marks');
  repo.git(['fast-import', '--quiet', `--export-marks=${marks}`], { input: chunks.join('') });
  repo.git(['reset', '--hard', '--quiet', 'main']);
  const sha = new Map(readFileSync(marks, 'utf8').trim().split('\n').map((line) => line.split(' ') as [string, string]));
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
      comments.push({ id: rootId, author: REVIEWERS[c % REVIEWERS.length]!, bot: false, body: `${text.pick(OPENERS)} ${text.prose(6)}: ${text.prose(8)}.`, path: file, line, outdated: c % 6 === 5, resolved: c % 2 === 0, createdAt: time(c + 1) });
      if (c % 3 === 0) comments.push({ id: id++, replyTo: rootId, author: 'alice', bot: false, body: `Done: ${text.prose(5)}.`, path: file, line, outdated: c % 6 === 5, resolved: c % 2 === 0, createdAt: time(c + 2) });
    }
    humanComments += comments.length;
    if (number % 5 === 0) {
      comments.push({ id: id++, author: 'lint-bot[bot]', bot: true, body: 'Coverage dropped by 0.1%.', path: paths[0]!, line: COMMENTED_LINES[0]!, outdated: false, resolved: false, createdAt: time(50) });
      botComments++;
    }
    const reviews: SyntheticReview[] = [{ id: id++, state: 'APPROVED', author: 'erin', body: '', submittedAt: time(60) }];
    emptyApprovals++;
    if (number % 2 === 0) reviews.push({ id: id++, state: 'CHANGES_REQUESTED', author: 'bob', body: `Please address ${text.prose(3)}.`, submittedAt: time(55) });
    return { number, updatedAt: time(70), head: sha.get(`:${number + 1}`)!, base: sha.get(':1')!, files, comments, reviews };
  });
  return { repo, owner: options.owner ?? 'acme', name: options.name ?? 'widgets', pulls, humanComments, botComments, emptyApprovals };
}

/** A file as the base had it: the commented lines differ. */
function baseLines(lines: string[]): string[] {
  return lines.map((line, i) => (CHANGED_LINES.includes(i + 1) ? line.replace(/ = /, ' = "draft" + ') : line));
}

/** The diff hunk GitHub shows for a comment: the hunk's header and context down to the commented line. */
export function commentHunk(pull: SyntheticPull, file: string, line: number): string {
  const lines = pull.files.get(file)!;
  const before = baseLines(lines);
  const from = Math.max(1, line - 3);
  return [`@@ -${from},${line - from + 4} +${from},${line - from + 4} @@`, ...lines.slice(from - 1, line - 1).map((l) => ` ${l}`), `-${before[line - 1]}`, `+${lines[line - 1]}`].join('\n');
}
