import { readFile, stat } from 'node:fs/promises';
import * as path from 'node:path';
import { HouseStyleError } from '../../errors';
import { gitText, isGitMissing } from '../../git/gitProcess';

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
    throw new HouseStyleError(`Repository folder not found: ${dir}.`, 'Pass the folder of a git repository with --repo DIR.', 'git', { fix: ['open-git-repository'] });
  }
  // One git call answers all three questions (a repository? shallow? any commit on any ref?): spawning git
  // from a large process costs more than the answers.
  const answer = await gitText(dir, ['rev-parse', '--is-shallow-repository', '--git-path', 'shallow', '--all']).catch((error: unknown) => {
    // A missing git binary is its own problem, not the folder's.
    if (isGitMissing(error)) throw error;
    throw new HouseStyleError(`${dir} is not a git repository.`, 'Point --repo at a git working tree (or bare repository), or run `git init` there first.', 'git', { cause: error, fix: ['open-git-repository'] });
  });
  const [shallowAnswer = '', shallowFile = '', ...refs] = answer.split('\n');
  if (refs.every((line) => line.trim() === '')) {
    throw new HouseStyleError(`${dir} has no commits yet, so there is no history to mine.`, 'Commit some work first, or point --repo at a repository with history.', 'git', { fix: ['open-git-repository'] });
  }
  const shallow = shallowAnswer.trim() === 'true';
  return { dir, shallow, shallowBoundary: shallow ? await readShallowBoundary(path.resolve(dir, shallowFile.trim())) : new Set() };
}

async function readShallowBoundary(file: string): Promise<Set<string>> {
  const text = await readFile(file, 'utf8').catch(() => '');
  return new Set(text.split('\n').map((line) => line.trim()).filter(Boolean));
}
