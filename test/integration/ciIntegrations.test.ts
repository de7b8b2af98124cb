// The GitHub Action's shell steps and the GitLab CI template's script, run as a runner would in a fresh clone of a
// repository with a change under review, against the Ollama-API test server. A small runner reads action.yml: each
// step's `env` with `${{ inputs.* }}` and `${{ steps.*.outputs.* }}` resolved, its `run` in bash with $GITHUB_OUTPUT,
// as GitHub's composite actions do. The install step (npm install -g) is replaced by `housestyle` on PATH running the
// sources: installing the packed CLI is checked by scripts/check-cli-package.mjs; `uses:` steps are GitHub's own.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Log } from 'sarif';
import { parse } from 'yaml';
import { REPO_ROOT } from '../support/cli';
import { GitTestRepo } from '../support/gitRepo';
import { startOllamaTestServer, type ModelRequestBody, type OllamaTestServer } from '../support/ollamaTestServer';
import { assertValidCodeQuality, assertValidSarif } from '../support/reportSchemas';

const MODEL = 'qwen2.5-coder:7b';
const GUIDE = '# Style guide\n\n## Declarations\n\nNever use `var`: use `const`, or `let` when the variable is reassigned.\n';

interface ActionStep {
  id: string;
  if?: string;
  uses?: string;
  run?: string;
  env?: Record<string, string>;
}

/** Findings for each changed line that declares with `var`, citing the first rule in the prompt. */
function varFindings(body: ModelRequestBody) {
  const user = body.messages!.find((message) => message.role === 'user')!.content;
  const rule = /<rule-[0-9a-f]{16} id="(R\d+)"/.exec(user)![1]!;
  const lines = [...user.matchAll(/^\s*(\d+)\| (.*)$/gm)].filter(([, , text]) => /\bvar\b/.test(text!)).map(([, line]) => Number(line));
  return { content: JSON.stringify({ findings: lines.map((line) => ({ rule: 'Never use var', severity: 'error', startLine: line, endLine: line, message: 'Declare it with const.', citations: [rule] })) }) };
}

describe('CI integrations: the GitHub Action and the GitLab template', () => {
  let server: OllamaTestServer;
  let origin: GitTestRepo;
  let root: string;
  let clone: string;
  let bin: string;

  before(async () => {
    server = await startOllamaTestServer({ models: [MODEL] });
    server.onChat(varFindings);
    origin = GitTestRepo.create('origin');
    origin.write('docs/STYLE_GUIDE.md', GUIDE).write('src/app.ts', 'export const retries = 3;\n').write('.housestyle/config.json', JSON.stringify({ index: { embedder: 'hash' } }));
    origin.commit('Start');
    root = mkdtempSync(path.join(tmpdir(), 'hs-ci-'));
    clone = path.join(root, 'clone');
    // A fresh clone, as actions/checkout (fetch-depth: 0) or GitLab's GIT_DEPTH: 0 leaves it, on the change's branch.
    origin.git(['clone', '--quiet', origin.dir, clone], { cwd: root });
    origin.git(['checkout', '--quiet', '-b', 'feature'], { cwd: clone });
    writeFileSync(path.join(clone, 'src/app.ts'), 'export const retries = 3;\nvar timeout = 10;\nexport { timeout };\n');
    origin.git(['commit', '--quiet', '-am', 'Add a timeout'], { cwd: clone });
    bin = path.join(root, 'bin');
    mkdirSync(bin);
    writeFileSync(path.join(bin, 'housestyle'), `#!/bin/sh\nexec "${process.execPath}" --import "${import.meta.resolve('tsx')}" "${path.join(REPO_ROOT, 'src/cli/main.ts')}" "$@"\n`);
    chmodSync(path.join(bin, 'housestyle'), 0o755);
  });
  after(async () => {
    await server.close();
    origin.remove();
    rmSync(root, { recursive: true, force: true });
  });

  /** Runs a script as a runner's bash step does; asynchronously, since the Ollama test server answers from this process. */
  function bash(script: string, env: Record<string, string>): Promise<{ status: number | null; stdout: string; stderr: string }> {
    return new Promise((resolve, reject) => {
      const child = spawn('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', script], { cwd: clone, env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, ...env } });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (data) => (stdout += data));
      child.stderr.on('data', (data) => (stderr += data));
      child.on('error', reject);
      child.on('close', (status) => resolve({ status, stdout, stderr }));
    });
  }

  /** Runs action.yml's steps with `given` inputs; stops at the first failing step, as a runner does. */
  async function runAction(given: Record<string, string>) {
    const action = parse(readFileSync(path.join(REPO_ROOT, 'action.yml'), 'utf8')) as { inputs: Record<string, { default?: string }>; runs: { using: string; steps: ActionStep[] } };
    assert.equal(action.runs.using, 'composite');
    const inputs = { ...Object.fromEntries(Object.entries(action.inputs).map(([name, input]) => [name, input.default ?? ''])), ...given };
    const outputs: Record<string, Record<string, string>> = {};
    const resolve = (value: string) =>
      value.replace(/\$\{\{\s*(inputs\.([\w-]+)|steps\.([\w-]+)\.outputs\.([\w-]+))\s*\}\}/g, (_, _all, input, step, output) => (input ? inputs[input]! : (outputs[step]?.[output] ?? '')));
    const ran: Array<{ id: string; status: number | null }> = [];
    for (const step of action.runs.steps) {
      if (step.id === 'install' || step.uses) continue;
      const file = path.join(root, `${step.id}.output`);
      writeFileSync(file, '');
      const env = Object.fromEntries(Object.entries(step.env ?? {}).map(([name, value]) => [name, resolve(value)]));
      const result = await bash(step.run!, { ...env, GITHUB_OUTPUT: file });
      outputs[step.id] = Object.fromEntries(readFileSync(file, 'utf8').split('\n').filter(Boolean).map((line) => line.split('=', 2) as [string, string]));
      ran.push({ id: step.id, status: result.status });
      if (result.status !== 0) return { ran, outputs, stderr: result.stderr, stdout: result.stdout };
    }
    return { ran, outputs, stderr: '', stdout: '' };
  }

  it('the Action reviews the change, writes valid SARIF for the upload, and fails the job only after it', async () => {
    const run = await runAction({ base: 'origin/main', 'ollama-host': server.host });
    assert.deepEqual(run.ran, [{ id: 'review', status: 0 }, { id: 'verdict', status: 1 }], run.stderr);
    assert.equal(run.outputs.review!.findings, '1');
    assert.match(run.stdout, /::error::House Style found issues at or above 'error'/);
    const log = JSON.parse(readFileSync(path.join(clone, 'housestyle.sarif'), 'utf8')) as Log;
    await assertValidSarif(log);
    const locations = log.runs[0]!.results!.map((result) => result.locations![0]!.physicalLocation!);
    assert.deepEqual(locations.map((location) => [location.artifactLocation!.uri, location.region!.startLine]), [['src/app.ts', 2]]);
  });

  it('the Action passes below fail-on, and an unreachable Ollama fails the review step itself', async () => {
    const passing = await runAction({ base: 'origin/main', 'ollama-host': server.host, 'fail-on': 'none' });
    assert.deepEqual(passing.ran, [{ id: 'review', status: 0 }, { id: 'verdict', status: 0 }], passing.stderr);
    assert.equal(passing.outputs.review!.findings, '0');
    const unreachable = await runAction({ base: 'origin/main', 'ollama-host': 'http://127.0.0.1:9' });
    assert.deepEqual(unreachable.ran, [{ id: 'review', status: 2 }]);
    assert.match(unreachable.stderr, /Ollama/);
  });

  it('the GitLab template writes a valid Code Quality report and fails the job on findings', async () => {
    const template = parse(readFileSync(path.join(REPO_ROOT, 'ci/housestyle.gitlab-ci.yml'), 'utf8')) as Record<string, { variables: Record<string, string>; script: string[]; artifacts: { reports: { codequality: string } } }>;
    const job = template['housestyle-review']!;
    // The job's own lines after the install; GitLab runs them in one shell that stops at the first failure.
    const script = job.script.filter((line) => !line.startsWith('npm install')).join('\n');
    const variables = Object.fromEntries(Object.entries(job.variables).map(([name, value]) => [name, String(value)]));
    const result = await bash(script, { ...variables, OLLAMA_HOST: server.host, CI_MERGE_REQUEST_TARGET_BRANCH_NAME: 'main' });
    assert.equal(result.status, 1, result.stderr);
    const report = path.join(clone, job.artifacts.reports.codequality);
    assert.ok(existsSync(report));
    const issues = JSON.parse(readFileSync(report, 'utf8')) as Array<{ location: { path: string; lines: { begin: number } }; severity: string }>;
    await assertValidCodeQuality(issues);
    assert.deepEqual(issues.map((issue) => [issue.location.path, issue.location.lines.begin, issue.severity]), [['src/app.ts', 2, 'major']]);
  });
});
