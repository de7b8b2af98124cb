// Dataset quality on a SYNTHETIC history shaped like a long-lived C project's (not a real one, nobody tuned
// the dataset to it): release lines v0.6/v0.8/v0.10 merged back into master again and again, backports of one
// fix to every line (version-only variants), release bookkeeping (ChangeLog, src/version.h, AUTHORS,
// .mailmap with names and e-mails), pull requests merged with a forge subject (review rounds, "Address
// review" follow-ups), runs of commits landed with a shared PR-URL, squash merges, and a GitHub review-comment
// export for some pull requests (replies, a fork's pull request with a clashing number). Builds the dataset
// with the workspace's style guide indexed, and prints the figures the dataset issue asks of a real history:
// commit subjects used as answers, bookkeeping share, near-duplicates across splits (the build's own check
// and an exhaustive one), split shares, quality-estimation share and balance, review-findings present.
// Reports; never fails on a figure. BENCH_PULL_REQUESTS changes the size.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseConfig } from '../../src/core/config';
import { isVersionOnlyChange } from '../../src/core/dataset/bookkeeping';
import { buildDataset } from '../../src/core/dataset/build';
import { jaccard, shingles } from '../../src/core/shingles';
import { leakageText, NEAR_DUPLICATE_THRESHOLD } from '../../src/core/dataset/leakage';
import type { Sample } from '../../src/core/dataset/samples/sample';
import { SPLIT_NAMES } from '../../src/core/dataset/split';
import { seededRandom } from '../support/seededRandom';

const PULL_REQUESTS = Number(process.env.BENCH_PULL_REQUESTS ?? 400);
const RELEASES = ['0.6', '0.8', '0.10'];
const PEOPLE = Array.from({ length: 40 }, (_, i) => ({ name: `Dev${i} Person${i}`, email: `dev${i}@example.org`, login: `dev${i}` }));
const REMARKS = [
  'Prefer const here: this binding is never reassigned.',
  'nit: name this buffer after what it holds, not its type.',
  'Check the return value of malloc before using the buffer.',
  'Please free the buffer on the error path too, otherwise it leaks.',
  'Use size_t for lengths, not int.',
  'Consider an early return instead of nesting the whole body.',
  'This must not be called with the lock held.',
  'Avoid magic numbers: name the timeout as a constant.',
];
const STYLE_GUIDE = [
  '# C style guide',
  '',
  '## Memory',
  '',
  'Check the return value of malloc and free every buffer on every error path, or it leaks.',
  '',
  '## Types',
  '',
  'Use size_t for lengths and sizes, never int.',
  '',
  '## Constants',
  '',
  'Avoid magic numbers: name timeouts and limits as constants.',
  '',
].join('\n');

const next = seededRandom(20261202);
const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
const WORDS = (
  'buffer socket stream parser header cursor queue timer signal handle frame packet chunk token codec route cache pool lock event ' +
  'server client request response session cookie digest cipher record table index column schema query result batch window slot ' +
  'child worker thread process pipe file path mode flag option config entry value limit count offset length width height depth'
).split(' ');
/** A C identifier of two or three words, so that generated changes differ in words, not only in numbers. */
const identifier = () => Array.from({ length: 2 + Math.floor(next() * 2) }, () => pick(WORDS)).join('_');
const statement = () => pick([`${identifier()} = ${identifier()}(${identifier()});`, `if (${identifier()} > ${identifier()}) return ${identifier()};`, `${identifier()}->${pick(WORDS)} = ${identifier()};`, `free(${identifier()});`]);
let clock = 1_300_000_000;

interface Person {
  name: string;
  email: string;
  login: string;
}

/** A file's lines as the generator keeps them per branch. */
type Tree = Map<string, string[]>;

class History {
  private mark = 0;
  readonly out: string[] = [];
  readonly subjects = new Set<string>();
  /** mark → the commit's file lines, for the comment export (line numbers at that commit). */
  readonly snapshots = new Map<number, Tree>();

  commit(ref: string, author: Person, message: string, parents: number[], tree: Tree, changed: string[]): number {
    clock += 600;
    const mark = ++this.mark;
    this.subjects.add(message.split('\n')[0]!);
    const data = (text: string) => `data ${Buffer.byteLength(text)}\n${text}\n`;
    const files = changed.map((file) => (tree.has(file) ? `M 100644 inline ${file}\n${data(`${tree.get(file)!.join('\n')}\n`)}` : `D ${file}\n`)).join('');
    const [first, ...merged] = parents;
    this.out.push(
      `commit ${ref}\nmark :${mark}\nauthor ${author.name} <${author.email}> ${clock} +0000\ncommitter ${author.name} <${author.email}> ${clock} +0000\n${data(message)}` +
        `${first ? `from :${first}\n` : ''}${merged.map((m) => `merge :${m}\n`).join('')}${files}`,
    );
    this.snapshots.set(mark, new Map([...tree].map(([file, lines]) => [file, [...lines]])));
    return mark;
  }
}

function cFunction(name: string, body: string[]): string[] {
  return [`int ${name}(const char *input, int length) {`, ...body.map((line) => `  ${line}`), '}', ''];
}

function generate(): { stream: string; subjects: Set<string>; comments: (shaOf: (mark: number) => string) => object[]; stats: Record<string, number> } {
  const history = new History();
  const main: Tree = new Map();
  for (let f = 0; f < 40; f++) main.set(`src/module${f}.c`, cFunction(identifier(), Array.from({ length: 12 }, statement)));
  main.set('src/version.h', ['#define VERSION "0.5.0"']);
  main.set('ChangeLog', ['2011.01.01, Version 0.5.0', '', '* First release']);
  main.set('AUTHORS', PEOPLE.slice(0, 5).map((p) => `${p.name} <${p.email}>`));
  main.set('.mailmap', PEOPLE.slice(0, 3).map((p) => `${p.name} <${p.email}> <${p.login}@old.example.org>`));
  let tip = history.commit('refs/heads/master', PEOPLE[0]!, 'Initial commit', [], main, [...main.keys()]);
  const stats = { releaseMerges: 0, pullRequests: 0, prUrlRuns: 0, squashMerges: 0, bookkeeping: 0, backports: 0 };
  const releases = RELEASES.map((version) => ({ version, tree: new Map(main) as Tree, tip, patch: 0 }));
  const pending: { pr: number; first: number; last: number; file: string; line: number; remark: string }[] = [];
  const bump = (tree: Tree, version: string, patch: number) => {
    tree.set('src/version.h', [`#define VERSION "${version}.${patch}"`]);
    tree.set('ChangeLog', [`2012.01.01, Version ${version}.${patch}`, '', `* Fixes for ${version}`, '', ...tree.get('ChangeLog')!.slice(0, 6)]);
  };

  for (let pr = 1; pr <= PULL_REQUESTS; pr++) {
    const author = pick(PEOPLE.slice(5));
    const kind = next();
    if (kind < 0.55) {
      // A pull request: 2-4 commits; a review round rewrites a line the first commit added.
      const file = `src/module${Math.floor(next() * 40)}.c`;
      const tree: Tree = new Map(main);
      const lines = [...tree.get(file)!];
      const at = 1 + Math.floor(next() * (lines.length - 3));
      const fn = identifier();
      lines.splice(at, 0, `int ${fn}_count = ${identifier()}(${identifier()});`, `char *${fn}_buffer = malloc(${fn}_count);`);
      tree.set(file, lines);
      const branch = `refs/heads/pr-${pr}`;
      const first = history.commit(branch, author, `Add ${fn} to ${path.basename(file, '.c')}`, [tip], tree, [file]);
      let last = first;
      if (next() < 0.7) {
        const revised = [...tree.get(file)!];
        revised[at + 1] = `char *${fn}_buffer = malloc((size_t)${fn}_count);`;
        revised.splice(at + 2, 0, `if (${fn}_buffer == NULL) return -1;`);
        tree.set(file, revised);
        const message = next() < 0.5 ? `Address review: check ${fn}_buffer` : `Check ${fn} allocation`;
        last = history.commit(branch, author, message, [last], tree, [file]);
        if (next() < 0.6) pending.push({ pr, first, last, file, line: at + 2, remark: pick(REMARKS) });
      }
      if (next() < 0.3) {
        const other = `src/module${Math.floor(next() * 40)}.c`;
        tree.set(other, [...tree.get(other)!, `/* ${fn}: ${identifier()} */`]);
        last = history.commit(branch, author, `Document ${fn}`, [last], tree, [other]);
      }
      for (const [file2, content] of tree) main.set(file2, content);
      tip = history.commit('refs/heads/master', PEOPLE[1]!, `Merge pull request #${pr} from ${author.login}/${fn}`, [tip, last], main, [...new Set([file, ...tree.keys()])].filter((f) => f.startsWith('src/module')));
      stats.pullRequests++;
    } else if (kind < 0.65) {
      // Landed without a merge commit: two commits sharing a PR-URL, the second revising the first.
      const file = `src/module${Math.floor(next() * 40)}.c`;
      const url = `https://github.com/synth/project/pull/${pr}`;
      const lines = [...main.get(file)!];
      const name = identifier();
      lines.splice(1, 0, `int ${name} = ${identifier()}(${identifier()});`);
      main.set(file, lines);
      tip = history.commit('refs/heads/master', author, `${path.basename(file, '.c')}: add ${name}\n\nPR-URL: ${url}`, [tip], main, [file]);
      const revised = [...lines];
      revised[1] = `static const int ${name.toUpperCase()} = ${identifier()}(${identifier()}, ${identifier()});`;
      main.set(file, revised);
      tip = history.commit('refs/heads/master', author, `${path.basename(file, '.c')}: make ${name} a constant\n\nPR-URL: ${url}`, [tip], main, [file]);
      stats.prUrlRuns++;
    } else if (kind < 0.75) {
      const file = `src/module${Math.floor(next() * 40)}.c`;
      main.set(file, [...main.get(file)!, `/* ${identifier()} ${identifier()} */`]);
      tip = history.commit('refs/heads/master', author, `Tidy ${path.basename(file)} (#${pr})`, [tip], main, [file]);
      stats.squashMerges++;
    } else {
      // Release work: a fix on one line or backported to all three (a version-only variant each), version
      // bumps and ChangeLog entries, a new contributor in AUTHORS and .mailmap; then the line is merged back.
      const backport = next() < 0.4;
      const fix = [identifier(), identifier(), identifier()];
      for (const release of backport ? releases : [pick(releases)]) {
        const file = `src/fix_${pr}_v${release.version.replace('.', '_')}.c`;
        release.tree.set(file, [`const char *${fix[0]}(void) {`, `  ${fix[1]}(${fix[2]});`, `  return "node v${release.version}.${release.patch} (${fix[0]})";`, '}']);
        release.tip = history.commit(`refs/heads/v${release.version}`, pick(PEOPLE), `Fix ${pr} for v${release.version}`, [release.tip], release.tree, [file]);
        release.patch++;
        bump(release.tree, release.version, release.patch);
        release.tip = history.commit(`refs/heads/v${release.version}`, PEOPLE[2]!, `Now working on v${release.version}.${release.patch}`, [release.tip], release.tree, ['src/version.h', 'ChangeLog']);
        const newcomer = pick(PEOPLE);
        release.tree.set('AUTHORS', [...release.tree.get('AUTHORS')!, `${newcomer.name} <${newcomer.email}>`]);
        release.tree.set('.mailmap', [...release.tree.get('.mailmap')!, `${newcomer.name} <${newcomer.email}> <${newcomer.login}@old.example.org>`]);
        release.tip = history.commit(`refs/heads/v${release.version}`, PEOPLE[2]!, `Update AUTHORS`, [release.tip], release.tree, ['AUTHORS', '.mailmap']);
        stats.bookkeeping += 2;
        if (next() < 0.5) {
          for (const [file2, content] of release.tree) if (!['src/version.h', 'ChangeLog', 'AUTHORS', '.mailmap'].includes(file2)) main.set(file2, content);
          tip = history.commit('refs/heads/master', PEOPLE[0]!, `Merge branch 'v${release.version}'`, [tip, release.tip], main, [...release.tree.keys()].filter((f) => f.startsWith('src/fix_')));
          stats.releaseMerges++;
        }
      }
      if (backport) stats.backports++;
    }
  }

  const comments = (shaOf: (mark: number) => string) => {
    const out: object[] = [];
    let id = 1;
    for (const c of pending) {
      const root = id++;
      const base = {
        path: c.file,
        diff_hunk: `@@ -1,3 +1,5 @@\n ${history.snapshots.get(c.first)!.get(c.file)![c.line - 2]}\n+${history.snapshots.get(c.first)!.get(c.file)![c.line - 1]}`,
        commit_id: shaOf(c.last),
        original_commit_id: shaOf(c.first),
        line: null,
        original_line: c.line,
        side: 'RIGHT',
        created_at: new Date(clock * 1000).toISOString(),
        pull_request_url: `https://api.github.com/repos/synth/project/pulls/${c.pr}`,
        html_url: `https://github.com/synth/project/pull/${c.pr}#discussion_r${root}`,
      };
      out.push({ ...base, id: root, body: c.remark, user: { login: pick(PEOPLE).login }, in_reply_to_id: null });
      if (next() < 0.4) out.push({ ...base, id: id++, body: 'Done, thanks.', user: { login: pick(PEOPLE).login }, in_reply_to_id: root });
      // An old fork's pull request with the same number: it must not join this one.
      if (next() < 0.05) out.push({ ...base, id: id++, body: 'Old fork remark.', user: { login: 'forker' }, in_reply_to_id: null, pull_request_url: `https://api.github.com/repos/old/fork/pulls/${c.pr}`, html_url: `https://github.com/old/fork/pull/${c.pr}` });
    }
    return out;
  };
  return { stream: history.out.join(''), subjects: history.subjects, comments, stats };
}

function git(repo: string, args: string[], input?: string): string {
  const result = spawnSync('git', args, { cwd: repo, input, maxBuffer: 1 << 30 });
  if (result.status !== 0) throw new Error(`git ${args.join(' ')}: ${result.stderr}`);
  return result.stdout.toString('utf8');
}

async function fastImport(repo: string, stream: string, marks: string): Promise<void> {
  const child = spawn('git', ['fast-import', '--quiet', `--export-marks=${marks}`], { cwd: repo, stdio: ['pipe', 'ignore', 'inherit'] });
  const done = new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', resolve);
  });
  child.stdin.end(stream);
  if ((await done) !== 0) throw new Error('git fast-import failed');
}

const pct = (n: number, total: number) => `${((n / Math.max(1, total)) * 100).toFixed(1)}%`;

const home = mkdtempSync(path.join(os.tmpdir(), 'housestyle-bench-history-'));
try {
  const repo = path.join(home, 'project');
  mkdirSync(repo);
  git(repo, ['init', '--quiet', '--initial-branch=master']);
  const generated = generate();
  const marksFile = path.join(home, 'marks');
  await fastImport(repo, generated.stream, marksFile);
  git(repo, ['remote', 'add', 'origin', 'https://github.com/synth/project.git']);
  const marks = new Map(readFileSync(marksFile, 'utf8').trim().split('\n').map((line) => line.slice(1).split(' ') as [string, string]).map(([m, sha]) => [Number(m), sha]));
  const comments = path.join(home, 'comments.json');
  writeFileSync(comments, JSON.stringify(generated.comments((mark) => marks.get(mark)!)));
  mkdirSync(path.join(repo, 'docs'));
  writeFileSync(path.join(repo, 'docs', 'STYLE.md'), STYLE_GUIDE);
  const commits = Number(git(repo, ['rev-list', '--count', 'master']).trim());
  console.log(
    `SYNTHETIC history (generated here, not a real project): ${commits} commits; ${JSON.stringify(generated.stats)}; ` +
      `${(JSON.parse(readFileSync(comments, 'utf8')) as unknown[]).length} exported review comments`,
  );

  const config = parseConfig({ index: { embedder: 'hash' } });
  const out = path.join(home, 'dataset');
  const started = performance.now();
  const report = await buildDataset({ repo, workspace: repo, comments: [comments], out, format: 'openai', config });
  const seconds = (performance.now() - started) / 1000;
  const metadata = readFileSync(path.join(out, 'metadata.jsonl'), 'utf8').trimEnd().split('\n').map((line) => JSON.parse(line) as { file: string; line: number; task: Sample['task']; groupId: string; path: string });
  const records = new Map(SPLIT_NAMES.map((split) => [split, readFileSync(path.join(out, `${split}.jsonl`), 'utf8').trimEnd().split('\n').filter(Boolean).map((line) => JSON.parse(line) as { messages: { content: string }[] })]));
  const samples = metadata
    .filter((m) => records.has(m.file.replace('.jsonl', '') as never))
    .map((m) => {
      const messages = records.get(m.file.replace('.jsonl', '') as never)![m.line - 1]!.messages;
      return { split: m.file.replace('.jsonl', ''), meta: m, sample: { system: messages[0]!.content, instruction: messages[1]!.content, input: '', response: messages[2]!.content, task: m.task, groupId: m.groupId, metadata: {} } as unknown as Sample };
    });

  // 1. Commit subjects presented as reviewer text: as an answer, a finding's message, or a review comment block.
  const subjects = [...generated.subjects].filter((s) => s.length > 3);
  const asAnswer = samples.filter(({ sample }) => {
    const messages = sample.task === 'review-findings' ? (JSON.parse(sample.response) as { findings: { message: string }[] }).findings.map((f) => f.message) : [sample.response];
    const reviewBlock = /<comment-([0-9a-f]{16})>\n([\s\S]*?)\n<\/comment-\1>/.exec(sample.instruction)?.[2];
    return subjects.some((subject) => messages.some((m) => m.includes(subject)) || reviewBlock?.includes(subject));
  }).length;
  // 2. Release bookkeeping among the samples.
  const bookkeepingPath = /(^|\/)(ChangeLog|AUTHORS|\.mailmap|version\.h)$/;
  const bookkeeping = samples.filter(({ meta, sample }) => bookkeepingPath.test(meta.path) || (sample.task !== 'review-findings' && isVersionOnlyChange(sample.instruction))).length;
  // 3. Near-duplicates across splits, exhaustively (every pair), besides the build's own check.
  const sets = samples.map(({ sample }) => shingles(leakageText(sample)));
  let crossSplit = 0;
  for (let i = 0; i < samples.length; i++) {
    for (let j = i + 1; j < samples.length; j++) {
      if (samples[i]!.split !== samples[j]!.split && jaccard(sets[i]!, sets[j]!) >= NEAR_DUPLICATE_THRESHOLD) crossSplit++;
    }
  }
  const total = samples.length;
  const byTask = report.samples.byTask;
  const qe = report.samples.labels['quality-estimation'];
  const qeTotal = (qe.yes ?? 0) + (qe.no ?? 0);
  console.log(`dataset built in ${seconds.toFixed(1)} s: ${total} samples, ${report.preferencePairs.total} preference pairs; tasks ${JSON.stringify(byTask)}`);
  console.log(`commit subjects as reviewer text: ${asAnswer}                       (target 0)`);
  console.log(`bookkeeping samples:              ${bookkeeping} (${pct(bookkeeping, total)})           (target at most 1%)`);
  console.log(`near-duplicates across splits:    ${crossSplit} exhaustive, ${report.leakage.crossSplitPairs} by the build (target 0); ${report.leakage.groups} changes in ${report.leakage.units} split units`);
  console.log(
    `split shares:                     ${SPLIT_NAMES.map((s) => `${s} ${pct(report.samples.bySplit[s], total)}`).join(', ')} against ${SPLIT_NAMES.map((s) => `${Math.round(report.split.ratios[s] * 100)}%`).join(' / ')} (target within 3 points)`,
  );
  console.log(`quality estimation:               ${pct(qeTotal, total)} of samples, yes ${pct(qe.yes ?? 0, qeTotal)} / no ${pct(qe.no ?? 0, qeTotal)} (target at most 50%, neither label above 60%)`);
  console.log(`review-findings:                  ${JSON.stringify(report.samples.labels['review-findings'])}`);
  console.log(`left out:                         ${JSON.stringify(report.drops)}`);
  console.log(`history facts:                    ${JSON.stringify(report.history)}`);
} finally {
  rmSync(home, { recursive: true, force: true });
}
