import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseConfig } from '../../src/core/config';
import { indexKnowledgeBase } from '../../src/core/knowledge/indexer';
import { openKnowledgeBase } from '../../src/core/knowledge/knowledgeBase';
import { runCli } from '../support/cli';
import { startOllamaTestServer, type OllamaTestServer } from '../support/ollamaTestServer';

const MODEL = 'qwen2.5-coder:7b';
const SECRET = 'aws_secret_access_key = OUTSIDE-THE-WORKSPACE-0451';
const GUIDE = '# Style guide\n\n## Naming\n\nUse camelCase for variables and functions.\n';

/** Defect 2: nothing outside the workspace root, links resolved, is ever read or sent to the model host. */
describe('the workspace boundary', () => {
  let root: string;
  let outside: string;
  let server: OllamaTestServer;

  before(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'hs-boundary-'));
    outside = path.join(root, 'home', '.aws');
    await mkdir(outside, { recursive: true });
    await writeFile(path.join(outside, 'credentials'), `[default]\n${SECRET}\n`);
    await writeFile(path.join(outside, 'notes.md'), `# Outside\n\n${SECRET}\n`);
    server = await startOllamaTestServer({ models: [MODEL] });
    server.onChat(() => ({ content: '{"findings": []}' }));
  });
  after(async () => {
    await server.close();
    await rm(root, { recursive: true, force: true });
  });

  async function workspace(name: string, git: boolean): Promise<string> {
    const dir = path.join(root, name);
    await mkdir(path.join(dir, 'docs'), { recursive: true });
    await mkdir(path.join(dir, 'src'), { recursive: true });
    await mkdir(path.join(dir, '.housestyle'), { recursive: true });
    await writeFile(path.join(dir, 'docs/STYLE_GUIDE.md'), GUIDE);
    await writeFile(path.join(dir, 'src/app.ts'), 'export const retryCount = 3;\n');
    await writeFile(path.join(dir, '.housestyle/config.json'), JSON.stringify({ index: { embedder: 'hash' }, ollama: { host: server.host } }));
    if (git) {
      const run = (...args: string[]) => execFileSync('git', ['-c', 'user.name=T', '-c', 'user.email=t@example.com', ...args], { cwd: dir, stdio: 'pipe' });
      run('init', '-q', '-b', 'main');
      run('add', '-A');
      run('commit', '-q', '-m', 'start');
    }
    return dir;
  }

  const sentToModel = () => JSON.stringify(server.requests);

  it('review FILE refuses a link that leads out of the workspace and follows one that stays inside', async () => {
    const dir = await workspace('review-file', false);
    await symlink(path.join(outside, 'credentials'), path.join(dir, 'src/innocent.ts'));
    await symlink('app.ts', path.join(dir, 'src/alias.ts'));
    const refused = await runCli(['review', '--workspace', dir, 'src/innocent.ts']);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /^housestyle: Cannot review src\/innocent\.ts: it is a link to a file outside the workspace/);
    assert.ok(!sentToModel().includes('OUTSIDE-THE-WORKSPACE'));

    const inside = await runCli(['review', '--workspace', dir, 'src/alias.ts']);
    assert.equal(inside.code, 0, inside.stderr);
    assert.ok(sentToModel().includes('retryCount'), 'the linked file inside the workspace was reviewed');
  });

  it('review --diff skips a symbolic link that the change adds, whatever it points to', async () => {
    const dir = await workspace('review-diff', true);
    await symlink(path.join(outside, 'credentials'), path.join(dir, 'src/innocent.ts'));
    await writeFile(path.join(dir, 'src/app.ts'), 'export const retryCount = 4;\n');
    execFileSync('git', ['add', '-A'], { cwd: dir });
    const before = server.requests.length;
    const result = await runCli(['review', '--workspace', dir, '--diff']);
    assert.equal(result.code, 0, result.stderr);
    const sent = JSON.stringify(server.requests.slice(before));
    assert.ok(sent.includes('retryCount = 4'), 'the real change was reviewed');
    assert.ok(!sent.includes('OUTSIDE-THE-WORKSPACE') && !sent.includes('innocent.ts'));
  });

  for (const git of [false, true]) {
    it(`include globs with ../ index nothing outside the workspace (${git ? 'inside' : 'outside'} a git checkout)`, async () => {
      const dir = await workspace(`include-up-${git}`, git);
      const raw = { index: { embedder: 'hash' }, knowledgeBases: { style: { include: ['docs/**/*.md', '../home/.aws/*.md', '../home/.aws/*'] } } };
      const config = parseConfig(raw);
      const report = await indexKnowledgeBase({ workspace: dir, config, embedder: 'hash' });
      assert.equal(report.files, 1);
      assert.deepEqual(
        report.skipped.map((s) => [s.source, s.reason.split(';')[0]]),
        [
          ['../home/.aws/credentials', 'outside the workspace'],
          ['../home/.aws/notes.md', 'outside the workspace'],
        ],
      );
      const kb = await openKnowledgeBase({ workspace: dir, config });
      const found = await kb.search('aws secret access key', { k: 10 });
      await kb.close();
      assert.ok(found.length > 0 && found.every((p) => p.source === 'docs/STYLE_GUIDE.md'));
    });
  }

  it('indexes a linked document whose target is inside the workspace; skips links leading out, and links to folders, with a reason', async () => {
    const dir = await workspace('linked-docs', true);
    await symlink('STYLE_GUIDE.md', path.join(dir, 'docs/guide-alias.md'));
    await symlink(path.join(outside, 'notes.md'), path.join(dir, 'docs/planted.md'));
    await symlink(path.join(dir, 'src'), path.join(dir, 'docs/src.md'));
    await symlink(path.join(dir, 'nowhere.md'), path.join(dir, 'docs/dangling.md'));
    const config = parseConfig({ index: { embedder: 'hash' } });
    const report = await indexKnowledgeBase({ workspace: dir, config, embedder: 'hash' });
    const reasons = Object.fromEntries(report.skipped.map((s) => [s.source, s.reason]));
    assert.match(reasons['docs/planted.md'] ?? '', /link to a file outside the workspace/);
    assert.match(reasons['docs/dangling.md'] ?? '', /link to a file outside the workspace \(or to nothing\)/);
    assert.match(reasons['docs/src.md'] ?? '', /link to a folder/);
    const kb = await openKnowledgeBase({ workspace: dir, config });
    const sources = new Set((await kb.search('camelCase variables', { k: 10 })).map((p) => p.source));
    const leaked = await kb.search('aws secret access key outside', { k: 10 });
    await kb.close();
    assert.deepEqual([...sources].sort(), ['docs/STYLE_GUIDE.md', 'docs/guide-alias.md']);
    assert.ok(leaked.every((p) => !p.text.includes('OUTSIDE-THE-WORKSPACE')));
  });
});
