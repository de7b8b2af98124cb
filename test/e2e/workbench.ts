// Drives VS Code's web workbench (code-server) through Chromium the way a user does: the command palette,
// the Problems panel, notifications, quick fixes, webviews. Every wait is on a condition in the page, never a
// fixed sleep; every step can leave a screenshot in the artifacts folder.
import { mkdir } from 'node:fs/promises';
import { it } from 'node:test';
import * as path from 'node:path';
import { chromium, type Browser, type Frame, type Locator, type Page } from 'playwright-core';

/**
 * House Style's own status bar item. Its texts also show in VS Code's window-progress item (status.progress) where
 * the status bar is wide enough, as at 1440 px, so a text alone matches two items.
 */
export const STATUS_ITEM = '[id="housestyle.housestyle.housestyle.status"]';

/** Chromium from apt; playwright-core downloads no browser. Flags from DESIGN.md's recipe. */
const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Long enough for a cold extension host on two busy cores; a condition that holds returns at once. */
export const WAIT_MS = 90_000;

/** Polls a condition outside the page (a file, a log, a request the test server saw) until it holds. */
export async function waitUntil(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = WAIT_MS): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/**
 * A lane's step: a test that leaves a screenshot of the window when it ends, pass or fail (FAILED-…), so a
 * failure can be seen afterwards. `current` gives the lane's workbench once it is open.
 */
export function screenshotStep(current: () => Workbench | undefined): (name: string, body: () => Promise<void>) => void {
  return (name, body) =>
    it(name, async () => {
      const slug = name.replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '').toLowerCase().slice(0, 60);
      try {
        await body();
      } catch (error) {
        await current()?.screenshot(`FAILED-${slug}`).catch(() => undefined);
        throw error;
      }
      await current()?.screenshot(slug);
    });
}

export class Workbench {
  private shots = 0;

  private constructor(
    private readonly browser: Browser,
    readonly page: Page,
    private readonly artifacts: string,
  ) {}

  /** Opens `folder` in the workbench served at `url` and waits until the workbench is laid out. */
  static async open(url: string, folder: string, artifacts: string): Promise<Workbench> {
    await mkdir(artifacts, { recursive: true });
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    page.setDefaultTimeout(WAIT_MS);
    await page.goto(`${url}/?folder=${encodeURIComponent(folder)}`);
    await page.locator('.monaco-workbench .part.statusbar').waitFor();
    return new Workbench(browser, page, artifacts);
  }

  /** A numbered PNG of the whole window, so the artifacts read in step order. */
  async screenshot(name: string): Promise<string> {
    const file = this.nextShot(name);
    await this.page.screenshot({ path: file });
    return file;
  }

  /** A numbered PNG of one part of the window (`selector`), for a view shown on its own. */
  async screenshotOf(selector: string, name: string): Promise<string> {
    const file = this.nextShot(name);
    await this.page.locator(selector).screenshot({ path: file });
    return file;
  }

  private nextShot(name: string): string {
    return path.join(this.artifacts, `${String(++this.shots).padStart(2, '0')}-${name}.png`);
  }

  /** Runs a command by its palette title ("House Style: Index Workspace") through F1. */
  async runCommand(title: string): Promise<void> {
    // A view that opens or restores meanwhile (a dataset card's preview, a reloaded window) can take the focus and
    // close the palette before its row is chosen: it is then opened again. Nothing ran, as the row was not clicked.
    await this.untilFocusHolds((timeout) => this.openPalette(title, timeout));
    await this.quickPickRow(title).click();
  }

  /**
   * Runs a command that opens a quick pick and chooses its row labelled `label`. A view or toast that takes the
   * focus meanwhile closes the pick, leaving its rows in the page but hidden; nothing was chosen, so the command
   * runs again (a run on a loaded machine once waited out the whole timeout on such a hidden row).
   */
  async runCommandAndPick(title: string, label: string): Promise<void> {
    await this.untilFocusHolds(async (timeout) => {
      await this.runCommand(title);
      await this.quickPickRow(label).click({ timeout });
    });
  }

  /** Runs `step` with a short timeout and again when it fails, three times, the last with the full one: for a step a focus change can undo before anything was chosen. */
  private async untilFocusHolds(step: (timeout: number) => Promise<void>): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const last = attempt === 3;
      try {
        await step(last ? WAIT_MS : 20_000);
        return;
      } catch (error) {
        if (last) throw error;
      }
    }
  }

  /** Opens the command palette with `title` typed and waits for its row. */
  private async openPalette(title: string, timeout: number): Promise<void> {
    await this.page.keyboard.press('Escape');
    await this.page.keyboard.press('F1');
    const input = this.page.locator('.quick-input-widget .quick-input-box input');
    // A webview with the focus (a Markdown preview) keeps F1 to itself: the title bar's command center opens the palette too.
    if (!(await input.waitFor({ timeout: 5_000 }).then(() => true, () => false))) await this.page.locator('.command-center .command-center-center').first().click();
    await input.waitFor({ timeout });
    await input.fill(`>${title}`, { timeout });
    await this.quickPickRow(title).waitFor({ timeout });
  }

  /** The row of the open quick pick whose label is exactly `label`. */
  quickPickRow(label: string): Locator {
    return this.page.locator('.quick-input-widget .monaco-list-row', { has: this.page.locator('.label-name', { hasText: new RegExp(`^${escapeRegExp(label)}$`) }) }).first();
  }

  /** Accepts the input box titled `title` (once it is open) with its current value. */
  async acceptInput(title: string): Promise<void> {
    const widget = this.page.locator('.quick-input-widget', { has: this.page.locator('.quick-input-title', { hasText: title }) });
    await widget.locator('.quick-input-box input').press('Enter');
  }

  /**
   * Opens a workspace file and waits for its editor tab: a click on its tab when it is open already (the
   * keyboard may be inside a webview, which keeps Ctrl+P to itself), else through Quick Open (Ctrl+P).
   */
  async openFile(relativePath: string): Promise<void> {
    const tab = this.page.locator('.tabs-container .tab', { hasText: path.basename(relativePath) }).first();
    if ((await tab.count()) > 0) {
      // Forced: a hover tooltip over the tab bar must not count as the tab being hidden.
      await tab.click({ force: true });
      await this.activeTab(path.basename(relativePath)).waitFor();
      return;
    }
    await this.page.keyboard.press('Escape');
    await this.page.keyboard.press('Control+P');
    const input = this.page.locator('.quick-input-widget .quick-input-box input');
    await input.fill(relativePath);
    await this.page.locator('.quick-input-widget .monaco-list-row', { hasText: path.basename(relativePath) }).first().waitFor();
    await input.press('Enter');
    await this.activeTab(path.basename(relativePath)).waitFor();
  }

  activeTab(name: string): Locator {
    return this.page.locator('.tabs-container .tab.active', { hasText: name });
  }

  /** The active editor's visible text, with the non-breaking spaces VS Code renders turned back into spaces. */
  async editorText(): Promise<string> {
    const lines = await this.page.locator('.editor-group-container.active .monaco-editor .view-lines .view-line').allInnerTexts();
    return lines.join('\n').replaceAll('\u00a0', ' ');
  }

  /** Puts the cursor on a 1-based line of the active editor (Go to Line). */
  async goToLine(line: number): Promise<void> {
    await this.page.keyboard.press('Control+G');
    const input = this.page.locator('.quick-input-widget .quick-input-box input');
    await input.fill(`:${line}`);
    await input.press('Enter');
  }

  /** Saves the active editor (which has the keyboard focus) and waits until its tab is no longer dirty. */
  async save(): Promise<void> {
    await this.page.keyboard.press('Control+S');
    await this.page.locator('.tabs-container .tab.active.dirty').waitFor({ state: 'detached' });
  }

  /** Opens the quick-fix menu at the cursor (through the palette: a keypress can land before the editor has focus) and runs the action whose title holds `title`. */
  async quickFix(title: string): Promise<void> {
    await this.runCommand('Quick Fix...');
    await this.page.locator('.action-widget .monaco-list-row', { hasText: title }).first().click();
  }

  /** Trusts the open folder the way a user does: the Restricted Mode banner's Manage, then Trust. */
  async trustFolder(): Promise<void> {
    await this.page.locator('.monaco-workbench .banner a', { hasText: 'Manage' }).click();
    await this.page.locator('.workspace-trust-editor .monaco-button', { hasText: /^Trust$/ }).first().click();
    await this.page.locator('.statusbar-item', { hasText: 'Restricted Mode' }).waitFor({ state: 'detached' });
    await this.page.keyboard.press('Control+W'); // the trust editor is modal for F1: close it
  }

  /** The Problems panel's rows (markers, their related information), as the panel shows them. */
  async problems(): Promise<string[]> {
    await this.runCommand('View: Focus Problems (Errors, Warnings, Infos)');
    const rows = this.page.locator('.markers-panel .monaco-list-row');
    return rows.evaluateAll((nodes) => nodes.map((node) => `${node.getAttribute('aria-label') ?? ''} | ${(node.textContent ?? '').replace(/\s+/g, ' ')}`));
  }

  /** Waits until the Problems panel holds a row matching each pattern and returns all rows. */
  async waitForProblems(...patterns: RegExp[]): Promise<string[]> {
    await this.runCommand('View: Focus Problems (Errors, Warnings, Infos)');
    for (const pattern of patterns) await this.page.locator('.markers-panel .monaco-list-row', { hasText: pattern }).first().waitFor();
    return this.problems();
  }

  /** Waits until no row of the Problems panel matches `pattern`. */
  async waitForNoProblem(pattern: RegExp): Promise<void> {
    await this.runCommand('View: Focus Problems (Errors, Warnings, Infos)');
    await this.page.locator('.markers-panel .monaco-list-row', { hasText: pattern }).first().waitFor({ state: 'detached' });
  }

  /** Waits for a notification toast whose message matches and returns it (its buttons are inside). */
  async notification(message: RegExp): Promise<Locator> {
    const toast = this.page.locator('.notification-toast', { has: this.page.locator('.notification-list-item-message', { hasText: message }) }).first();
    await toast.waitFor();
    return toast;
  }

  async notificationText(toast: Locator): Promise<string> {
    return (await toast.locator('.notification-list-item-message').innerText()).trim();
  }

  /** Clears every toast, so the next wait cannot match an old one. */
  async clearNotifications(): Promise<void> {
    await this.runCommand('Notifications: Clear All Notifications');
    await this.page.locator('.notification-toast').first().waitFor({ state: 'detached' });
  }

  /** The frame of a webview whose document holds `selector` (a webview's document is an iframe inside an iframe). */
  async webviewFrame(selector: string): Promise<Frame> {
    const deadline = Date.now() + WAIT_MS;
    while (Date.now() < deadline) {
      for (const frame of this.page.frames()) {
        if ((await frame.locator(selector).count().catch(() => 0)) > 0) return frame;
      }
      await this.page.waitForEvent('framenavigated', { timeout: 1_000 }).catch(() => undefined);
    }
    throw new Error(`no webview holds ${selector}`);
  }

  /**
   * Starts recording every text House Style's status bar item shows (a MutationObserver in the page), so
   * brief states such as "indexing 40%" are seen however fast they pass.
   */
  async recordStatusBar(): Promise<void> {
    // A string, since the page's DOM is not in the Node types this file is checked with.
    await this.page.evaluate(`(() => {
      const seen = (window.houseStyleStatus = []);
      const read = () => {
        for (const item of document.querySelectorAll('${STATUS_ITEM}')) {
          const text = (item.textContent || '').trim();
          if (text.startsWith('House Style') && seen[seen.length - 1] !== text) seen.push(text);
        }
      };
      read();
      new MutationObserver(read).observe(document.body, { subtree: true, childList: true, characterData: true });
    })()`);
  }

  /** The status bar texts recorded since `recordStatusBar`, in order, each once per change. */
  async statusBarHistory(): Promise<string[]> {
    return this.page.evaluate<string[]>('[...(window.houseStyleStatus || [])]');
  }

  async close(): Promise<void> {
    await this.browser.close();
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
