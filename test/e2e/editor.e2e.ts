// The end-to-end lane: the packaged VSIX installed into a real VS Code (code-server) with a fresh profile, driven
// through Chromium as a user would, against the Ollama-API test server. Steps run in order and share one editor;
// each leaves a screenshot in test/e2e/artifacts/editor/. `npm run test:e2e`; the recipe is in ../shared/DESIGN.md.
import { after, before, describe } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { KnowledgeStore } from '../../src/core/knowledge/store';
import { REPO_ROOT } from '../support/cli';
import type { GitTestRepo } from '../support/gitRepo';
import { startOllamaTestServer, type OllamaTestServer } from '../support/ollamaTestServer';
import { writeTinyEmbeddingModel } from '../support/tinyEmbeddingModel';
import { CodeServer, installToolchain, type Toolchain } from './codeServer';
import { tearDown } from './teardown';
import { chatAnswer, createWorkspaceRepo, EMPTY_CATCH, HOSTILE_HTML, isQuestion, REVIEWED_FILE, reviewAnswer, VAR_FIX, VAR_LINE } from './scenario';
import { screenshotStep, STATUS_ITEM, waitUntil, Workbench } from './workbench';

const run = promisify(execFile);
// Its own folder: the lane's other files keep theirs beside it, and this file empties only its own.
const ARTIFACTS = path.join(import.meta.dirname, 'artifacts', 'editor');
const VSIX = path.join(REPO_ROOT, 'housestyle-linux-x64.vsix');
const EXTENSION_ID = 'housestyle.housestyle';
const MODEL = 'qwen2.5-coder:7b';
/** An adapted model the test server serves, so the fine-tuned and hybrid routes can be compared. */
const ADAPTED = 'housestyle-acme-service:e2e-1';
const MAX_VSIX_BYTES = 100_000_000;

let toolchain: Toolchain;
let profile: string;
let repo: GitTestRepo;
let ollama: OllamaTestServer;
let server: CodeServer;
let workbench: Workbench;

/** One step of the lane: a screenshot when it ends, pass or fail, so a failure can be seen afterwards. */
const step = screenshotStep(() => workbench);

/** The 1-based line of the reviewed file, as saved, that reads `text`: where a quick fix is asked for. */
async function lineOf(text: string): Promise<number> {
  const lines = (await readFile(path.join(repo.dir, REVIEWED_FILE), 'utf8')).split('\n');
  const index = lines.findIndex((line) => line.trim() === text);
  assert.ok(index >= 0, `${REVIEWED_FILE} has no line "${text}"`);
  return index + 1;
}

async function feedbackVerdicts(): Promise<string[]> {
  const log = path.join(repo.dir, '.housestyle', 'feedback.jsonl');
  if (!existsSync(log)) return [];
  return (await readFile(log, 'utf8'))
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { verdict: string; rule: string })
    .map(({ verdict, rule }) => `${verdict}: ${rule}`);
}

function chatRequests(): number {
  return ollama.requests.filter((request) => request.path === '/api/chat').length;
}

before(async () => {
  await rm(ARTIFACTS, { recursive: true, force: true });
  toolchain = await installToolchain();
  // `vsce package` runs vscode:prepublish, the production build, first.
  await run('npm', ['run', 'package', '--', 'linux-x64'], { cwd: REPO_ROOT, maxBuffer: 64 * 1024 * 1024 });
  repo = createWorkspaceRepo();
  ollama = await startOllamaTestServer({ models: [MODEL, ADAPTED] });
  ollama.onChat((body) => (isQuestion(body) ? chatAnswer(body) : reviewAnswer(body)));
  profile = await mkdtemp(path.join(tmpdir(), 'housestyle-e2e-'));
  const settings = {
    'housestyle.ollama.host': ollama.host,
    'housestyle.ollama.model': MODEL,
    'housestyle.models.fineTuned': ADAPTED,
    // From the start: a later edit of settings.json did not reach the extension here.
    'housestyle.review.onSave': true,
    'workbench.startupEditor': 'none',
    'workbench.secondarySideBar.defaultVisibility': 'hidden',
    'chat.disableAIFeatures': true,
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
  };
  server = await CodeServer.start(toolchain, profile, VSIX, settings);
  workbench = await Workbench.open(server.url, repo.dir, ARTIFACTS);
});

after(() => tearDown({ workbench, server, ollama, profile, repo, artifacts: ARTIFACTS }));

describe('House Style in a real VS Code (code-server)', () => {
  step('the VSIX is lean: linux-x64 native modules only, no sources, tests or maps, at most 100 MB', async () => {
    const vsixBytes = (await stat(VSIX)).size;
    const installed = await CodeServer.installedExtension(profile, EXTENSION_ID);
    const files = (await readdir(installed, { recursive: true, withFileTypes: true })).filter((entry) => entry.isFile()).map((entry) => path.relative(installed, path.join(entry.parentPath, entry.name)));
    const installedBytes = (await Promise.all(files.map(async (file) => (await stat(path.join(installed, file))).size))).reduce((a, b) => a + b, 0);
    console.log(`VSIX ${(vsixBytes / 1e6).toFixed(1)} MB (${(vsixBytes / 2 ** 20).toFixed(1)} MiB), ${files.length} files, ${(installedBytes / 2 ** 20).toFixed(1)} MiB installed`);
    assert.ok(vsixBytes <= MAX_VSIX_BYTES, `VSIX is ${vsixBytes} bytes`);
    const unwanted = files.filter((file) => /\.map$|\.d\.[cm]?ts$|^(src|test|\.ci)\/|^esbuild\.mjs$|^dist\/cli\.cjs$|tsconfig\.json$|onnxruntime-web|\/(win32|darwin)\/|linux\/arm64|lancedb-(?!linux-x64-gnu)/.test(file));
    assert.deepEqual(unwanted, []);
    for (const needed of ['dist/extension.cjs', 'dist/embedWorker.cjs', 'dist/upkeepWorker.cjs', 'media/icon.png', 'LICENSE.txt', 'node_modules/onnxruntime-node/bin/napi-v6/linux/x64/onnxruntime_binding.node']) {
      assert.ok(files.includes(needed), `${needed} is missing from the VSIX`);
    }
    assert.ok(files.some((file) => file.startsWith('node_modules/@lancedb/lancedb-linux-x64-gnu/') && file.endsWith('.node')));
  });

  step('the installed copy loads transformers.js and embeds with it (Node 24, a tiny model)', async () => {
    const installed = await CodeServer.installedExtension(profile, EXTENSION_ID);
    const model = await writeTinyEmbeddingModel(path.join(profile, 'models', 'tiny-minilm'));
    // The extension's own worker bundle, from the installed folder: every module it loads must be in the VSIX.
    const script = `const { Worker } = require('node:worker_threads');
const worker = new Worker(process.env.WORKER);
worker.on('message', (reply) => {
  if (reply.type === 'ready') return worker.postMessage({ id: 2, type: 'embed', texts: ['never swallow errors'] });
  console.log(JSON.stringify(reply.type === 'embedded' ? { type: reply.type, length: reply.vectors[0].length } : reply));
  process.exit(0);
});
worker.postMessage({ id: 1, type: 'init', modelDir: process.env.MODEL_DIR });`;
    const { stdout } = await run(path.join(toolchain.node, 'node'), ['-e', script], { env: { ...process.env, WORKER: path.join(installed, 'dist', 'embedWorker.cjs'), MODEL_DIR: model.dir } });
    assert.deepEqual(JSON.parse(stdout.trim()), { type: 'embedded', length: 16 });
  });

  step('the installed copy builds a vector index in its upkeep process (Node 24)', async () => {
    const installed = await CodeServer.installedExtension(profile, EXTENSION_ID);
    const uri = await mkdtemp(path.join(tmpdir(), 'hs-e2e-upkeep-'));
    try {
      const store = await KnowledgeStore.create(uri, 'style', { embedder: 'e2e', dimension: 8 });
      const rows = Array.from({ length: 300 }, (_, i) => ({
        id: `r${i}`, source: `docs/g${i % 30}.md`, start_line: i, end_line: i, heading: 'Rules', text: `rule ${i}`, fts_text: `rule ${i}`,
        content_hash: `c${i}`, file_hash: 'f', file_stamp: 's', applies_to: '[]', page: 0, languages: '[]', vector: Float32Array.from({ length: 8 }, (_, d) => Math.sin(i * (d + 1))),
      }));
      await store.replaceSources(rows, new Set(rows.map((row) => row.source)));
      store.close();
      // The extension's own worker bundle, from the installed folder: every module it loads must be in the VSIX.
      const script = `const child = require('node:child_process').fork(process.env.WORKER, [], { execArgv: [] });
child.on('message', (reply) => console.log(JSON.stringify(reply.type)));
child.send({ uri: process.env.INDEX_URI, kb: 'style', task: { type: 'vector-index' } });`;
      const { stdout } = await run(path.join(toolchain.node, 'node'), ['-e', script], { env: { ...process.env, WORKER: path.join(installed, 'dist', 'upkeepWorker.cjs'), INDEX_URI: uri } });
      assert.equal(stdout.trim(), '"done"');
      const reopened = (await KnowledgeStore.open(uri, 'style'))!;
      assert.deepEqual(await reopened.maintainIndexes(256), {}, 'the vector index is there: nothing left to build');
      reopened.close();
    } finally {
      await rm(uri, { recursive: true, force: true });
    }
  });

  step('activates at startup (onStartupFinished), the folder in Restricted Mode', async () => {
    await server.waitForLog(new RegExp(`_doActivateExtension ${EXTENSION_ID}, startup: \\w+, activationEvent: 'onStartupFinished'`));
    assert.doesNotMatch(await server.logs(), new RegExp(`Activating extension '?${EXTENSION_ID}'? failed`, 'i'));
    await workbench.page.locator('.statusbar-item', { hasText: 'Restricted Mode' }).waitFor();
  });

  step('restricted mode: indexing is refused with one line saying how to trust; then the folder is trusted', async () => {
    await workbench.runCommand('House Style: Index Workspace');
    const toast = await workbench.notification(/Restricted Mode/);
    const text = await workbench.notificationText(toast);
    console.log(`untrusted: "${text}"`);
    assert.doesNotMatch(text, /House Style:.*House Style/, 'one prefix');
    await toast.locator('.monaco-button', { hasText: 'Manage Workspace Trust' }).waitFor();
    await workbench.screenshot('restricted-mode-refusal');
    assert.doesNotMatch(await server.logs(), /\[error\][^\n]*Restricted Mode/, 'an expected condition is not logged as an error');
    await workbench.clearNotifications();
    await workbench.trustFolder();
  });

  step('index: the style guide becomes passages (default embedder, no model), and git never sees the index', async () => {
    await workbench.recordStatusBar();
    await workbench.runCommand('House Style: Index Workspace');
    const toast = await workbench.notification(/Indexed \d+ passages/);
    const text = await workbench.notificationText(toast);
    console.log(`index: "${text}"`);
    assert.match(text, /Indexed [1-9]\d* passages? from [1-9]\d* files? with hash/);
    const { stdout } = await run('git', ['status', '--porcelain', '--untracked-files=all'], { cwd: repo.dir });
    assert.deepEqual(stdout.split('\n').filter((line) => line.includes('.housestyle/index')), [], 'the index folder shows up in git status');
    await workbench.clearNotifications();
  });

  step('the Knowledge view lists the guide with its passages and the language its rules are for', async () => {
    await workbench.runCommand('House Style: Focus on Knowledge View');
    const view = workbench.page.locator('[id="workbench.view.extension.housestyle"]');
    await view.locator('.monaco-list-row', { hasText: /passages? · indexed/ }).first().click();
    const guide = view.locator('.monaco-list-row', { hasText: 'STYLE_GUIDE.md' }).first();
    await guide.waitFor();
    // The guide's title names TypeScript ("Acme TypeScript Style Guide"), so its rules are TypeScript's.
    assert.match(await guide.locator('.label-description').innerText(), /^[1-9]\d* passages? · TypeScript$/);
  });

  step('knowledge search finds the rule and opens it at its lines', async () => {
    await workbench.runCommand('House Style: Search Knowledge Base');
    const view = await workbench.webviewFrame('#query');
    await view.locator('#query').fill('swallow an error catch block');
    await view.locator('#query').press('Enter');
    const result = view.locator('.result', { hasText: 'Errors' }).first();
    await result.waitFor();
    const location = await result.locator('.location').innerText();
    assert.match(location, /^docs\/STYLE_GUIDE\.md:\d+-\d+$/);
    await result.locator('.location').click();
    await workbench.activeTab('STYLE_GUIDE.md').waitFor();
    assert.match(await workbench.editorText(), /Never swallow an error/);
  });

  step('review: findings in Problems, each with its rule link and the cited passage as related information', async () => {
    await workbench.openFile(REVIEWED_FILE);
    await workbench.runCommand('House Style: Review Current File');
    await workbench.notification(/2 findings/);
    // Each marker, then its related information: the cited section with its file and lines.
    const rows = await workbench.waitForProblems(/Never use var/, /Declarations \(docs\/STYLE_GUIDE\.md:\d+-\d+\)/, /Never swallow an error/, /Errors \(docs\/STYLE_GUIDE\.md:\d+-\d+\)/);
    console.log(`problems:\n  ${rows.join('\n  ')}`);
    // The diagnostic's code is a link (to the cited rule), shown as the rule's name.
    const codeLinks = await workbench.page.locator('.markers-panel .monaco-list-row a', { hasText: /^(Never use var|Never swallow an error)$/ }).count();
    assert.equal(codeLinks, 2);
    assert.ok(ollama.requests.some((request) => request.path === '/api/chat'));
    await workbench.clearNotifications();
  });

  step('quick fix: the suggested replacement is applied and recorded as accepted', async () => {
    await workbench.openFile(REVIEWED_FILE);
    await workbench.goToLine(await lineOf(VAR_LINE));
    const reviews = chatRequests();
    await workbench.quickFix('Apply suggested fix');
    await waitUntil(async () => (await workbench.editorText()).includes(VAR_FIX), 'the fix in the editor');
    await waitUntil(async () => (await feedbackVerdicts()).includes('accepted: Never use var'), 'the accepted finding in the feedback log');
    // A quick fix saves the file (files.refactoring.autoSave), so review on save runs: let it finish first.
    await waitUntil(() => chatRequests() > reviews, 'the review on save after the fix');
    await workbench.page.locator(STATUS_ITEM, { hasText: 'House Style: reviewing' }).waitFor({ state: 'detached' });
    await workbench.waitForNoProblem(/Never use var/);
  });

  step('dismiss: the finding leaves Problems and is recorded as dismissed', async () => {
    await workbench.goToLine(await lineOf(EMPTY_CATCH));
    await workbench.quickFix('Dismiss');
    await waitUntil(async () => (await feedbackVerdicts()).includes('dismissed: Never swallow an error'), 'the dismissal in the feedback log');
    await workbench.waitForNoProblem(/Never swallow an error/);
  });

  step('dismiss: a dismissed finding is not back after a re-review', async () => {
    await workbench.openFile(REVIEWED_FILE);
    const reviews = chatRequests();
    await workbench.runCommand('House Style: Review Current File');
    await waitUntil(() => chatRequests() > reviews, 'the re-review');
    const toast = await workbench.notification(/dismissed earlier, not shown/);
    console.log(`re-review: "${await workbench.notificationText(toast)}"`);
    assert.ok(!(await workbench.problems()).some((row) => /Never swallow an error/.test(row)), 'the dismissed finding is back');
    await workbench.clearNotifications();
  });

  step('review on save: saving the file reviews it again and reports the new violation', async () => {
    await workbench.openFile(REVIEWED_FILE);
    const reviews = chatRequests();
    await workbench.page.keyboard.press('Control+End');
    await workbench.page.keyboard.type(`${VAR_LINE}\n`);
    await workbench.save();
    await waitUntil(() => chatRequests() > reviews, 'a review request after the save');
    const line = await lineOf(VAR_LINE);
    await workbench.waitForProblems(new RegExp(`Never use var.*\\[Ln ${line}, Col 1\\]`));
  });

  step('chat view: an answer streams in, with a citation that opens the passage', async () => {
    await workbench.runCommand('House Style: Open Chat');
    const chat = await workbench.webviewFrame('#question');
    await chat.locator('#context').selectOption('none');
    await chat.locator('#question').fill('What do we do with errors in a catch block?');
    await chat.locator('#question').press('Enter');
    // Streaming: part of the answer is on screen while Cancel is still offered.
    await chat.locator('#cancel:not([hidden])').waitFor();
    await chat.locator('.turn .markdown', { hasText: 'Never leave' }).waitFor();
    assert.equal(await chat.locator('.turn .figures').count(), 0, 'the answer was shown only once complete');
    await chat.locator('.turn .figures').waitFor();
    const figures = await chat.locator('.turn .figures').innerText();
    console.log(`chat: ${figures}`);
    assert.match(figures, new RegExp(`${MODEL.replace('.', '\\.')} · rag · .* 600 prompt \\+ 60 completion tokens`));
    // The chat has a side bar of its own: at 1440×900 the conversation gets room, not a slit.
    const conversation = await chat.locator('#log').evaluate((log) => log.getBoundingClientRect().height);
    console.log(`chat: conversation area ${Math.round(conversation)} px tall`);
    assert.ok(conversation >= 300, `the conversation area is ${conversation} px tall`);
    await workbench.screenshot('chat-answer');
    const source = chat.locator('.sources .source').first();
    assert.match(await source.innerText(), /^docs\/STYLE_GUIDE\.md:\d+-\d+ — .*Errors$/);
    assert.equal(await chat.locator('.code-tools button').count(), 2, 'Copy and Insert on the code block');
    await source.click();
    await workbench.activeTab('STYLE_GUIDE.md').waitFor();
    assert.match(await workbench.editorText(), /Never swallow an error/);
  });

  step('chat view: a model answer holding <img src=x onerror=…> and <script> is shown as text', async () => {
    const chat = await workbench.webviewFrame('#question');
    const answer = chat.locator('.turn .markdown').last();
    assert.ok((await answer.innerText()).includes(HOSTILE_HTML), 'the HTML is shown as the text it is');
    assert.equal(await chat.locator('#log img, #log script, #log [onerror]').count(), 0, 'no element was made from it');
    assert.notEqual(await chat.evaluate('document.title'), 'pwned');
    assert.notEqual(await workbench.page.title(), 'pwned');
  });

  step('compare view: routes side by side for the current file', async () => {
    await workbench.openFile(REVIEWED_FILE);
    await workbench.runCommand('House Style: Compare Routes');
    // All three routes are offered ticked, since a fine-tuned model is configured.
    await workbench.page.locator('.quick-input-widget .monaco-button', { hasText: /^OK$/ }).click();
    const panel = await workbench.webviewFrame('#compare');
    const header = await panel.locator('table.figures tr').first().innerText();
    assert.deepEqual(header.split(/\s+/).filter(Boolean), ['rag', 'fine-tuned', 'hybrid']);
    const summary = await panel.locator('.summary').innerText();
    console.log(`compare: ${summary.replace(/\n/g, ' | ')}`);
    assert.match(summary, /fine-tuned \(vs rag\): .*no sources/);
    assert.match(summary, /hybrid \(vs rag\): /);
    // The fine-tuned route reviews without rules: its findings, if any, cite nothing; rag's cite the guide.
    assert.ok((await panel.locator('.route').first().locator('.source').count()) > 0, 'rag findings cite the guide');
    assert.equal(await panel.locator('.route').nth(1).locator('.source').count(), 0);
  });

  step('Pull Review Model: progress, then "ready" with a way to review again', async () => {
    // The reviewed file's editor, not the compare panel beside it, is the active one: "Review Again" needs it.
    await workbench.runCommand('View: Focus First Editor Group');
    await workbench.activeTab(path.basename(REVIEWED_FILE)).waitFor();
    const pulls = ollama.requests.filter((request) => request.path === '/api/pull').length;
    await workbench.runCommand('House Style: Pull Review Model');
    const toast = await workbench.notification(new RegExp(`${MODEL.replace('.', '\\.')} is ready`));
    await toast.locator('.monaco-button', { hasText: 'Review Again' }).waitFor();
    assert.equal(ollama.requests.filter((request) => request.path === '/api/pull').length, pulls + 1);
    await workbench.clearNotifications();
  });

  step('Ollama stopped: the review fails with one actionable line naming the host', async () => {
    await ollama.close();
    await workbench.runCommand('House Style: Review Current File');
    const toast = await workbench.notification(/127\.0\.0\.1/);
    const text = await workbench.notificationText(toast);
    console.log(`ollama stopped: "${text}"`);
    assert.ok(text.includes(ollama.host.replace('http://', '')), text);
    await toast.locator('.monaco-button', { hasText: 'Open Settings' }).waitFor();
    await workbench.clearNotifications();
  });

  step('dataset build: the review history becomes a dataset with its card', async () => {
    await workbench.runCommand('House Style: Build Fine-Tuning Dataset');
    await workbench.acceptInput('House Style: Build Fine-Tuning Dataset'); // the default folder, .housestyle/datasets/<today>
    await workbench.quickPickRow('OpenAI chat JSONL').click();
    await workbench.quickPickRow('Git history and the feedback log').click();
    const toast = await workbench.notification(/Dataset written/);
    const text = await workbench.notificationText(toast);
    console.log(`dataset: "${text}"`);
    assert.match(text, /Dataset written: [1-9]\d* samples?/);
    const days = await readdir(path.join(repo.dir, '.housestyle', 'datasets'));
    assert.ok(existsSync(path.join(repo.dir, '.housestyle', 'datasets', days[0]!, 'README.md')), 'the dataset card');
  });

  step('status bar: idle with the model, indexing with a percentage, reviewing, Ollama unreachable', async () => {
    const history = await workbench.statusBarHistory();
    console.log(`status bar:\n  ${history.join('\n  ')}`);
    assert.ok(history.some((text) => /^House Style: indexing \d+%/.test(text)), 'indexing with a percentage');
    assert.ok(history.some((text) => /^House Style: reviewing/.test(text)), 'reviewing');
    assert.ok(history.some((text) => text === `House Style: ${MODEL}` || text.startsWith(`House Style: ${MODEL} ·`)), 'idle with the model');
    assert.equal(history.at(-1), 'House Style: Ollama unreachable', 'the last review found Ollama stopped');
  });
});
