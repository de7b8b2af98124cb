import assert from 'node:assert/strict';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseConfig } from '../../src/core/config';
import { buildDataset } from '../../src/core/dataset/build';
import type { DatasetReport } from '../../src/core/dataset/datasetReport';
import { appendFeedback } from '../../src/core/dataset/feedbackLog';
import { keyTail, planted, plantedCounts, plantedFragments, plantedLines, secretsFile } from '../fixtures/secrets/plantedSecrets';
import { GitTestRepo } from '../support/gitRepo';

/**
 * Every planted secret in every place a dataset takes text from — code, commit messages, author names and
 * e-mails, trailers, git notes, GitHub and GitLab review-comment exports, the feedback log — through the
 * real build on a real repository; then no output file may hold any of them, raw or JSON-decoded.
 */

/** Planted lines that fit on one line of a commit header or trailer (git refuses newlines and angle brackets there). */
const oneLiners = () => plantedLines().filter(({ line }) => !/[\n<>]/.test(line));
const asHunk = (text: string) => ['@@ -0,0 +1,' + text.split('\n').length + ' @@', ...text.split('\n').map((line) => `+${line}`)].join('\n');

interface Planted {
  repo: GitTestRepo;
  comments: string[];
  feedback: string;
}

async function plantEverywhere(): Promise<Planted> {
  const repo = GitTestRepo.create('planted');
  repo.writeLines('src/app.ts', ['export const ready = true;']);
  const initial = repo.commit('Initial commit');

  // Code, and a git note on it.
  repo.write('deploy/settings.env', `${secretsFile()}\n`);
  const added = repo.commit('Add deploy settings');
  repo.note(added, `Never commit these:\n${secretsFile()}`);

  // A follow-up whose message body, and whose trailers, carry every secret; its hunk holds a key's END line but not its BEGIN.
  const settings = secretsFile().split('\n');
  const afterKey = settings.indexOf('const deployKey = `');
  settings[afterKey] = 'const deployKey = String.raw`';
  repo.write('deploy/settings.env', `${settings.join('\n')}\n`);
  repo.commit(`Address review comments: rotate the leaked keys\n\n${secretsFile()}`, {
    trailers: [['Reviewed-by', oneLiners()[0]!.line], ['PR-URL', `https://deploy:${planted.urlPassword}@10.20.30.40/acme/shop/pull/9`], ...oneLiners().map(({ line }, i): [string, string] => [`X-Planted-${i}`, line])],
  });

  // Author names: one follow-up per secret, the secret inside the name (git trims quotes and dots at its ends).
  for (const [i, { line }] of oneLiners().entries()) {
    repo.write('src/log.txt', `entry ${i}\n`);
    repo.commit(`Address review comments: entry ${i}`, { author: { name: `Dev ${line} Dev`, email: `dev${i}@acme.test` } });
  }
  // Author e-mails: a bot's follow-up is skipped, and its skip record names the author with the e-mail.
  repo.write('src/log.txt', 'bot entry\n');
  repo.commit('Address review comments: bump', { author: { name: 'renovate[bot]', email: `${oneLiners().map(({ line }) => line).join(' ')}@bots.acme.test` } });

  const root = path.dirname(repo.dir);
  const line = 3;
  const github = path.join(root, 'github.json');
  await writeFile(
    github,
    JSON.stringify([
      {
        id: 501,
        path: 'deploy/settings.env',
        diff_hunk: asHunk(secretsFile().split('\n').slice(0, line).join('\n')),
        body: `These leak:\n${secretsFile()}`,
        commit_id: added,
        original_commit_id: added,
        line,
        original_line: line,
        side: 'RIGHT',
        in_reply_to_id: null,
        user: { login: planted.githubTokens[0] },
        created_at: '2024-01-01T00:10:00Z',
        html_url: `https://github.com/acme/shop/pull/9#discussion_r501?token=${planted.githubPat}`,
        pull_request_url: 'https://api.github.com/repos/acme/shop/pulls/9',
      },
      {
        id: 502,
        path: 'deploy/settings.env',
        diff_hunk: '',
        body: `Rotated. The old tail was:\n${keyTail().text}`,
        commit_id: added,
        original_commit_id: added,
        line,
        original_line: line,
        side: 'RIGHT',
        in_reply_to_id: 501,
        user: { login: 'maintainer' },
        created_at: '2024-01-01T00:20:00Z',
        pull_request_url: 'https://api.github.com/repos/acme/shop/pulls/9',
      },
    ]),
  );
  const gitlab = path.join(root, 'gitlab.json');
  await writeFile(
    gitlab,
    JSON.stringify([
      {
        id: 'd1',
        individual_note: false,
        notes: [
          {
            id: 601,
            type: 'DiffNote',
            body: `Please rotate:\n${secretsFile()}`,
            author: { username: 'reviewer', name: oneLiners()[1]!.line },
            created_at: '2024-01-02T09:00:00.000Z',
            system: false,
            noteable_type: 'MergeRequest',
            noteable_iid: 4,
            position: {
              base_sha: initial,
              start_sha: initial,
              head_sha: added,
              old_path: 'deploy/settings.env',
              new_path: 'deploy/settings.env',
              position_type: 'text',
              old_line: null,
              new_line: line,
            },
          },
        ],
      },
    ]),
  );

  await appendFeedback(repo.dir, {
    path: 'deploy/settings.env',
    startLine: 1,
    endLine: 4,
    code: secretsFile(),
    verdict: 'accepted',
    severity: 'error',
    rule: 'docs/security.md#secrets',
    message: `Move these to the vault: ${oneLiners()
      .map(({ line }) => line)
      .join(' ; ')}`,
    suggestion: `# deploy settings\n${oneLiners()[2]!.line}`,
    model: 'qwen2.5-coder:7b',
    citations: [{ source: 'docs/security.md', startLine: 1, endLine: 3 }],
    time: '2024-01-03T09:00:00Z',
  });
  return { repo, comments: [github, gitlab], feedback: path.join(repo.dir, '.housestyle', 'feedback.jsonl') };
}

/** Every string inside a JSON value. */
function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (value && typeof value === 'object') return Object.values(value).flatMap(strings);
  return [];
}

/** Each output file's raw text and, for JSON and JSONL, every decoded string in it. */
async function outputTexts(out: string): Promise<Map<string, string[]>> {
  const texts = new Map<string, string[]>();
  for (const file of await readdir(out)) {
    const raw = await readFile(path.join(out, file), 'utf8');
    const decoded = file.endsWith('.jsonl')
      ? raw
          .split('\n')
          .filter((line) => line.trim())
          .flatMap((line) => strings(JSON.parse(line)))
      : file.endsWith('.json')
        ? strings(JSON.parse(raw))
        : [];
    texts.set(file, [raw, ...decoded]);
  }
  return texts;
}

function survivors(texts: Map<string, string[]>, needles: string[]): string[] {
  const found: string[] = [];
  for (const [file, parts] of texts) for (const needle of needles) if (parts.some((part) => part.includes(needle))) found.push(`${file}: ${needle}`);
  return found;
}

describe('planted secrets in every place a dataset reads', () => {
  let story: Planted;
  before(async () => {
    story = await plantEverywhere();
  });
  after(() => story.repo.remove());

  it('leave no survivor in any output file, raw or JSON-decoded, and are counted by kind and class', async () => {
    const out = path.join(path.dirname(story.repo.dir), 'dataset');
    const report = await buildDataset({
      repo: story.repo.dir,
      comments: story.comments,
      feedback: story.feedback,
      out,
      format: 'sharegpt',
      config: parseConfig({ dataset: { anonymizeAuthors: false } }),
    });
    const texts = await outputTexts(out);
    assert.deepEqual([...texts.keys()].sort(), [...report.files].sort());
    const needles = [...plantedFragments(), ...keyTail().needles];
    assert.deepEqual(survivors(texts, needles), []);

    // Every source gave evidence, so every place was really read.
    assert.deepEqual(Object.keys(report.events).sort(), ['feedback', 'note', 'pr-comment', 'review-followup']);
    assert.ok(report.skipped.byReason[Object.keys(report.skipped.byReason).find((reason) => reason.startsWith('bot author renovate[bot]'))!]! >= 1);
    for (const kind of Object.keys(plantedCounts)) assert.ok((report.scrubs[kind] ?? 0) >= plantedCounts[kind as keyof typeof plantedCounts]!, kind);
    const card = texts.get('README.md')![0]!;
    for (const secretClass of ['cloud', 'version-control', 'payment', 'chat', 'mail', 'package-registry', 'private-key', 'credentials-in-url', 'auth-header', 'jwt', 'secret-assignment', 'high-entropy', 'personal-data']) {
      assert.match(card, new RegExp(`^\\| ${secretClass} \\| \\d+ \\|$`, 'm'), secretClass);
    }
  });

  it('counts each kind exactly where the evidence is one known text: a note on the commit that added them', async () => {
    const repo = GitTestRepo.create('counted');
    try {
      repo.writeLines('README.md', ['# shop']);
      repo.commit('Initial commit');
      repo.write('deploy/settings.env', `${secretsFile()}\n`);
      repo.note(repo.commit('Add deploy settings'), 'Keep settings out of the repository.');
      const out = path.join(path.dirname(repo.dir), 'dataset');
      const report: DatasetReport = await buildDataset({ repo: repo.dir, out, format: 'openai', config: parseConfig({}) });
      // The note's event carries the hunk alone (no before or after), and the author's pseudonym.
      assert.deepEqual(report.scrubs, Object.fromEntries(Object.entries({ ...plantedCounts, author: 1 }).sort(([a], [b]) => (a < b ? -1 : 1))));
      const written = JSON.parse(await readFile(path.join(out, 'report.json'), 'utf8')) as DatasetReport;
      assert.deepEqual(written.scrubs, report.scrubs);
      assert.deepEqual(survivors(await outputTexts(out), plantedFragments()), []);
    } finally {
      repo.remove();
    }
  });
});
