import { readFile, stat } from 'node:fs/promises';
import * as path from 'node:path';
import { HouseStyleError } from '../../errors';
import { gitText } from './gitProcess';

export interface RepositoryInfo {
  /** Absolute path of the folder git commands run in. */
  dir: string;
  /** A shallow clone: history stops at a grafted boundary, so older commits are missing. */
  shallow: boolean;
  /** The boundary commits of a shallow clone: git shows them without parents, so their diffs are not their real changes. */
  shallowBoundary: Set<string>;
}

/**
 * Checks that `repo` is a git repository with at least one commit, and whether it is a shallow clone.
 * Every failure is a HouseStyleError saying what to do.
 */
export async function openRepository(repo: string): Promise<RepositoryInfo> {
  const dir = path.resolve(repo);
  const info = await stat(dir).catch(() => undefined);
  if (!info?.isDirectory()) {
    throw new HouseStyleError(`Repository folder not found: ${dir}.`, 'Pass the folder of a git repository with --repo DIR.', 'git');
  }
  const [answer, anyCommit] = await Promise.all([
    gitText(dir, ['rev-parse', '--git-dir', '--is-shallow-repository']).catch((error: unknown) => {
      // A missing git binary is its own problem, not the folder's.
      if (error instanceof HouseStyleError && error.code === 'git-not-found') throw error;
      throw new HouseStyleError(`${dir} is not a git repository.`, 'Point --repo at a git working tree (or bare repository), or run `git init` there first.', 'git', { cause: error });
    }),
    gitText(dir, ['rev-list', '--max-count=1', '--all']).catch(() => ''),
  ]);
  const shallow = answer.trim().split('\n').pop() === 'true';
  if (anyCommit.trim() === '') {
    throw new HouseStyleError(`${dir} has no commits yet, so there is no history to mine.`, 'Commit some work first, or point --repo at a repository with history.', 'git');
  }
  return { dir, shallow, shallowBoundary: shallow ? await readShallowBoundary(dir) : new Set() };
}

async function readShallowBoundary(dir: string): Promise<Set<string>> {
  const file = path.resolve(dir, (await gitText(dir, ['rev-parse', '--git-path', 'shallow'])).trim());
  const text = await readFile(file, 'utf8').catch(() => '');
  return new Set(text.split('\n').map((line) => line.trim()).filter(Boolean));
}
