// The chat as a demanding user meets it, in a real VS Code (code-server) through Chromium: the packaged VSIX, the
// keyboard and the mouse, against the Ollama-API test server. Answers that must be caught half-way pause in the
// test server until the step releases them, so nothing here depends on how fast either side runs. Screenshots of
// the chat side bar (at rest, streaming, after an error; default and High Contrast) are kept in
// test/e2e/artifacts/chat/. `node --import tsx --test test/e2e/chat.e2e.ts`; the recipe is in ../shared/DESIGN.md.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import type { Frame } from 'playwright-core';
import { REPO_ROOT } from '../support/cli';
import type { GitTestRepo } from '../support/gitRepo';
import { startOllamaTestServer, type ModelRequestBody, type OllamaTestServer, type ScriptedAnswer } from '../support/ollamaTestServer';
import { CodeServer, installToolchain } from './codeServer';
import { tearDown } from './teardown';
import { chatAnswer, createWorkspaceRepo, isQuestion, REVIEWED_FILE } from './scenario';
import { waitUntil, Workbench } from './workbench';

const run = promisify(execFile);
const ARTIFACTS = path.join(import.meta.dirname, 'artifacts', 'chat');
const VSIX = path.join(REPO_ROOT, 'housestyle-linux-x64.vsix');
const MODEL = 'qwen2.5-coder:7b';
/** The chat's own side bar, as the screenshots show it. */
const SIDE_BAR = '.part.sidebar';

let profile: string;
let repo: GitTestRepo;
let ollama: OllamaTestServer;
let server: CodeServer;
let workbench: Workbench;
let chat: Frame;
/** Every pause still holding an answer, released when the lane ends whatever happened. */
const held = new Set<() => void>();

function step(name: string, body: () => Promise<void>): void {
  it(name, async () => {
    try {
      await body();
    } catch (error) {
      const slug = name.replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '').toLowerCase().slice(0, 60);
      if (workbench) await workbench.screenshot(`FAILED-${slug}`).catch(() => undefined);
      throw error;
    }
  });
}

/** A long answer, one paragraph a chunk ("`name` N: …"), that stops after each of `pauses` chunks until its release is called. */
function longAnswer(name: string, paragraphs: number, pauses: number[]): { answer: ScriptedAnswer; releases: (() => void)[] } {
  const chunks = Array.from({ length: paragraphs }, (_, i) => `${name} ${i + 1}: log the error or rethrow it; never leave a catch block empty.\n\n`);
  const releases: (() => void)[] = [];
  const gates = pauses.map((afterChunks) => {
    const until = new Promise<void>((resolve) => {
      const release = (): void => (held.delete(release), resolve());
      held.add(release);
      releases.push(release);
    });
    return { afterChunks, until };
  });
  return { answer: { content: chunks.join(''), chunks, chunkDelayMs: 5, pauses: gates, promptTokens: 600, completionTokens: paragraphs * 15 }, releases };
}

async function ask(question: string): Promise<void> {
  await chat.locator('#question').fill(question);
  await chat.locator('#question').press('Enter');
}

/** The newest turn shows `text` (its answer has streamed at least that far). */
async function streamedUpTo(text: string): Promise<void> {
  await chat.locator('.turn').last().locator('.markdown', { hasText: text }).waitFor();
}

/** The keyboard is in the question box. (Polled from here: the page's CSP refuses the string predicates of waitForFunction.) */
async function caretInQuestion(): Promise<void> {
  await waitUntil(async () => (await chat.evaluate<string>('document.activeElement ? document.activeElement.id : ""')) === 'question', 'the caret in the question box');
}

interface Scroll {
  top: number;
  /** Pixels of conversation below what is shown. */
  below: number;
}
const scroll = (): Promise<Scroll> => chat.evaluate<Scroll>(`(() => { const log = document.getElementById('log'); return { top: log.scrollTop, below: log.scrollHeight - log.scrollTop - log.clientHeight }; })()`);

/**
 * The newest line of the conversation (the deepest last element of its last turn) and what could hide it: the
 * conversation's visible area and the question box. Page coordinates of the chat's own document.
 */
interface NewestLine {
  text: string;
  top: number;
  bottom: number;
  shownFrom: number;
  shownTo: number;
  inputTop: number;
}
async function newestLine(): Promise<NewestLine> {
  return chat.evaluate<NewestLine>(`(() => {
    const log = document.getElementById('log');
    let last = log.lastElementChild;
    while (last && last.lastElementChild) last = last.lastElementChild;
    const line = last.getBoundingClientRect(), shown = log.getBoundingClientRect();
    return { text: last.textContent, top: line.top, bottom: line.bottom, shownFrom: shown.top, shownTo: shown.bottom, inputTop: document.getElementById('ask').getBoundingClientRect().top };
  })()`);
}

async function assertNewestLineVisible(what: string): Promise<string> {
  const line = await newestLine();
  const where = `${what}: "${line.text}" spans ${Math.round(line.top)}-${Math.round(line.bottom)} px; the conversation shows ${Math.round(line.shownFrom)}-${Math.round(line.shownTo)} px, the question box starts at ${Math.round(line.inputTop)} px`;
  assert.ok(line.top >= line.shownFrom - 1 && line.bottom <= line.shownTo + 1 && line.bottom <= line.inputTop + 1, where);
  return line.text;
}

/** WCAG contrast ratio between an element's text and what shows behind it (the first ancestor with a background). */
async function contrast(selector: string): Promise<{ ratio: number; color: string; background: string }> {
  return chat.evaluate(`(() => {
    const rgb = (css) => (css.match(/[\\d.]+/g) || []).map(Number);
    const root = getComputedStyle(document.documentElement);
    const toRgb = (css) => { if (!css.startsWith('#')) return rgb(css); const hex = css.slice(1); return [0, 2, 4].map((i) => parseInt(hex.slice(i, i + 2), 16)).concat(hex.length > 6 ? [parseInt(hex.slice(6, 8), 16) / 255] : [1]); };
    const node = document.querySelector(${JSON.stringify(selector)});
    const color = getComputedStyle(node).color;
    let background = '';
    for (let at = node; at && !background; at = at.parentElement) {
      const value = getComputedStyle(at).backgroundColor, alpha = rgb(value)[3];
      if (alpha === undefined || alpha > 0) background = value;
    }
    // The page itself is transparent over the side bar, whose colour the theme gives the page as a variable.
    if (!background) background = root.getPropertyValue('--vscode-sideBar-background').trim() || root.getPropertyValue('--vscode-editor-background').trim();
    const luminance = (css) => { const [r, g, b] = toRgb(css).map((v) => v / 255).map((v) => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4)); return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
    const [a, b] = [luminance(color), luminance(background)].sort((x, y) => y - x);
    return { ratio: (a + 0.05) / (b + 0.05), color, background };
  })()`);
}

/** The computed border of each element matching `selector` ("1px solid rgb(…)"). */
async function borders(selector: string): Promise<string[]> {
  return chat.evaluate<string[]>(`[...document.querySelectorAll(${JSON.stringify(selector)})].map((node) => { const style = getComputedStyle(node); return style.borderTopWidth + ' ' + style.borderTopStyle + ' ' + style.borderTopColor; })`);
}

const clearStyle = (property: string): Promise<string> => chat.evaluate<string>(`getComputedStyle(document.getElementById('clear')).${property}`);

/** The user message of the chat request for `question`, as the model received it. */
function promptFor(question: string): string {
  const body = ollama.requests.filter((request) => request.path === '/api/chat').map((request) => request.body as ModelRequestBody).find((b) => isQuestion(b) && (b.messages?.at(-1)?.content ?? '').includes(question));
  assert.ok(body, `no chat request for "${question}"`);
  return body.messages!.at(-1)!.content;
}

before(async () => {
  await rm(ARTIFACTS, { recursive: true, force: true });
  const toolchain = await installToolchain();
  // `vsce package` runs vscode:prepublish, the production build, first.
  await run('npm', ['run', 'package', '--', 'linux-x64'], { cwd: REPO_ROOT, maxBuffer: 64 * 1024 * 1024 });
  repo = createWorkspaceRepo();
  ollama = await startOllamaTestServer({ models: [MODEL] });
  ollama.onChat(chatAnswer);
  profile = await mkdtemp(path.join(tmpdir(), 'housestyle-e2e-chat-'));
  server = await CodeServer.start(toolchain, profile, VSIX, {
    'housestyle.ollama.host': ollama.host,
    'housestyle.ollama.model': MODEL,
    'workbench.startupEditor': 'none',
    'workbench.secondarySideBar.defaultVisibility': 'hidden',
    'chat.disableAIFeatures': true,
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
  });
  workbench = await Workbench.open(server.url, repo.dir, ARTIFACTS);
  await workbench.page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
});

after(async () => {
  for (const release of [...held]) release();
  await tearDown({ workbench, server, ollama, profile, repo, artifacts: ARTIFACTS });
});

describe('the chat as a demanding user meets it (code-server)', () => {
  step('a trusted, indexed workspace with a file open', async () => {
    await workbench.page.locator('.statusbar-item', { hasText: 'Restricted Mode' }).waitFor();
    await workbench.trustFolder();
    await workbench.runCommand('House Style: Index Workspace');
    await workbench.notification(/Indexed [1-9]\d* passages/);
    await workbench.clearNotifications();
    await workbench.openFile(REVIEWED_FILE);
  });

  step('Open Chat puts the caret in the question box: typed text lands there', async () => {
    await workbench.runCommand('House Style: Open Chat');
    chat = await workbench.webviewFrame('#question');
    await caretInQuestion();
    await workbench.page.keyboard.type('Where do errors go?');
    assert.equal(await chat.locator('#question').inputValue(), 'Where do errors go?');
    // "No code", chosen now, is what goes out, whenever the view's options arrive.
    await chat.locator('#context').selectOption('none');
    await chat.locator('#question').press('Enter');
    await chat.locator('.turn .figures').waitFor();
    assert.equal(await chat.locator('.turn .context').count(), 0, 'the turn claims code went with it');
    assert.doesNotMatch(promptFor('Where do errors go?'), /userService|get_user/, 'code went with a "no code" question');
    await workbench.screenshotOf(SIDE_BAR, 'chat-at-rest');
  });

  step('a long answer: followed while the user stays at the bottom, their scroll kept when they go up, followed again when they come back', async () => {
    const { answer, releases } = longAnswer('Rule', 70, [25, 45]);
    ollama.enqueueChat(answer);
    await ask('Tell me everything about errors');
    await streamedUpTo('Rule 25:');
    assert.ok((await scroll()).below <= 8, 'the conversation follows the answer while the user is at the bottom');
    await assertNewestLineVisible('streaming');
    // While it streams, Clear is disabled and looks it.
    assert.equal(await chat.locator('#clear').isDisabled(), true);
    assert.ok(Number(await clearStyle('opacity')) < 0.6, 'the disabled Clear looks enabled');
    await workbench.screenshotOf(SIDE_BAR, 'chat-streaming');

    await chat.locator('#log').hover();
    await workbench.page.mouse.wheel(0, -600);
    await waitUntil(async () => (await scroll()).below > 300, 'the conversation scrolled up by the wheel');
    const reading = (await scroll()).top;
    releases[0]!();
    await streamedUpTo('Rule 45:');
    assert.equal((await scroll()).top, reading, 'the answer pulled the conversation away from where the user was reading');

    await workbench.page.mouse.wheel(0, 100_000);
    await waitUntil(async () => (await scroll()).below <= 8, 'the conversation back at its end');
    releases[1]!();
    await chat.locator('.turn').last().locator('.figures').waitFor();
    assert.ok((await scroll()).below <= 8, 'back at the bottom, the conversation follows again');
    const last = await assertNewestLineVisible('at the end of the answer');
    assert.match(last, /prompt \+ \d+ completion tokens/, 'the newest line is the answer\'s figures');
  });

  step('Escape cancels a running answer', async () => {
    const { answer } = longAnswer('Step', 10, [3]);
    ollama.enqueueChat(answer);
    await ask('And once more, slowly?');
    await streamedUpTo('Step 3:');
    await chat.locator('#cancel:not([hidden])').waitFor();
    await workbench.page.keyboard.press('Escape');
    await chat.locator('.turn').last().locator('.error', { hasText: /^Cancelled\.$/ }).waitFor();
    await chat.locator('#cancel[hidden]').waitFor({ state: 'attached' });
    assert.equal(await chat.locator('.turn').last().locator('.markdown', { hasText: 'Step 4:' }).count(), 0);
  });

  step('keyboard: the history is one Tab stop (arrow keys move inside), and Tab from it reaches the question box', async () => {
    const stops = await chat.evaluate<number>(`[...document.querySelectorAll('#log button')].filter((node) => node.tabIndex >= 0).length`);
    assert.ok((await chat.locator('#log button').count()) > 2, 'the history has several buttons');
    assert.equal(stops, 1, 'each history button is a Tab stop of its own');
    await chat.locator('#log button[tabindex="0"]').focus();
    const before = await chat.evaluate<string>('document.activeElement.textContent');
    await workbench.page.keyboard.press('ArrowUp');
    const moved = await chat.evaluate<string>(`document.activeElement.closest('#log') ? document.activeElement.textContent : ''`);
    assert.ok(moved && moved !== before, `ArrowUp moved from "${before}" to "${moved}"`);
    await workbench.page.keyboard.press('Tab');
    assert.equal(await chat.evaluate<string>('document.activeElement.id'), 'question');
  });

  step('Copy says "Copied" (to screen readers too) and puts the code on the clipboard, then reads Copy again', async () => {
    const copy = chat.locator('.code-tools button', { hasText: /^Copy$/ }).first();
    await copy.click();
    await chat.locator('.code-tools button', { hasText: /^Copied$/ }).first().waitFor();
    assert.equal(await chat.locator('#status[role="status"]').innerText(), 'Copied to the clipboard');
    await waitUntil(async () => /catch \(error\)/.test(await workbench.page.evaluate<string>('navigator.clipboard.readText()')), 'the code on the clipboard');
    await chat.locator('.code-tools button', { hasText: /^Copied$/ }).first().waitFor({ state: 'detached' });
  });

  step('a hovered source link stays readable (link colours, no solid button background)', async () => {
    const link = chat.locator('.sources .source').first();
    await link.hover();
    const { ratio, color, background } = await contrast('.sources .source:hover');
    console.log(`hovered source: ${color} on ${background}, contrast ${ratio.toFixed(1)}:1`);
    assert.ok(ratio >= 4.5, `hovered source link: ${color} on ${background} is ${ratio.toFixed(2)}:1`);
  });

  step('"with selection" and nothing selected sends no code, and the turn says so', async () => {
    await workbench.openFile(REVIEWED_FILE);
    await workbench.goToLine(1); // a caret, no selection
    await workbench.runCommand('House Style: Open Chat');
    await caretInQuestion();
    await chat.locator('#context').selectOption('selection');
    await ask('Is this file fine?');
    const turn = chat.locator('.turn', { hasText: 'Is this file fine?' });
    await turn.locator('.figures').waitFor();
    assert.equal(await turn.locator('.context').innerText(), ` (no code: nothing is selected in ${REVIEWED_FILE})`);
    assert.doesNotMatch(promptFor('Is this file fine?'), /get_user/, 'the whole file went with an empty selection');
  });

  step('an error is the newest line, in view above the question box', async () => {
    ollama.enqueueChat({ content: 'Never leave it empty and', errorAfterChunks: { chunks: 2, error: 'llama runner process has terminated: signal: killed' } });
    await ask('What if the model crashes?');
    const error = chat.locator('.turn').last().locator('.error');
    await error.waitFor();
    console.log(`chat error: "${await error.innerText()}"`);
    assert.match(await assertNewestLineVisible('after an error'), /terminated|runner|crash/i);
    await workbench.screenshotOf(SIDE_BAR, 'chat-error');
    await workbench.clearNotifications();
  });

  step('High Contrast: Ask, Clear, Copy, Insert and code blocks have borders; hovered sources readable; screenshots at rest, streaming, after an error', async () => {
    await workbench.runCommand('Preferences: Color Theme');
    // Filtered first: the theme list is virtual, and its High Contrast rows start below the fold.
    await workbench.page.locator('.quick-input-widget .quick-input-box input').fill('Dark High Contrast');
    await workbench.quickPickRow('Dark High Contrast').click();
    await chat.locator('body.vscode-high-contrast').waitFor();
    const seen = await borders('#send, #clear, .code-tools button, .markdown pre');
    console.log(`high contrast borders: ${[...new Set(seen)].join(' | ')}`);
    assert.ok(seen.length >= 4);
    for (const border of seen) assert.match(border, /^1px solid rgba?\((?!0, 0, 0, 0\))/, `a control or code block without a visible border: ${border}`);
    await chat.locator('.sources .source').first().hover();
    const { ratio } = await contrast('.sources .source:hover');
    assert.ok(ratio >= 4.5, `hovered source link in High Contrast: ${ratio.toFixed(2)}:1`);
    await chat.locator('#question').focus();
    await workbench.screenshotOf(SIDE_BAR, 'chat-at-rest-high-contrast');

    const { answer, releases } = longAnswer('Point', 30, [12]);
    ollama.enqueueChat(answer);
    await ask('Errors, in high contrast?');
    await streamedUpTo('Point 12:');
    assert.equal(await clearStyle('borderTopStyle'), 'dashed', 'the disabled Clear looks enabled');
    await workbench.screenshotOf(SIDE_BAR, 'chat-streaming-high-contrast');
    releases[0]!();
    await chat.locator('.turn').last().locator('.figures').waitFor();

    ollama.enqueueChat({ content: 'Never leave it empty and', errorAfterChunks: { chunks: 2, error: 'llama runner process has terminated: signal: killed' } });
    await ask('And if it crashes in high contrast?');
    await chat.locator('.turn').last().locator('.error').waitFor();
    await assertNewestLineVisible('after an error, High Contrast');
    await workbench.screenshotOf(SIDE_BAR, 'chat-error-high-contrast');
  });
});
