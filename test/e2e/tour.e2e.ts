// A new user's tour of House Style in a real VS Code (code-server), driven through Chromium: the walkthrough's
// buttons with the walkthrough itself in front, a route chosen without an adapter, messages in VS Code's terms,
// a dataset build whose pickers lose focus, Advise, and what Source Control shows afterwards. Steps run in order
// and share one editor; each leaves a screenshot in test/e2e/artifacts/tour/. The recipe is in DESIGN.md.
import { after, before, describe } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from '../support/cli';
import type { GitTestRepo } from '../support/gitRepo';
import { startOllamaTestServer, type OllamaTestServer } from '../support/ollamaTestServer';
import { CodeServer, installToolchain } from './codeServer';
import { tearDown } from './teardown';
import { chatAnswer, createWorkspaceRepo, isQuestion, REVIEWED_FILE, reviewAnswer } from './scenario';
import { screenshotStep, STATUS_ITEM, waitUntil, Workbench } from './workbench';

const run = promisify(execFile);
const ARTIFACTS = path.join(import.meta.dirname, 'artifacts', 'tour');
const VSIX = path.join(REPO_ROOT, 'housestyle-linux-x64.vsix');
const MODEL = 'qwen2.5-coder:7b';
/** What a toast must not show: a CLI flag, a `housestyle …` command line, literal Markdown backticks. */
const CLI_WORDS = /(^|\s)--[a-z]|housestyle (index|review|model|train|eval|dataset|ask|advise)\b|`/;

let profile: string;
let repo: GitTestRepo;
let ollama: OllamaTestServer;
let server: CodeServer;
let workbench: Workbench;

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
  ollama = await startOllamaTestServer({ models: [MODEL] });
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
  server = await CodeServer.start(toolchain, profile, VSIX, settings);
  workbench = await Workbench.open(server.url, repo.dir, ARTIFACTS);
  await recordToasts();
  await workbench.trustFolder();
});

after(() => tearDown({ workbench, server, ollama, profile, repo, artifacts: ARTIFACTS }));

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
  });

  step('Choose Route refuses fine-tuned without an adapter, in VS Code terms with buttons, again on a second try; nothing is written to the repository', async () => {
    for (const attempt of [1, 2]) {
      await workbench.runCommand('House Style: Choose Route (RAG, Fine-Tuned or Hybrid)');
      await workbench.quickPickRow('fine-tuned').click();
      const { toast, text } = await toastText(/needs a fine-tuned model/);
      console.log(`choose fine-tuned (${attempt}): "${text}"`);
      assert.match(text, /Import an adapter, train one or choose the rag route\.$/);
      for (const button of ['Import Adapter', 'Train Adapter']) await toast.locator('.monaco-button', { hasText: button }).waitFor();
      await workbench.clearNotifications();
    }
    assert.equal(existsSync(path.join(repo.dir, '.vscode', 'settings.json')), false, 'the repository settings are untouched');
  });

  step('a route that can be used goes to the user settings, and the status bar shows it with its model', async () => {
    await workbench.runCommand('House Style: Choose Route (RAG, Fine-Tuned or Hybrid)');
    await workbench.quickPickRow('rag').click();
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
  });

  step('no toast of the tour showed a CLI flag, a command line or literal backticks', async () => {
    const shown = (await toasts()).filter((text) => text.startsWith('House Style'));
    console.log(`toasts:\n  ${shown.join('\n  ')}`);
    assert.ok(shown.length >= awaited.length && awaited.length >= 6, 'the tour showed its toasts');
    assert.deepEqual(shown.filter((text) => CLI_WORDS.test(text)), []);
  });

  step("Source Control shows none of House Style's files; .housestyle/.gitignore keeps them out", async () => {
    assert.ok(existsSync(path.join(repo.dir, '.housestyle', '.gitignore')));
    const { stdout } = await run('git', ['status', '--porcelain', '--untracked-files=all'], { cwd: repo.dir });
    assert.deepEqual(stdout.split('\n').filter((line) => line.includes('.housestyle')), []);
  });
});
