// Builds REAL git repositories in temp folders for tests: fixed identities and a fixed clock, so every run
// produces the same commit ids, and no user or system git configuration leaks in.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export interface Person {
  name: string;
  email: string;
}

export const ALICE: Person = { name: 'Alice Author', email: 'alice@example.com' };
export const BOB: Person = { name: 'Bob Reviewer', email: 'bob@example.com' };

export interface CommitOptions {
  author?: Person;
  /** Trailer lines appended as the message's last paragraph, in order. */
  trailers?: Array<[string, string]>;
}

/** 2024-01-01T00:00:00Z; each commit, merge, note or revert advances the clock by one minute. */
const START = 1_704_067_200;
const STEP = 60;

function isolatedEnv(home: string): NodeJS.ProcessEnv {
  const empty = path.join(home, 'empty-gitconfig');
  writeFileSync(empty, '');
  return {
    PATH: process.env.PATH,
    HOME: home,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: empty,
    LANG: 'C',
    LC_ALL: 'C',
    TZ: 'UTC',
  };
}

export class GitTestRepo {
  private clock = START;
  private readonly env: NodeJS.ProcessEnv;

  private constructor(
    readonly dir: string,
    private readonly home: string,
  ) {
    this.env = isolatedEnv(home);
  }

  /** A new repository on branch main in a temp folder; `remove()` deletes it. */
  static create(name = 'repo'): GitTestRepo {
    const home = mkdtempSync(path.join(os.tmpdir(), 'housestyle-git-'));
    const dir = path.join(home, name);
    mkdirSync(dir);
    const repo = new GitTestRepo(dir, home);
    repo.git(['init', '--quiet', '--initial-branch=main']);
    return repo;
  }

  /** Runs git in the repository with the fixed identity and the current clock; returns trimmed stdout. */
  git(args: string[], options: { author?: Person; input?: string | Buffer; cwd?: string } = {}): string {
    const author = options.author ?? ALICE;
    const date = `${this.clock} +0000`;
    return execFileSync('git', ['-c', `user.name=${author.name}`, '-c', `user.email=${author.email}`, '-c', 'commit.gpgsign=false', '-c', 'core.autocrlf=false', ...args], {
      cwd: options.cwd ?? this.dir,
      env: { ...this.env, GIT_AUTHOR_NAME: author.name, GIT_AUTHOR_EMAIL: author.email, GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date },
      input: options.input,
      stdio: ['pipe', 'pipe', 'pipe'],
      maxBuffer: 256 * 1024 * 1024,
    })
      .toString('utf8')
      .trim();
  }

  write(file: string, content: string | Buffer): this {
    const target = path.join(this.dir, file);
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, content);
    return this;
  }

  /** Writes lines joined by newlines, with a final newline. */
  writeLines(file: string, lines: string[]): this {
    return this.write(file, `${lines.join('\n')}\n`);
  }

  delete(file: string): this {
    rmSync(path.join(this.dir, file));
    return this;
  }

  rename(from: string, to: string): this {
    mkdirSync(path.dirname(path.join(this.dir, to)), { recursive: true });
    renameSync(path.join(this.dir, from), path.join(this.dir, to));
    return this;
  }

  /** Stages everything and commits; returns the new commit id. */
  commit(message: string, options: CommitOptions = {}): string {
    const trailers = options.trailers?.map(([key, value]) => `${key}: ${value}`).join('\n');
    const full = trailers ? `${message}\n\n${trailers}` : message;
    this.git(['add', '--all']);
    this.git(['commit', '--quiet', '--allow-empty', '--cleanup=verbatim', '--file=-'], { author: options.author, input: full });
    return this.tick(this.head());
  }

  head(): string {
    return this.git(['rev-parse', 'HEAD']);
  }

  branch(name: string, from = 'HEAD'): this {
    this.git(['checkout', '--quiet', '-b', name, from]);
    return this;
  }

  checkout(name: string): this {
    this.git(['checkout', '--quiet', name]);
    return this;
  }

  /**
   * Merges `branch` into the current branch with a merge commit (--no-ff). When it conflicts, `resolution`
   * gives the final content of each conflicted file, and the merge is committed with it.
   */
  merge(branch: string, message: string, resolution?: Record<string, string>): string {
    try {
      this.git(['merge', '--quiet', '--no-ff', '--no-edit', '-m', message, branch]);
    } catch (error) {
      if (!resolution) throw error;
      for (const [file, content] of Object.entries(resolution)) this.write(file, content);
      this.git(['add', '--all']);
      this.git(['commit', '--quiet', '--no-edit', '--cleanup=verbatim', '-m', message]);
    }
    return this.tick(this.head());
  }

  /** Adds a git note to a commit under refs/notes/<ref>. */
  note(commit: string, text: string, ref = 'review'): this {
    this.git(['notes', `--ref=${ref}`, 'add', '--message', text, commit]);
    this.tick('');
    return this;
  }

  /** `git revert` with its default message ("This reverts commit <sha>."); returns the revert commit. */
  revert(commit: string): string {
    this.git(['revert', '--no-edit', commit]);
    return this.tick(this.head());
  }

  /** A shallow clone (`git clone --depth N file://…`) beside this repository. */
  shallowClone(depth = 1, name = `shallow-${depth}`): string {
    const target = path.join(this.home, name);
    this.git(['clone', '--quiet', '--depth', String(depth), `file://${this.dir}`, target], { cwd: this.home });
    return target;
  }

  /** A folder beside the repository that is not inside any git repository. */
  plainFolder(name = 'plain'): string {
    const target = path.join(this.home, name);
    mkdirSync(target, { recursive: true });
    return target;
  }

  remove(): void {
    rmSync(this.home, { recursive: true, force: true });
  }

  /** Moves the clock on, as time passes between a change and the review that answers it. */
  wait(minutes: number): this {
    this.clock += minutes * 60;
    return this;
  }

  private tick<T>(value: T): T {
    this.clock += STEP;
    return value;
  }
}
