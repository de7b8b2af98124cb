// Source Control lists no House Style file a user did not write: checked with real git.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { test } from 'node:test';
import { prepareHouseStyleFolder } from '../../src/core/houseStyleFolder';

const git = async (cwd: string, ...args: string[]) => (await promisify(execFile)('git', args, { cwd })).stdout;

test('git sees the team\'s config and rules under .housestyle/, and nothing House Style writes', async () => {
  const workspace = await mkdtemp(path.join(tmpdir(), 'hs-folder-'));
  try {
    await git(workspace, 'init', '-q');
    const folder = await prepareHouseStyleFolder(workspace);
    for (const file of ['config.json', 'rules/naming.md', 'models.json', 'feedback.jsonl', 'retrievals.jsonl', 'datasets/2026-12-07T00-00-00/train.jsonl', 'training/run-1/trainer_log.jsonl', 'eval/eval-1.json', 'forge/cache.json']) {
      await mkdir(path.dirname(path.join(folder, file)), { recursive: true });
      await writeFile(path.join(folder, file), '{}\n');
    }
    const listed = (await git(workspace, 'status', '--porcelain', '--untracked-files=all')).trim().split('\n').map((line) => line.slice(3)).sort();
    assert.deepEqual(listed, ['.housestyle/config.json', '.housestyle/rules/naming.md']);

    await writeFile(path.join(folder, '.gitignore'), 'models.json\n');
    await prepareHouseStyleFolder(workspace);
    assert.equal(await readFile(path.join(folder, '.gitignore'), 'utf8'), 'models.json\n', 'a .gitignore already there is kept');
  } finally {
    await rm(workspace, { recursive: true, force: true });
  }
});
