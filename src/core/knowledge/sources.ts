import * as fs from 'node:fs';
import { lstat, readFile, stat } from 'node:fs/promises';
import * as path from 'node:path';
import ignore, { type Ignore } from 'ignore';
import picomatch from 'picomatch';
import { glob } from 'tinyglobby';
import type { KnowledgeBaseConfig } from '../config';
import { isOutside, realPathInside } from '../insideWorkspace';

export interface SourceDiscovery {
  /** Workspace-relative paths with forward slashes, sorted: the files to index. */
  files: string[];
  /** Matched files that are not read, and why (outside the workspace, a link leading out, a link to a folder). */
  skipped: { source: string; reason: string }[];
  /** Include globs that matched no file at all: usually a typo. */
  unmatched: string[];
}

/**
 * The workspace files a knowledge base covers: its include globs, minus its exclude globs, minus
 * whatever git ignores (.gitignore files at any depth and .git/info/exclude). Nothing outside the
 * workspace qualifies: `../` globs and links whose target lies outside are skipped with a reason;
 * a link to a file inside the workspace is indexed under the link's path. Links to folders are
 * never followed.
 */
export async function discoverSources(workspace: string, kb: Pick<KnowledgeBaseConfig, 'include' | 'exclude'>): Promise<SourceDiscovery> {
  const [candidates, gitignored] = await Promise.all([
    glob(kb.include, { cwd: workspace, ignore: kb.exclude, dot: true, onlyFiles: true, followSymbolicLinks: false, expandDirectories: false, fs: linksAsEntries }),
    loadGitIgnores(workspace, kb.exclude),
  ]);
  const skipped: SourceDiscovery['skipped'] = [];
  const checked = await Promise.all(
    candidates.map(async (file) => {
      const reason = await whyNotReadable(workspace, file);
      if (reason) skipped.push({ source: file, reason });
      return reason || gitignored(file) ? undefined : file;
    }),
  );
  const files = checked.filter((file): file is string => file !== undefined).sort();
  const unmatched = kb.include.filter((pattern) => {
    const matches = picomatch(pattern, { dot: true });
    return !candidates.some((file) => matches(file));
  });
  return { files, skipped: skipped.sort((a, b) => a.source.localeCompare(b.source)), unmatched };
}

/**
 * Which of `paths` (workspace-relative, as a file watcher reports them) are sources of the knowledge base now,
 * by the same rules as `discoverSources`, without listing the workspace: only the paths themselves and the
 * .gitignore files of their folders are looked at. A path that is gone or no longer matches is not a source.
 */
export async function sourcesAmong(workspace: string, kb: Pick<KnowledgeBaseConfig, 'include' | 'exclude'>, paths: readonly string[]): Promise<SourceDiscovery> {
  const included = picomatch(kb.include, { dot: true });
  const excluded = picomatch(kb.exclude, { dot: true });
  const candidates = [...new Set(paths.map((file) => file.split(path.sep).join('/')))].filter((file) => !isOutside(path.normalize(file)) && included(file) && !excluded(file));
  const folders = new Set(candidates.flatMap((file) => ancestors(path.posix.dirname(file))));
  const gitignored = await gitIgnoreRules(workspace, [...folders].map((dir) => (dir ? `${dir}/.gitignore` : '.gitignore')));
  const skipped: SourceDiscovery['skipped'] = [];
  const checked = await Promise.all(
    candidates.map(async (file) => {
      if (gitignored(file) || !(await lstat(path.join(workspace, file)).catch(() => undefined))) return undefined;
      const reason = await whyNotReadable(workspace, file);
      if (reason) skipped.push({ source: file, reason });
      return reason ? undefined : file;
    }),
  );
  return { files: checked.filter((file): file is string => file !== undefined).sort(), skipped, unmatched: [] };
}

/** "a/b" → ["", "a", "a/b"]: the folders whose .gitignore can apply to a file in "a/b". */
function ancestors(dir: string): string[] {
  if (dir === '.' || dir === '') return [''];
  const parts = dir.split('/');
  return ['', ...parts.map((_, i) => parts.slice(0, i + 1).join('/'))];
}

async function whyNotReadable(workspace: string, file: string): Promise<string | undefined> {
  if (isOutside(path.normalize(file))) return 'outside the workspace; only files inside it are indexed';
  // A file that vanished since the listing is left to the reader, which says so.
  if (!(await lstat(path.join(workspace, file)).catch(() => undefined))?.isSymbolicLink()) return undefined;
  const target = await realPathInside(workspace, file);
  if (!target) return 'a link to a file outside the workspace (or to nothing); only files inside it are indexed';
  if (!(await stat(target)).isFile()) return 'a link to a folder; links to folders are not followed';
  return undefined;
}

/** Lists symbolic links as plain entries, never followed, so that each is checked before anything is read through it. */
const linksAsEntries = {
  readdir: ((dir: fs.PathLike, options: { withFileTypes: true }, callback: (error: NodeJS.ErrnoException | null, entries: fs.Dirent[]) => void) =>
    fs.readdir(dir, options, (error, entries) => callback(error, entries?.map(linkAsFile)))) as unknown as typeof fs.readdir,
};

function linkAsFile(entry: fs.Dirent): fs.Dirent {
  return entry.isSymbolicLink() ? Object.assign(Object.create(entry) as fs.Dirent, { isFile: () => true, isSymbolicLink: () => false }) : entry;
}

async function loadGitIgnores(workspace: string, exclude: string[]): Promise<(file: string) => boolean> {
  return gitIgnoreRules(workspace, await glob(['**/.gitignore'], { cwd: workspace, ignore: exclude, dot: true, onlyFiles: true, followSymbolicLinks: false }));
}

/** What git ignores, from .git/info/exclude and the given .gitignore files (missing ones count as empty). */
async function gitIgnoreRules(workspace: string, ignoreFiles: string[]): Promise<(file: string) => boolean> {
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
