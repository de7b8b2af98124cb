import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import ignore, { type Ignore } from 'ignore';
import { glob } from 'tinyglobby';
import type { KnowledgeBaseConfig } from '../config';

/**
 * The workspace files a knowledge base covers: its include globs, minus its exclude globs, minus
 * whatever git ignores (.gitignore files at any depth and .git/info/exclude). Paths are relative,
 * with forward slashes, sorted.
 */
export async function discoverSources(workspace: string, kb: Pick<KnowledgeBaseConfig, 'include' | 'exclude'>): Promise<string[]> {
  const [candidates, gitignored] = await Promise.all([
    glob(kb.include, { cwd: workspace, ignore: kb.exclude, dot: true, onlyFiles: true, followSymbolicLinks: false, expandDirectories: false }),
    loadGitIgnores(workspace, kb.exclude),
  ]);
  return candidates.filter((file) => !gitignored(file)).sort();
}

async function loadGitIgnores(workspace: string, exclude: string[]): Promise<(file: string) => boolean> {
  const ignoreFiles = await glob(['**/.gitignore'], { cwd: workspace, ignore: exclude, dot: true, onlyFiles: true, followSymbolicLinks: false });
  const rules: { dir: string; matcher: Ignore }[] = [];
  const infoExclude = await readFile(path.join(workspace, '.git', 'info', 'exclude'), 'utf8').catch(() => '');
  if (infoExclude) rules.push({ dir: '', matcher: ignore().add(infoExclude) });
  for (const file of ignoreFiles) {
    const text = await readFile(path.join(workspace, file), 'utf8').catch(() => '');
    if (text) rules.push({ dir: path.posix.dirname(file) === '.' ? '' : path.posix.dirname(file), matcher: ignore().add(text) });
  }
  return (file) =>
    rules.some(({ dir, matcher }) => {
      if (dir && !file.startsWith(`${dir}/`)) return false;
      return matcher.ignores(dir ? file.slice(dir.length + 1) : file);
    });
}
