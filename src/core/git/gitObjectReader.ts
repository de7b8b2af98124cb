import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { HouseStyleError } from '../errors';
import { STABLE_GIT_CONFIG, gitSpawnError } from './gitProcess';

export interface GitObject {
  oid: string;
  type: string;
  content: Buffer;
}

interface Pending {
  resolve(object: GitObject | undefined): void;
  reject(error: Error): void;
}

/**
 * Reads objects (`<commit>:<path>`, `<sha>^{commit}`, …) through one long-lived `git cat-file --batch`
 * process instead of one `git show` per lookup. Requests are answered in order; a missing or ambiguous
 * name resolves to undefined.
 */
export class GitObjectReader {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly pending: Pending[] = [];
  private buffer: Buffer = Buffer.alloc(0);
  private failure: Error | undefined;

  constructor(repo: string) {
    this.child = spawn('git', [...STABLE_GIT_CONFIG, 'cat-file', '--batch'], { cwd: repo, windowsHide: true });
    this.child.stdout.on('data', (chunk: Buffer) => this.receive(chunk));
    this.child.stderr.resume();
    this.child.stdin.on('error', (error) => this.fail(error));
    this.child.once('error', (error) => this.fail(gitSpawnError(error)));
    this.child.once('close', () => this.fail(new HouseStyleError('git cat-file stopped unexpectedly.', 'Check that the repository is readable.', 'git')));
  }

  read(name: string): Promise<GitObject | undefined> {
    if (/[\n\r\0]/.test(name)) return Promise.resolve(undefined);
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.pending.push({ resolve, reject });
      this.child.stdin.write(`${name}\n`);
    });
  }

  /** The text of `<commit>:<path>`, or undefined when the commit or the path is absent. */
  async readFile(commit: string, path: string): Promise<string | undefined> {
    const object = await this.read(`${commit}:${path}`);
    return object?.type === 'blob' ? object.content.toString('utf8') : undefined;
  }

  /** Committer time (seconds since the epoch) of a commit, or undefined when it is not in the repository. */
  async commitTime(commit: string): Promise<number | undefined> {
    const object = await this.read(`${commit}^{commit}`);
    if (object?.type !== 'commit') return undefined;
    const match = /^committer .* (\d+) [+-]\d{4}$/m.exec(object.content.toString('utf8'));
    return match ? Number(match[1]) : undefined;
  }

  close(): void {
    this.failure ??= new HouseStyleError('The object reader is closed.', undefined, 'git');
    this.child.stdin.end();
    this.child.kill();
  }

  private receive(chunk: Buffer): void {
    this.buffer = this.buffer.length > 0 ? Buffer.concat([this.buffer, chunk]) : chunk;
    for (;;) {
      const newline = this.buffer.indexOf(0x0a);
      if (newline === -1) return;
      const header = this.buffer.toString('utf8', 0, newline);
      const match = /^([0-9a-f]+) (\S+) (\d+)$/.exec(header);
      if (!match) {
        // "<name> missing" or "<name> ambiguous": no content follows.
        this.buffer = this.buffer.subarray(newline + 1);
        this.pending.shift()?.resolve(undefined);
        continue;
      }
      const size = Number(match[3]);
      const end = newline + 1 + size;
      if (this.buffer.length < end + 1) return;
      const content = Buffer.from(this.buffer.subarray(newline + 1, end));
      this.buffer = this.buffer.subarray(end + 1);
      this.pending.shift()?.resolve({ oid: match[1]!, type: match[2]!, content });
    }
  }

  private fail(error: Error): void {
    this.failure ??= error;
    for (const request of this.pending.splice(0)) request.reject(this.failure);
  }
}
