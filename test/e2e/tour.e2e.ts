// A new user's tour of House Style in a real VS Code (code-server), driven through Chromium: the walkthrough's
// buttons with the walkthrough itself in front, a chat question, a route chosen without an adapter, messages in
// VS Code's terms, a dataset build whose pickers lose focus, training (the llamafactory-cli stand-in on PATH),
// an adapter import, the chat's route picker following Choose Route, Advise beside the Compare panel, Rebuild
// with a mistyped Ollama host, a window reload, and what Source Control shows afterwards. Steps run in order and
// share one editor; each leaves a screenshot in test/e2e/artifacts/tour/. The recipe is in DESIGN.md.
import { after, before, describe } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { KnowledgeStore } from '../../src/core/knowledge/store';
import { REPO_ROOT } from '../support/cli';
import type { GitTestRepo } from '../support/gitRepo';
import { startOllamaTestServer, type OllamaTestServer } from '../support/ollamaTestServer';
import { writePeftAdapter } from '../support/peftAdapter';
import { CodeServer, installToolchain } from './codeServer';
import { tearDown } from './teardown';
import { chatAnswer, createWorkspaceRepo, isQuestion, REVIEWED_FILE, reviewAnswer } from './scenario';
import { screenshotStep, STATUS_ITEM, waitUntil, Workbench } from './workbench';

const run = promisify(execFile);
const ARTIFACTS = path.join(import.meta.dirname, 'artifacts', 'tour');
const VSIX = path.join(REPO_ROOT, 'housestyle-linux-x64.vsix');
const MODEL = 'qwen2.5-coder:7b';
/** An embedding model on the Ollama stand-in: the index gets meaning-based search, which Rebuild must not drop unasked. */
const EMBED_MODEL = 'all-minilm';
const EMBEDDER = 'ollama:all-minilm:latest';
/** What a toast must not show: a CLI flag, a `housestyle …` command line, literal Markdown backticks. */
const CLI_WORDS = /(^|\s)--[a-z]|housestyle (index|review|model|train|eval|dataset|ask|advise)\b|`/;

let profile: string;
let repo: GitTestRepo;
let ollama: OllamaTestServer;
let server: CodeServer;
let workbench: Workbench;
/** The adapter the import step picks: a PEFT folder outside the repository, so git never sees it. */
let adapterFixture: string;

const step = screenshotStep(() => workbench);

/** Every toast text shown since the page loaded (a MutationObserver in the page), so none escapes the check. */
async function recordToasts(): Promise<void> {
  await workbench.page.evaluate(`(() => {
    const seen = (window.houseStyleToasts = []);
    const read = () => {
      for (const item of document.querySelectorAll('.notification-list-item-message')) {
        const text = (item.textContent || '').trim();
        if (text && !seen.includes(text)) seen.push(text);
      }
    };
    new MutationObserver(read).observe(document.body, { subtree: true, childList: true, characterData: true });
  })()`);
}

/** Toast texts a step waited for, besides those the page recorded. */
const awaited: string[] = [];

async function toasts(): Promise<string[]> {
  return [...new Set([...awaited, ...(await workbench.page.evaluate<string[]>('[...(window.houseStyleToasts || [])]'))])];
}

/** Waits for a toast and returns its text, keeping it for the final check. */
async function toastText(message: RegExp): Promise<{ toast: Awaited<ReturnType<Workbench['notification']>>; text: string }> {
  const toast = await workbench.notification(message);
  const text = await workbench.notificationText(toast);
  awaited.push(text);
  return { toast, text };
}

/** The embedder the workspace's index was built with, as its store records it (no model needed to read it). */
async function indexEmbedder(): Promise<string> {
  const store = await KnowledgeStore.open(path.join(repo.dir, '.housestyle', 'index'), 'style');
  assert.ok(store, 'the index exists');
  store.close();
  return store.identity.embedder;
}

/**
 * Answers an open dialog with a folder, as a user types it into the simple file dialog code-server shows: the
 * path with a trailing slash opens the folder, and Enter with the folder open accepts it
 * (vs/workbench/services/dialogs/browser/simpleFileDialog.ts, onDidAccept with no active item). The folder is
 * open once the dialog lists `rows` and no longer the folder itself (a folder dialog lists only folders: ".."
 * for one without subfolders). The quick input keeps rows of earlier pickers in its DOM, so extra rows are
 * allowed.
 */
async function pickFolder(folder: string, rows: string[]): Promise<void> {
  const input = workbench.page.locator('.quick-input-widget .quick-input-box input');
  const listed = async () => (await workbench.page.locator('.quick-input-widget .monaco-list-row:visible .label-name').allInnerTexts()).map((t) => t.trim());
  // The dialog fills in its starting folder once it has read it, which may replace what was typed before.
  let shown: string[] = [];
  await waitUntil(async () => {
    if ((await input.inputValue()) !== `${folder}/`) await input.fill(`${folder}/`);
    shown = await listed();
    return (await input.inputValue()) === `${folder}/` && rows.every((row) => shown.includes(row)) && !shown.includes(path.basename(folder));
  }, `the dialog showing ${folder}`).catch((error: Error) => {
    throw new Error(`${error.message}; it lists ${JSON.stringify(shown)}`);
  });
  await input.press('Enter');
}

/** The Compare panel's route columns, as its webview shows them. */
async function comparedRoutes(): Promise<string[]> {
  const panel = await workbench.webviewFrame('#compare');
  await panel.locator('table.figures').waitFor();
  return (await panel.locator('table.figures tr').first().innerText()).split(/\s+/).filter(Boolean);
}

/** Opens House Style's walkthrough and selects one of its steps, so that its buttons show. */
async function walkthroughStep(title: string): Promise<void> {
  const page = workbench.page;
  if ((await page.locator('.gettingStartedContainer').count()) === 0) {
    await workbench.runCommand('Welcome: Open Walkthrough...');
    await page.locator('.quick-input-widget .monaco-list-row', { hasText: 'Get started with House Style' }).first().click();
  }
  await page.locator('.gettingStartedContainer .getting-started-step', { hasText: title }).first().click();
}

async function walkthroughButton(label: string): Promise<void> {
  await workbench.page.locator('.gettingStartedContainer .getting-started-step.expanded').getByRole('button', { name: label }).click();
}

before(async () => {
  await rm(ARTIFACTS, { recursive: true, force: true });
  const toolchain = await installToolchain();
  await run('npm', ['run', 'package', '--', 'linux-x64'], { cwd: REPO_ROOT, maxBuffer: 64 * 1024 * 1024 });
  repo = createWorkspaceRepo();
  ollama = await startOllamaTestServer({ models: [MODEL, EMBED_MODEL] });
  adapterFixture = path.join(await mkdtemp(path.join(tmpdir(), 'housestyle-tour-adapter-')), 'review-lora');
  await writePeftAdapter(adapterFixture, { fill: 7 });
  ollama.onChat((body) => (isQuestion(body) ? chatAnswer(body) : reviewAnswer(body)));
  profile = await mkdtemp(path.join(tmpdir(), 'housestyle-tour-'));
  // No fine-tuned model anywhere: the tour meets the routes that need one as a new user does.
  const settings = {
    'housestyle.ollama.host': ollama.host,
    'housestyle.ollama.model': MODEL,
    'workbench.startupEditor': 'none',
    'workbench.secondarySideBar.defaultVisibility': 'hidden',
    'chat.disableAIFeatures': true,
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
  };
  // Training runs LLaMA-Factory's CLI from PATH: the stand-in in test/support is found there, as the real one would be.
  process.env.PATH = `${path.join(REPO_ROOT, 'test', 'support')}${path.delimiter}${process.env.PATH}`;
  server = await CodeServer.start(toolchain, profile, VSIX, settings);

  workbench = await Workbench.open(server.url, repo.dir, ARTIFACTS);
  await recordToasts();
  await workbench.trustFolder();
});

after(async () => {
  await tearDown({ workbench, server, ollama, profile, repo, artifacts: ARTIFACTS });
  if (adapterFixture) await rm(path.dirname(adapterFixture), { recursive: true, force: true });
});

describe('a new user tours House Style (code-server)', () => {
  step('the walkthrough: Index Workspace, then Review Current File from the walkthrough reviews the file opened before it', async () => {
    await workbench.openFile(REVIEWED_FILE);
    await walkthroughStep("Index your team's rules");
    await walkthroughButton('Index Workspace');
    await toastText(/Indexed \d+ passages?/);
    await walkthroughStep('Review a file');
    await walkthroughButton('Review Current File');
    const { text } = await toastText(/finding|No file is open/);
    console.log(`review from the walkthrough: "${text}"`);
    assert.match(text, /House Style: [1-9]\d* findings? in the Problems panel/);
    await workbench.clearNotifications();
    assert.equal(await indexEmbedder(), EMBEDDER, 'the index has meaning-based search (an Ollama embedding model)');
  });

  step('Compare Routes from the walkthrough compares on that same file', async () => {
    await walkthroughStep('Compare RAG, fine-tuned and hybrid');
    await walkthroughButton('Compare Routes');
    // The routes are offered ticked; OK before the tick is drawn would compare nothing.
    const rag = workbench.quickPickRow('rag');
    await rag.waitFor();
    const ticked = async () => (await rag.getAttribute('aria-checked')) === 'true' || (await rag.locator('[aria-checked="true"], input[type="checkbox"]:checked').count()) > 0;
    await waitUntil(ticked, 'the rag route ticked in the Compare picker');
    await workbench.page.locator('.quick-input-widget .monaco-button', { hasText: /^OK$/ }).click();
    await server.waitForLog(new RegExp(`Compared rag on ${REVIEWED_FILE.replace('.', '\\.')}`));
    assert.deepEqual(await comparedRoutes(), ['rag'], 'the panel shows the comparison');
  });

  step('chat: one question is answered with its source, and the route picker shows the current route', async () => {
    await workbench.runCommand('House Style: Open Chat');
    const chat = await workbench.webviewFrame('#question');
    await chat.locator('#question').fill('What do we do with errors in a catch block?');
    await chat.locator('#question').press('Enter');
    await chat.locator('.turn .figures').waitFor();
    await chat.locator('.turn .markdown', { hasText: 'Never leave a catch block empty' }).waitFor();
    assert.match(await chat.locator('.turn .sources .source').first().innerText(), /^docs\/STYLE_GUIDE\.md:\d+-\d+/, 'the answer cites the guide');
    assert.equal(await chat.locator('#route').inputValue(), 'rag');
  });

  step('Choose Route refuses fine-tuned without an adapter, in VS Code terms with buttons, again on a second try; nothing is written to the repository', async () => {
    for (const attempt of [1, 2]) {
      await workbench.runCommandAndPick('House Style: Choose Route (RAG, Fine-Tuned or Hybrid)', 'fine-tuned');
      const { toast, text } = await toastText(/needs a fine-tuned model/);
      console.log(`choose fine-tuned (${attempt}): "${text}"`);
      assert.match(text, /Import an adapter, train one or choose the rag route\.$/);
      for (const button of ['Import Adapter', 'Train Adapter']) await toast.locator('.monaco-button', { hasText: button }).waitFor();
      await workbench.clearNotifications();
    }
    assert.equal(existsSync(path.join(repo.dir, '.vscode', 'settings.json')), false, 'the repository settings are untouched');
  });

  step('a route that can be used goes to the user settings, and the status bar shows it with its model', async () => {
    await workbench.runCommandAndPick('House Style: Choose Route (RAG, Fine-Tuned or Hybrid)', 'rag');
    const userSettings = path.join(profile, 'user-data', 'User', 'settings.json');
    const routeSaved = async () => (JSON.parse(await readFile(userSettings, 'utf8')) as Record<string, unknown>)['housestyle.models.route'] === 'rag';
    await waitUntil(routeSaved, 'the route in the user settings');
    await workbench.page.locator(STATUS_ITEM, { hasText: `${MODEL} · rag` }).waitFor();
    assert.equal(existsSync(path.join(repo.dir, '.vscode', 'settings.json')), false);
  });

  step('Build Dataset keeps its answers when a picker loses focus, and says what it wrote', async () => {
    await workbench.runCommand('House Style: Build Fine-Tuning Dataset');
    await workbench.acceptInput('House Style: Build Fine-Tuning Dataset');
    await workbench.quickPickRow('OpenAI chat JSONL').click();
    const picker = workbench.quickPickRow('Git history and the feedback log');
    await picker.waitFor();
    // A click into the editor beside it, as a user reading the walkthrough does: the picker stays.
    await workbench.page.locator('.editor-group-container.active').first().click({ position: { x: 200, y: 300 } });
    await picker.click();
    console.log(`dataset: "${(await toastText(/Dataset written/)).text}"`);
    await workbench.clearNotifications();
    // The card's preview renders after the toast, and can take the focus when it does: the next step waits for it.
    await workbench.page.locator('.tabs-container .tab', { hasText: 'Preview README.md' }).waitFor();
    await workbench.webviewFrame('h1:text("House Style fine-tuning dataset")');
  });

  step('Train Adapter on that dataset: LLaMA-Factory (its stand-in) trains, and the adapter is registered as the active version', async () => {
    const datasets = path.join(repo.dir, '.housestyle', 'datasets');
    const [dataset] = await readdir(datasets);
    assert.ok(dataset, 'the dataset step wrote a dataset');
    await workbench.runCommand('House Style: Train Adapter');
    await pickFolder(path.join(datasets, dataset), ['..']);
    await workbench.acceptInput('Train Adapter'); // empty: this machine
    // Its success, or any failure (progress titles go on in lower case; an error may start with the trainer's name).
    const { text } = await toastText(/House Style: (trained and registered|llamafactory-cli|[A-Z])/);
    console.log(`train: "${text}"`);
    assert.match(text, /^House Style: trained and registered \S+; it is the active fine-tuned version\.$/);
    await workbench.clearNotifications();
  });

  step('Import Adapter: a PEFT folder is converted, uploaded and registered', async () => {
    await workbench.runCommand('House Style: Import Adapter');
    await pickFolder(adapterFixture, ['..', 'adapter_config.json', 'adapter_model.safetensors']);
    await workbench.acceptInput('Import Adapter'); // the base offered: the configured model
    const { text } = await toastText(/House Style: (registered|[A-Z])/);
    console.log(`import: "${text}"`);
    assert.match(text, new RegExp(`^House Style: registered \\S+ on ${MODEL.replace('.', '\\.')}`));
    await workbench.clearNotifications();
  });

  step("the chat's route picker follows a route chosen in Choose Route", async () => {
    await workbench.runCommandAndPick('House Style: Choose Route (RAG, Fine-Tuned or Hybrid)', 'hybrid');
    await workbench.page.locator(STATUS_ITEM, { hasText: '· hybrid' }).waitFor();
    await workbench.runCommand('House Style: Open Chat');
    const chat = await workbench.webviewFrame('#question');
    await waitUntil(async () => (await chat.locator('#route').inputValue()) === 'hybrid', 'the chat route picker on hybrid');
  });

  step('Advise opens as a read-only preview that closes without asking to save', async () => {
    await workbench.runCommand('House Style: Advise: RAG, Fine-Tuned or Hybrid?');
    const tab = workbench.page.locator('.tabs-container .tab.active', { hasText: 'RAG, fine-tuned or hybrid' });
    await tab.waitFor();
    console.log(`advise: "${(await toastText(/is recommended/)).text}"`);
    await workbench.page.keyboard.press('Control+W');
    await tab.waitFor({ state: 'detached' });
    assert.equal(await workbench.page.locator('.monaco-dialog-box').count(), 0, 'no "save?" dialog');
    await workbench.clearNotifications();
    // The Compare panel beside it still shows its comparison (the last Compare, which Advise read).
    assert.deepEqual(await comparedRoutes(), ['rag']);
  });

  // A host nothing answers at, as a mistyped one is: the stand-in stops (a settings.json written from outside
  // reaches VS Code only through a file watcher, which a loaded machine may not run in time).
  step('Rebuild with an Ollama host nothing answers at asks before the hashing embedder; No keeps the index as it was', async () => {
    await ollama.close();
    await workbench.runCommand('House Style: Rebuild Index');
    const dialog = workbench.page.locator('.monaco-dialog-box', { hasText: 'hashing embedder' });
    await dialog.waitFor();
    const question = (await dialog.innerText()).replace(/\n+/g, ' | ');
    console.log(`rebuild: "${question}"`);
    assert.match(question, new RegExp(`Ollama at ${ollama.host.replace(/[.]/g, '\\.')} is unreachable.*It was built with ${EMBEDDER}`));
    await dialog.locator('.monaco-button', { hasText: /^Cancel$/ }).click();
    await dialog.waitFor({ state: 'detached' });
    assert.equal(await indexEmbedder(), EMBEDDER, 'the index keeps its embedder');
  });

  step('a window reload: the findings of the unchanged file are still in Problems', async () => {
    awaited.push(...(await toasts())); // the page's record does not survive the reload
    const reloaded = workbench.page.waitForEvent('load');
    await workbench.runCommand('Developer: Reload Window');
    await reloaded;
    await workbench.page.locator('.monaco-workbench .part.statusbar').waitFor();
    await recordToasts();
    // The Problems panel is opened by a click on the status bar's problems item, not through the palette: a window still
    // restoring its views takes the focus back and closes the palette.
    await workbench.page.locator('.statusbar-item[id="status.problems"]').click();
    for (const finding of [/Never use var/, /Never swallow an error/]) await workbench.page.locator('.markers-panel .monaco-list-row', { hasText: finding }).first().waitFor();
  });

  step('no toast of the tour showed a CLI flag, a command line or literal backticks', async () => {
    const shown = (await toasts()).filter((text) => text.startsWith('House Style'));
    console.log(`toasts:\n  ${shown.join('\n  ')}`);
    assert.ok(awaited.length >= 8, 'the tour showed its toasts');
    assert.deepEqual(shown.filter((text) => CLI_WORDS.test(text)), []);
  });

  step("Source Control shows none of House Style's files; .housestyle/.gitignore keeps them out", async () => {
    assert.ok(existsSync(path.join(repo.dir, '.housestyle', '.gitignore')));
    const { stdout } = await run('git', ['status', '--porcelain', '--untracked-files=all'], { cwd: repo.dir });
    assert.deepEqual(stdout.split('\n').filter((line) => line.includes('.housestyle')), []);
  });
});
