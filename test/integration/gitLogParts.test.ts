// The diffs of listed commits are read from several git processes at once: what the parser sees must be one
// process's output, and the commits as a walk shows them.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { gitOutputsInOrder } from '../../src/core/git/gitOutputsInOrder';
import { commitWindows, readGitLog, type GitCommit, type GitLogOptions } from '../../src/core/git/gitLogStream';
import { GitTestRepo } from '../support/gitRepo';

const COMMITS = 900;

/** 900 commits on main, some touching several files, with a side branch merged in the middle (one fast-import). */
function longHistory(): GitTestRepo {
  const repo = GitTestRepo.create('long-history');
  const stream: string[] = [];
  let mark = 0;
  const commit = (branch: string, message: string, files: [string, string][], merge?: number) => {
    mark++;
    const data = `${message}\n`;
    stream.push(`commit refs/heads/${branch}\nmark :${mark}\ncommitter Alice <alice@example.com> ${1_700_000_000 + mark * 60} +0000\ndata ${Buffer.byteLength(data)}\n${data}`);
    if (merge !== undefined) stream.push(`merge :${merge}\n`);
    for (const [file, content] of files) stream.push(`M 644 inline ${file}\ndata ${Buffer.byteLength(content)}\n${content}\n`);
    return mark;
  };
  let side = 0;
  for (let i = 0; i < COMMITS; i++) {
    const files: [string, string][] = [[`src/file${i % 7}.c`, Array.from({ length: 20 }, (_, line) => `int v${line} = ${line * i};`).join('\n')]];
    if (i % 5 === 0) files.push([`docs/notes${i % 3}.md`, `# Notes\n\nRevision ${i}.\n`]);
    const main = commit('main', `Change ${i}`, files, i === 450 ? side : undefined);
    if (i === 300) stream.push(`reset refs/heads/side\nfrom :${main}\n`);
    if (i >= 300 && i < 310) side = commit('side', `Side ${i}`, [[`side/file${i}.c`, `int side = ${i};`]]);
  }
  repo.git(['fast-import', '--quiet'], { input: stream.join('') });
  repo.git(['reset', '--hard', '--quiet', 'main']);
  return repo;
}

async function read(options: Omit<GitLogOptions, 'patches' | 'oldestFirst'>): Promise<GitCommit[]> {
  const read: GitCommit[] = [];
  for await (const commit of readGitLog({ ...options, patches: true, oldestFirst: false })) read.push(commit);
  return read;
}

describe('the diffs of listed commits, read by several git processes at once', () => {
  let repo: GitTestRepo;
  before(() => {
    repo = longHistory();
  });
  after(() => repo.remove());

  it('are the walk\'s own: the same commits, headers and diffs, in the order listed', async () => {
    const walk = await read({ repo: repo.dir });
    assert.equal(walk.length, COMMITS + 10);
    // Every third commit, and the merge and the side branch's (a mining keeps such a subsequence of the walk).
    const listed = walk.filter((commit, index) => index % 3 === 0 || commit.parents.length > 1 || commit.message.startsWith('Side'));
    for (const parts of [1, 2, 3, 4]) assert.deepEqual(await read({ repo: repo.dir, commits: listed.map((c) => c.sha), parts }), listed, `${parts} parts`);
    assert.deepEqual(await read({ repo: repo.dir, commits: [] }), []);
  });

  it('splits into consecutive windows, the first smaller, none too short to pay for its process', () => {
    for (const [total, parts] of [[5697, 2], [1929, 4], [900, 4], [450, 4], [160, 2], [0, 2]] as const) {
      const windows = commitWindows(total, parts);
      assert.ok(windows.length <= parts);
      assert.equal(windows[0]!.skip, 0);
      for (let i = 1; i < windows.length; i++) assert.equal(windows[i]!.skip, windows[i - 1]!.skip + windows[i - 1]!.count);
      assert.equal(windows.reduce((sum, window) => sum + window.count, 0), total);
      if (windows.length > 1) {
        assert.ok(windows[0]!.count < windows[1]!.count, `${total} in ${parts}`);
        assert.ok(windows.every((window) => window.count >= 100), `${total} in ${parts}: ${JSON.stringify(windows)}`);
      }
    }
    assert.equal(commitWindows(160, 2).length, 1);
    assert.equal(commitWindows(5697, 2).length, 2);
    // A very long history: what waits in files stays bounded, the streamed first part takes the rest.
    const long = commitWindows(1_000_000, 4);
    assert.equal(long[0]!.count, 980_000);
    assert.equal(long.length, 4);
  });
});

describe('git outputs read in order', () => {
  let repo: GitTestRepo;
  let tmp: string;
  let savedTmp: string | undefined;
  before(() => {
    repo = longHistory();
    // The parts' temporary files go under TMPDIR: a folder of this test's own, to see that none is left.
    savedTmp = process.env.TMPDIR;
    tmp = mkdtempSync(path.join(os.tmpdir(), 'housestyle-parts-'));
    process.env.TMPDIR = tmp;
  });
  after(() => {
    if (savedTmp === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = savedTmp;
    rmSync(tmp, { recursive: true, force: true });
    repo.remove();
  });

  const text = async (commands: string[][]) => {
    const chunks: Buffer[] = [];
    for await (const chunk of gitOutputsInOrder(repo.dir, commands.map((args) => ({ args })))) chunks.push(chunk);
    return Buffer.concat(chunks).toString('utf8');
  };

  it('joins the outputs in the order given, each fed its own input, and leaves no temporary file', async () => {
    const [newest, , third] = repo.git(['rev-list', '--max-count=3', 'HEAD']).trim().split('\n');
    const listed = async (parts: string[][]) => {
      const chunks: Buffer[] = [];
      for await (const chunk of gitOutputsInOrder(repo.dir, parts.map((shas) => ({ args: ['log', '--format=%s', '--no-walk=unsorted', '--stdin'], input: `${shas.join('\n')}\n` })))) chunks.push(chunk);
      return Buffer.concat(chunks).toString('utf8');
    };
    assert.equal(await listed([[third!], [newest!, third!]]), `Change ${COMMITS - 3}\nChange ${COMMITS - 1}\nChange ${COMMITS - 3}\n`);
    assert.equal(await text([['log', '--format=%s', '--max-count=2'], ['log', '--format=%s', '--skip=2', '--max-count=1'], ['rev-list', '--count', 'HEAD']]), `Change ${COMMITS - 1}\nChange ${COMMITS - 2}\nChange ${COMMITS - 3}\n${COMMITS + 10}\n`);
    assert.deepEqual(readdirSync(tmp), []);
  });

  it("throws a later part's failure with git's message, and cleans up", async () => {
    await assert.rejects(text([['log', '--format=%s'], ['log', 'no-such-revision', '--']]), (error: Error & { code?: string }) => {
      assert.equal(error.code, 'git');
      assert.match(error.message, /no-such-revision/);
      return true;
    });
    assert.deepEqual(readdirSync(tmp), []);
  });

  it('stops every part when the reader stops early', async () => {
    const running = () => process.getActiveResourcesInfo().filter((kind) => kind === 'ProcessWrap').length;
    const before = running();
    // Whole patch walks: the first, left running, would wait on its full pipe for ever.
    for await (const chunk of gitOutputsInOrder(repo.dir, [{ args: ['log', '-p'] }, { args: ['log', '-p'] }, { args: ['log', '-p'] }])) {
      assert.ok(chunk.length > 0);
      break;
    }
    for (let i = 0; i < 100 && running() > before; i++) await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(running(), before, 'a git process is still running');
    assert.deepEqual(readdirSync(tmp), []);
  });
});
