import { test, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { register } from 'node:module';
import { setTimeout as sleep } from 'node:timers/promises';

// `vscode` exists only inside the editor: the stand-in supplies folders, user settings and trust.
register('../support/vscodeLoader.ts', import.meta.url);
const { standIn } = await import('../support/vscodeStandIn');
const vscode = await import('vscode');
const { HouseStyleContext } = await import('../../src/vscode/context');
const { SaveReviews } = await import('../../src/vscode/review/saveReviews');

async function workspaceWith(config?: unknown): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'housestyle-save-'));
  if (config !== undefined) {
    await mkdir(path.join(dir, '.housestyle'), { recursive: true });
    await writeFile(path.join(dir, '.housestyle', 'config.json'), JSON.stringify(config));
  }
  return dir;
}

/** Saves src/app.ts in `dir` and says whether a review of it was started. */
async function saveStartsReview(dir: string): Promise<boolean> {
  standIn.folders = [{ uri: vscode.Uri.file(dir), name: path.basename(dir), index: 0 }];
  const extension = { extensionPath: dir, extensionUri: vscode.Uri.file(dir), subscriptions: [], workspaceState: { get: () => undefined, update: async () => {} } };
  const ctx = new HouseStyleContext(extension as never);
  const reviewed: string[] = [];
  const saves = new SaveReviews(ctx, { reviewDocument: async (document) => void reviewed.push(document.uri.fsPath) }, 0);
  await saves.saved({ uri: vscode.Uri.file(path.join(dir, 'src', 'app.ts')) } as never);
  await sleep(0); // the (zero) quiet time runs on a timer set before this one: timers of one delay fire in the order they were set
  saves.dispose();
  ctx.dispose();
  return reviewed.includes(path.join(dir, 'src', 'app.ts'));
}

beforeEach(() => standIn.reset());

test("a team's review.onSave in .housestyle/config.json turns on review on save", async () => {
  assert.equal(await saveStartsReview(await workspaceWith({ review: { onSave: true } })), true);
});

test('without it, or when the user turned it off, or in Restricted Mode, saving reviews nothing', async () => {
  assert.equal(await saveStartsReview(await workspaceWith()), false);

  const team = await workspaceWith({ review: { onSave: true } });
  standIn.userSettings = { review: { onSave: false } };
  assert.equal(await saveStartsReview(team), false, "the user's own setting wins over the team's file");

  standIn.reset();
  standIn.trusted = false;
  assert.equal(await saveStartsReview(team), false);
});

test('the user can turn it on over a team file that says nothing about it', async () => {
  standIn.userSettings = { review: { onSave: true } };
  assert.equal(await saveStartsReview(await workspaceWith({ review: { k: 8 } })), true);
});

test("every section of the user's settings reaches the config, models included", async () => {
  const dir = await workspaceWith({ models: { route: 'hybrid' } });
  standIn.folders = [{ uri: vscode.Uri.file(dir), name: path.basename(dir), index: 0 }];
  standIn.userSettings = { models: { fineTuned: 'housestyle-acme:20261202-1' }, ollama: { model: 'qwen2.5-coder:3b' } };
  const extension = { extensionPath: dir, extensionUri: vscode.Uri.file(dir), subscriptions: [], workspaceState: { get: () => undefined, update: async () => {} } };
  const ctx = new HouseStyleContext(extension as never);
  const config = await ctx.config(standIn.folders[0] as never);
  ctx.dispose();
  assert.deepEqual([config.models.route, config.models.fineTuned, config.ollama.model], ['hybrid', 'housestyle-acme:20261202-1', 'qwen2.5-coder:3b']);
});
