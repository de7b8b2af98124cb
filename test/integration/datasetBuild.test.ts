import assert from 'node:assert/strict';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { parse } from 'yaml';
import { parseConfig } from '../../src/core/config';
import { buildDataset } from '../../src/core/dataset/build';
import { appendFeedback } from '../../src/core/dataset/feedbackLog';
import { splitOf, SPLIT_NAMES, type SplitName } from '../../src/core/dataset/split';
import { promptInput } from '../../src/core/dataset/samples/promptRecord';
import { buildPrompt } from '../../src/core/prompt/taskPrompt';
import { planted, plantedCounts, plantedFragments, secretsFile } from '../fixtures/secrets/plantedSecrets';
import { REPO_ROOT, runCli } from '../support/cli';
import { BOB, GitTestRepo } from '../support/gitRepo';

const CART_VAR = ['export function total(items: Item[]) {', '  var sum = 0;', '  for (const item of items) sum += item.price;', '  return sum;', '}'];
const CART_LET = CART_VAR.map((line) => line.replace('var', 'let'));
const REVIEW_COMMENT = '`sum` is reassigned in the loop, so use `let`, never `var` (eslint no-var).';
const ACCEPTED = 'Return early when there are no arguments instead of nesting the call.';
const SUGGESTION = '  if (args.length === 0) return;\n  run(args);';
const RATIOS = { train: 0.5, validation: 0.25, test: 0.25 };
const FINDINGS = JSON.stringify({ findings: [{ rule: 'eslint no-var', severity: 'warning', startLine: 2, endLine: 2, message: REVIEW_COMMENT, replacement: '  let sum = 0;' }] });
/** Names and logins of the people in the story: none may reach an output file. */
const PEOPLE = ['Alice', 'Bob', 'bob-reviewer', 'carol', 'example.com', 'dependabot[bot]@'];

const parserLines = (state: number) => ['/* A Bison parser, made by GNU Bison 3.8.2.  */', ...Array.from({ length: 40 }, (_, i) => `static const int yytable${i}[] = { ${i === 30 ? state : i} };`)];
const tableLines = (state: number) => ['#pragma once', ...Array.from({ length: 40 }, (_, i) => `#define TABLE_${i} ${i === 30 ? state : i}`)];

interface Story {
  repo: GitTestRepo;
  comments: string;
  commits: { initial: string; cartMerge: string; docsMerge: string };
}

/**
 * A shop repository with review history of every kind: a review note on the first commit; pull request #12
 * (a cart module, a config file full of secrets, a lock file, then a review follow-up with a Reviewed-by
 * trailer) merged; pull request #13 (docs) merged untouched; a bot's follow-up; a GitHub review-comment
 * export for #12 (a real comment with a reply, a bot's comment, an "LGTM"); and the editor's feedback log.
 */
async function shopStory(): Promise<Story> {
  const repo = GitTestRepo.create('shop');
  repo.writeLines('src/app.ts', ['export function main(args: string[]) {', '  if (args.length > 0) {', '    run(args);', '  }', '}']);
  const initial = repo.commit('Initial commit');
  repo.note(initial, 'Prefer early returns over nested ifs in main().');
  // Generated code, known by its banner (Bison's first line) or by .gitattributes, far above the lines later changed.
  repo.writeLines('src/parser.c', parserLines(0));
  repo.writeLines('src/tables.h', tableLines(0));
  repo.writeLines('.gitattributes', ['src/tables.h linguist-generated=true']);
  repo.commit('Add the generated parser');
  repo.branch('alice/cart');
  repo.writeLines('src/cart.ts', CART_VAR);
  repo.write('deploy/settings.env', `${secretsFile()}\n`);
  repo.writeLines('package-lock.json', ['{', '  "lockfileVersion": 3', '}']);
  repo.writeLines('src/parser.c', parserLines(1));
  repo.writeLines('src/tables.h', tableLines(1));
  const cartAdded = repo.commit('Add cart totals');
  repo.writeLines('src/cart.ts', CART_LET);
  repo.writeLines('src/parser.c', parserLines(2));
  repo.writeLines('src/tables.h', tableLines(2));
  const cartFixed = repo.commit('Address review: sum is reassigned, so let, not var', { trailers: [['Reviewed-by', `${BOB.name} <${BOB.email}>`]] });
  repo.checkout('main');
  const cartMerge = repo.merge('alice/cart', 'Merge pull request #12 from alice/cart');
  repo.branch('bob/docs');
  repo.writeLines('docs/usage.md', ['# Usage', '', 'Run `shop --help` for the options.']);
  repo.commit('Document usage', { author: BOB });
  repo.checkout('main');
  const docsMerge = repo.merge('bob/docs', 'Merge pull request #13 from bob/docs');
  repo.writeLines('src/app.ts', ['export function main(args: string[]) {', '  if (args.length === 0) return;', '  run(args);', '}']);
  repo.commit('Address review comments', { author: { name: 'dependabot[bot]', email: '49699333+dependabot[bot]@users.noreply.github.com' } });

  const pr = 'https://api.github.com/repos/acme/shop/pulls/12';
  const comment = (id: number, login: string, body: string, extra: object) => ({
    id,
    path: 'src/cart.ts',
    diff_hunk: '@@ -0,0 +1,2 @@\n+export function total(items: Item[]) {\n+  var sum = 0;',
    body,
    commit_id: cartFixed,
    original_commit_id: cartAdded,
    line: null,
    original_line: 2,
    side: 'RIGHT',
    in_reply_to_id: null,
    user: { login },
    created_at: `2024-01-01T00:0${id % 10}:30Z`,
    html_url: `https://github.com/acme/shop/pull/12#discussion_r${id}`,
    pull_request_url: pr,
    ...extra,
  });
  const comments = path.join(repo.dir, '..', 'comments.json');
  await writeFile(
    comments,
    JSON.stringify([
      comment(101, 'bob-reviewer', REVIEW_COMMENT, {}),
      comment(102, 'alice', 'Done, thanks @bob-reviewer!', { in_reply_to_id: 101 }),
      comment(103, 'github-actions[bot]', 'Coverage for this file dropped to 40%.', { line: 3, original_line: 3 }),
      comment(104, 'carol', 'LGTM 👍', { path: 'deploy/settings.env', diff_hunk: '@@ -0,0 +1,1 @@\n+# deploy settings', line: 1, original_line: 1 }),
    ]),
  );

  const code = '  if (args.length > 0) {\n    run(args);\n  }';
  const finding = { path: 'src/app.ts', startLine: 2, endLine: 4, code, model: 'qwen2.5-coder:7b' };
  await appendFeedback(repo.dir, {
    ...finding,
    verdict: 'accepted',
    severity: 'warning',
    rule: 'docs/style.md#early-returns',
    message: ACCEPTED,
    suggestion: SUGGESTION,
    citations: [{ source: 'docs/style.md', startLine: 10, endLine: 14 }],
    time: '2024-01-02T09:00:00Z',
  });
  await appendFeedback(repo.dir, { ...finding, verdict: 'dismissed', severity: 'info', rule: 'naming', message: 'Rename args to argv.', citations: [], time: '2024-01-02T09:01:00Z' });
  return { repo, comments, commits: { initial, cartMerge, docsMerge } };
}

type Row = [task: string, source: string, path: string, answer: string];

/** Every supervised sample the story must give, by change; worked out by hand from the history above. */
function expectedSamples(commits: Story['commits'], feedbackGroup: string): Map<string, Row[]> {
  return new Map<string, Row[]>([
    [
      commits.cartMerge,
      [
        ['review-comment', 'pr-comment', 'src/cart.ts', REVIEW_COMMENT],
        ['code-refinement', 'pr-comment', 'src/cart.ts', CART_LET.join('\n')],
        ['rule-explanation', 'pr-comment', 'src/cart.ts', REVIEW_COMMENT],
        // From the whole hunk git has (the export's is cut at the comment); the rewrite's label of that hunk is the same sample.
        ['quality-estimation', 'pr-comment', 'src/cart.ts', 'yes'],
        // The reviewer's own task, fine-tuned variant: the docs hold no rule the comment matches, so no hybrid one.
        ['review-findings', 'pr-comment', 'src/cart.ts', FINDINGS],
        // Git alone gives the revision without reviewer words (the rewrite's is the same sample), never the commit subject.
        ['code-refinement', 'review-followup', 'src/cart.ts', CART_LET.join('\n')],
        ['quality-estimation', 'branch-rewrite', 'src/cart.ts', 'no'],
        ['quality-estimation', 'branch-rewrite', 'deploy/settings.env', 'no'],
      ],
    ],
    [
      commits.initial,
      [
        ['review-comment', 'note', 'src/app.ts', 'Prefer early returns over nested ifs in main().'],
        ['quality-estimation', 'note', 'src/app.ts', 'yes'],
      ],
    ],
    // docs/usage.md is prose, not code: pull request #13 gives nothing.
    [
      feedbackGroup,
      [
        ['review-comment', 'feedback', 'src/app.ts', ACCEPTED],
        ['code-refinement', 'feedback', 'src/app.ts', SUGGESTION],
        ['rule-explanation', 'feedback', 'src/app.ts', ACCEPTED],
      ],
    ],
  ]);
}

const sortRows = (rows: Row[]) => [...rows].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));

async function readLines(file: string): Promise<unknown[]> {
  const text = await readFile(file, 'utf8');
  return text === '' ? [] : text.trimEnd().split('\n').map((line) => JSON.parse(line));
}

async function snapshot(folder: string): Promise<Record<string, string>> {
  const names = (await readdir(folder)).sort();
  return Object.fromEntries(await Promise.all(names.map(async (name) => [name, await readFile(path.join(folder, name), 'utf8')])));
}

describe('housestyle dataset build', () => {
  let story: Story;
  let home: string;
  let seed: string;
  let feedbackGroup: string;

  before(async () => {
    story = await shopStory();
    home = path.dirname(story.repo.dir);
    // A first build shows the changes' group ids; then pick a seed that puts one of them in each split,
    // so that the build under test exercises all three.
    const probe = path.join(home, 'probe');
    const result = await runCli(['dataset', 'build', '--workspace', story.repo.dir, '--comments', story.comments, '--out', probe]);
    assert.equal(result.code, 0, result.stderr);
    const metadata = (await readLines(path.join(probe, 'metadata.jsonl'))) as { groupId: string; source: string }[];
    feedbackGroup = metadata.find((m) => m.source === 'feedback')!.groupId;
    const groups = [...new Set(metadata.map((m) => m.groupId))];
    seed = Array.from({ length: 1000 }, (_, i) => `shop-${i}`).find((s) => new Set(groups.map((g) => splitOf(g, s, RATIOS))).size === 3)!;
    await mkdir(path.join(story.repo.dir, '.housestyle'), { recursive: true });
    await writeFile(path.join(story.repo.dir, '.housestyle', 'config.json'), JSON.stringify({ dataset: { seed, split: RATIOS } }));
  });

  after(() => story.repo.remove());

  it('writes the exact samples of each change, every change in one split, with the pairs, files and config LLaMA-Factory reads', async () => {
    const out = path.join(home, 'dataset');
    const result = await runCli(['dataset', 'build', '--workspace', story.repo.dir, '--comments', story.comments, '--out', out, '--format', 'sharegpt']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, new RegExp(`^Dataset \\(sharegpt\\) written to ${out.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\n  samples: 13 `));
    assert.match(result.stdout, /near-duplicate pairs across splits: 0/);
    assert.match(result.stderr, /Mining git history: 8\/8/);
    assert.match(result.stderr, /warning: Only \d+ training samples, fewer than 500/);

    const metadata = (await readLines(path.join(out, 'metadata.jsonl'))) as { file: string; line: number; task: string; groupId: string; source: string; path: string; prompt: unknown }[];
    const records: Record<string, { conversations: { from: string; value: string }[] }[]> = {};
    for (const split of SPLIT_NAMES) records[split] = (await readLines(path.join(out, `${split}.jsonl`))) as never;

    const expected = expectedSamples(story.commits, feedbackGroup);
    const splitsUsed = new Set<SplitName>();
    for (const [group, rows] of expected) {
      const split = splitOf(group, seed, RATIOS);
      splitsUsed.add(split);
      const everything = metadata.filter((m) => m.groupId === group);
      assert.ok(
        everything.every((m) => m.file === `${split}.jsonl` || m.file === `preference_${split}.jsonl`),
        `group ${group} is split across ${[...new Set(everything.map((m) => m.file))]}`,
      );
      const written = everything.filter((m) => m.file === `${split}.jsonl`);
      const actual = written.map((m): Row => {
        const record = records[split]![m.line - 1]!;
        assert.deepEqual(
          record.conversations.map((turn) => turn.from),
          ['system', 'human', 'gpt'],
        );
        return [m.task, m.source, m.path, record.conversations[2]!.value];
      });
      assert.deepEqual(sortRows(actual), sortRows(rows), `samples of ${group}`);
    }
    assert.equal(splitsUsed.size, 3);
    // Evaluation rebuilds each prompt from metadata.jsonl with the builder serving uses: the record gives back the messages written.
    for (const m of metadata.filter((row) => !row.file.startsWith('preference_'))) {
      const written = records[m.file.replace('.jsonl', '')]![m.line - 1]!.conversations.slice(0, 2).map((turn) => turn.value);
      assert.deepEqual(buildPrompt(promptInput(m.prompt, `${m.file}:${m.line}`)).messages.map((message) => message.content), written, `${m.task} at ${m.file}:${m.line}`);
    }
    assert.deepEqual([...new Set(metadata.map((m) => m.task))].sort(), ['code-refinement', 'quality-estimation', 'review-comment', 'review-findings', 'rule-explanation']);
    assert.equal(
      metadata.filter((m) => !m.file.startsWith('preference_')).length,
      [...expected.values()].flat().length,
    );

    const feedbackSplit = splitOf(feedbackGroup, seed, RATIOS);
    const pairs = (await readLines(path.join(out, `preference_${feedbackSplit}.jsonl`))) as { conversations: { from: string }[]; chosen: { from: string; value: string }; rejected: { from: string; value: string } }[];
    assert.deepEqual(
      pairs.map((p) => [p.conversations.map((t) => t.from).join(','), p.chosen.value, p.rejected.value]),
      [
        ['system,human', ACCEPTED, 'Rename args to argv.'],
        ['system,human', SUGGESTION, '  if (args.length > 0) {\n    run(args);\n  }'],
      ],
    );

    const report = JSON.parse(await readFile(path.join(out, 'report.json'), 'utf8'));
    assert.deepEqual(report.drops, {
      'bot-author': 1,
      'duplicate-sample': 1,
      // The follow-up and the branch rewrite of each generated file, the parser's and the tables', and each as a
      // file the commented pull request changed without a comment (a review-findings negative, left out).
      'generated-file': 8,
      'lock-file': 2,
      'review-findings: hybrid-finding-without-matching-rule': 1,
      'trivial-comment': 1,
    });
    assert.deepEqual(report.generatedFiles, {
      files: 3,
      examples: [
        { source: 'package-lock.json', reason: 'lock-file' },
        { source: 'src/tables.h', reason: '.gitattributes linguist-generated' },
        { source: 'src/parser.c', reason: 'header "A Bison parser, made by GNU Bison 3.8.2."' },
      ],
    });
    // Comments 101 (answered by 102), 103 and 104 are threads; the bot's and the "LGTM" are dropped by cleaning.
    assert.deepEqual(report.reviewThreads, { exported: 3, imported: 3 });
    assert.equal(report.events['pr-comment'], 1);
    assert.deepEqual(report.samples.fromGitOnly, { 'code-refinement': 1, 'quality-estimation': 2 });
    assert.deepEqual(report.samples.labels['quality-estimation'], { no: 2, yes: 2 });
    // Pull request #13 had no follow-up commit, so its hunks are no evidence either way (not a "no" label);
    // the repository has no forge remote, so pull requests could not be keyed, with the fix.
    assert.deepEqual(Object.values(report.skipped.byReason), [1, 1, 1]);
    const reasons = Object.keys(report.skipped.byReason);
    assert.ok(reasons.some((reason) => /^bot author dependabot\[bot\] <EMAIL>$/.test(reason)), reasons.join('\n'));
    assert.ok(reasons.some((reason) => /^no later commit of the pull request follows up/.test(reason)), reasons.join('\n'));
    assert.ok(reasons.some((reason) => /^pull requests could not be keyed: the remote "origin" is absent.*set "dataset": \{ "remote": "upstream" \}/.test(reason)), reasons.join('\n'));
    for (const split of SPLIT_NAMES) assert.equal(report.samples.bySplit[split], records[split]!.length);
    assert.deepEqual(report.dateRange, { from: '2024-01-01', to: '2024-01-02' });

    const info = JSON.parse(await readFile(path.join(out, 'dataset_info.json'), 'utf8'));
    const nonEmpty = (await readdir(out)).filter((f) => f.endsWith('.jsonl') && f !== 'metadata.jsonl' && report.files.includes(f));
    for (const file of nonEmpty) {
      const lines = (await readLines(path.join(out, file))).length;
      const entry = Object.values(info).find((e) => (e as { file_name: string }).file_name === file) as { ranking?: boolean } | undefined;
      assert.equal(entry !== undefined, lines > 0, `dataset_info entry for ${file}`);
      if (entry) assert.equal(entry.ranking === true, file.startsWith('preference_'));
    }
    // The card states what the dataset is and what it left out.
    const card = await readFile(path.join(out, 'README.md'), 'utf8');
    const share = (split: SplitName) => `${Math.round((report.samples.bySplit[split] / report.samples.total) * 1000) / 10}%`;
    assert.match(card, new RegExp(`actual shares train ${share('train')}, validation ${share('validation')}, test ${share('test')}`));
    assert.match(card, /\| quality-estimation \| 4 \| 30\.8% \| no 2 \(50%\), yes 2 \(50%\) \|/);
    assert.match(card, /\| review-findings \| 1 \| 7\.7% \| without-rules, findings 1 \(100%\) \|/);
    assert.match(card, /gave only tasks that need none: code-refinement 1, quality-estimation 2/);
    assert.match(card, /Near-duplicate pairs across splits, checked after splitting: \*\*0\*\*/);
    assert.match(card, /no later commit of the pull request follows up on lines an earlier one added/);
    assert.match(card, /pull requests could not be keyed/);
    assert.match(card, /Review comments whose code came from the export's diff hunk because git could not supply it \(the commit or file is not local, or the commented line there is not the hunk's\): 0\./);
    assert.match(card, /not hand-written code \(generated, lock files, minified\), left out whole: 3\.\n\n- package-lock\.json: lock-file\n/);
    assert.match(card, /Review threads in the comment exports: 3, of which 3 were imported \(their code read from git, or from the export's diff hunk where git could not supply it\) and 1 kept as evidence after cleaning\./);
    assert.match(card, /## History\n\n8 commits mined\. Pull requests found: 2 merged branches/);
    assert.match(card, /## For more data\n/);
    assert.match(card, /The adapter is saved to `[^`]*dataset-adapter`, outside this folder/);
    const lora = parse(await readFile(path.join(out, 'train_lora.yaml'), 'utf8'));
    assert.equal(lora.model_name_or_path, 'Qwen/Qwen2.5-Coder-7B-Instruct');
    assert.equal(lora.template, 'qwen');
    assert.equal(lora.dataset_dir, out);
    assert.equal(lora.dataset, 'housestyle_train');
    if (records.validation!.length > 0) assert.equal(lora.eval_dataset, 'housestyle_validation');
    else assert.equal(lora.val_size, 0.1);
  });

  it('scrubs every planted secret before writing, counts each kind, and names no person', async () => {
    const out = path.join(home, 'scrubbed');
    const result = await runCli(['dataset', 'build', '--workspace', story.repo.dir, '--comments', story.comments, '--out', out, '--format', 'alpaca']);
    assert.equal(result.code, 0, result.stderr);
    const files = await snapshot(out);
    for (const [name, text] of Object.entries(files)) {
      assert.deepEqual(
        plantedFragments().filter((f) => text.includes(f) || text.includes(JSON.stringify(f).slice(1, -1))),
        [],
        `${name} leaks a secret`,
      );
      assert.deepEqual(
        PEOPLE.filter((person) => text.includes(person)),
        [],
        `${name} names a person`,
      );
    }
    // The config file was merged untouched: its hunk and its code each carry every planted secret once.
    // Emails: the two planted ones in both, and the bot's address in the source's skip record.
    const report = JSON.parse(files['report.json']!);
    const { author, ...scrubs } = report.scrubs;
    const expected = Object.fromEntries(Object.entries(plantedCounts).map(([kind, n]) => [kind, kind === 'email' ? 2 * n! + 1 : 2 * n!]));
    assert.deepEqual(scrubs, Object.fromEntries(Object.entries(expected).sort(([a], [b]) => a.localeCompare(b))));
    assert.ok(author > 0);
    assert.match(files['README.md']!, new RegExp(`\\| github-token \\| ${2 * plantedCounts['github-token']!} \\|`));
    assert.ok(files['train.jsonl']!.includes('<SECRET:private-key>') || files['validation.jsonl']!.includes('<SECRET:private-key>') || files['test.jsonl']!.includes('<SECRET:private-key>'));
    assert.ok(!Object.values(files).some((text) => text.includes(planted.awsAccessKey)));
  });

  it('is reproducible: a second build writes the same training files', async () => {
    const [a, b] = [path.join(home, 'again-a'), path.join(home, 'again-b')];
    for (const out of [a, b]) {
      const result = await runCli(['dataset', 'build', '--workspace', story.repo.dir, '--comments', story.comments, '--out', out]);
      assert.equal(result.code, 0, result.stderr);
    }
    const [first, second] = [await snapshot(a), await snapshot(b)];
    const training = (files: Record<string, string>) => Object.fromEntries(Object.entries(files).filter(([name]) => name.endsWith('.jsonl') || name === 'dataset_info.json'));
    assert.deepEqual(training(second), training(first));
  });

  it("loads the build's own modules and none of the other use cases'", async () => {
    const log = path.join(home, 'modules.log');
    const moduleLog = path.join(REPO_ROOT, 'test', 'support', 'moduleLog.mjs');
    const env = { HOUSESTYLE_MODULE_LOG: log, NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --import=${moduleLog}` };
    const result = await runCli(['dataset', 'build', '--workspace', story.repo.dir, '--out', path.join(home, 'modules')], { env });
    assert.equal(result.code, 0, result.stderr);
    const core = path.join(REPO_ROOT, 'src', 'core');
    const loaded = new Set((await readFile(log, 'utf8')).split('\n').filter((url) => url.startsWith('file:')).map((url) => path.relative(core, fileURLToPath(url))));
    for (const used of ['service/workspaceService.ts', 'dataset/build.ts', 'dataset/writeDataset.ts', 'knowledge/indexer.ts']) assert.ok(loaded.has(used), `${used} was not loaded`);
    const otherUseCases = ['chat/ask.ts', 'review/reviewer.ts', 'eval/evaluate.ts', 'eval/compare.ts', 'advice/advise.ts', 'models/training/train.ts', 'models/adapters/importAdapter.ts', 'session.ts'];
    assert.deepEqual(otherUseCases.filter((module) => loaded.has(module)), []);
  });

  it('keeps an existing dataset whole when a rebuild fails, with one clear line and exit status 2', async () => {
    const out = path.join(home, 'kept');
    assert.equal((await runCli(['dataset', 'build', '--workspace', story.repo.dir, '--out', out])).code, 0);
    const good = await snapshot(out);

    const corrupt = path.join(home, 'corrupt.json');
    await writeFile(corrupt, '[{"id": 1, "body": "cut off');
    const failures = [
      ['--comments', corrupt],
      ['--repo', story.repo.plainFolder()],
      ['--feedback', path.join(home, 'missing.jsonl')],
      ['--max-commits', 'lots'],
    ];
    for (const args of failures) {
      const result = await runCli(['dataset', 'build', '--workspace', story.repo.dir, '--out', out, ...args]);
      assert.equal(result.code, 2, `${args.join(' ')}: ${result.stderr}`);
      const lines = result.stderr.trimEnd().split('\n');
      assert.match(lines.at(-1)!, /^housestyle: \S.*/, result.stderr);
      assert.ok(!/\n\s+at /.test(result.stderr), 'no stack trace');
      assert.equal(result.stdout, '');
      assert.deepEqual(await snapshot(out), good, `${args.join(' ')} changed the dataset`);
    }
    assert.deepEqual(
      (await readdir(home)).filter((name) => name.startsWith('.kept')),
      [],
    );
  });

  it('leaves nothing that looks complete when cancelled mid-build', async () => {
    const out = path.join(home, 'cancelled');
    const controller = new AbortController();
    const config = parseConfig({ dataset: { seed, split: RATIOS } });
    const progress = { report: (phase: string, done: number) => phase === 'Mining git history' && done >= 3 && controller.abort() };
    await assert.rejects(buildDataset({ repo: story.repo.dir, comments: [story.comments], out, format: 'openai', config, signal: controller.signal, progress }), { name: 'HouseStyleError', code: 'cancelled' });
    assert.deepEqual(
      (await readdir(home)).filter((name) => name.includes('cancelled')),
      [],
    );
  });
});

describe('dataset build and its git processes', () => {
  const running = () => process.getActiveResourcesInfo().filter((kind) => kind === 'ProcessWrap').length;

  it('stops the history passes it started when the build fails before mining', async () => {
    // 120 commits of 40 KB each: git's patch pass outlasts the read-ahead, so git waits on a full pipe until stopped.
    const repo = GitTestRepo.create('long-history');
    try {
      const body = Array.from({ length: 800 }, (_, i) => `int value_${i} = ${i}; /* one line of a generated table */`).join('\n');
      const commits = Array.from({ length: 120 }, (_, i) => {
        const message = `Add table ${i}\n`;
        const content = `${body}\n/* table ${i} */\n`;
        return `commit refs/heads/main\ncommitter Alice <alice@example.com> ${1_700_000_000 + i * 60} +0000\ndata ${Buffer.byteLength(message)}\n${message}M 644 inline table${i}.c\ndata ${Buffer.byteLength(content)}\n${content}\n`;
      });
      repo.git(['fast-import', '--quiet'], { input: commits.join('') });
      const before = running();
      const missing = path.join(path.dirname(repo.dir), 'missing-feedback.jsonl');
      await assert.rejects(buildDataset({ repo: repo.dir, feedback: missing, out: path.join(path.dirname(repo.dir), 'out'), format: 'openai', config: parseConfig({}) }), { code: 'usage' });
      // Stopped git exits at once; a git left waiting on its pipe never would (the loop then gives up after 30 s).
      for (let i = 0; i < 300 && running() > before; i++) await new Promise((resolve) => setTimeout(resolve, 100));
      assert.equal(running(), before, 'a git process of the build is still running');
    } finally {
      repo.remove();
    }
  });
});
