import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { CommentExportOrigin } from '../dataset/datasetReport';
import { readJsonFile, writeJsonAtomic } from '../jsonFile';
import type { FetchedPullRequest } from './fetchedPullRequest';
import type { ForgeRepository } from './forgeRepository';

/** Where fetched review data lives in a workspace; its own `.gitignore` keeps it out of git. */
export const FORGE_FOLDER = path.join('.housestyle', 'forge');
/** The export a fetch materialises, in the shape `dataset build --comments` reads (GitHub REST or GitLab discussions). */
export const EXPORT_FILE = 'review-comments.json';
const STATE_FILE = 'fetch.json';

/** What the last complete fetch of a repository did; written last, so it exists only for a complete cache. */
export interface FetchState {
  /** `github:owner/repo` or `gitlab:group/project`. */
  source: string;
  apiUrl: string;
  fetchedAt: string;
  /** The newest updated_at listed by a complete run: the next run lists only pull requests updated since. */
  watermark?: string;
  /** ETag of the pull request list's first page at the watermark: a 304 there means nothing was updated. */
  listEtag?: string;
  totals: { pullRequests: number; comments: number; reviews: number; threads: number; commits: number; suggestions: number; botComments: number; emptyApprovals: number };
}

/** The cache of one forge repository: one file per pull request, the export, and the fetch state. */
export class ForgeCache {
  readonly dir: string;

  constructor(workspace: string, readonly repository: ForgeRepository) {
    this.dir = path.join(workspace, FORGE_FOLDER, repository.forge, repository.path.replaceAll('/', '__'));
  }

  get exportFile(): string {
    return path.join(this.dir, EXPORT_FILE);
  }

  private pullFile(number: number): string {
    return path.join(this.dir, 'pulls', `${number}.json`);
  }

  async open(): Promise<void> {
    await mkdir(path.join(this.dir, 'pulls'), { recursive: true });
    // Fetched comments are the workspace's own data, never to be committed by accident.
    await writeFile(path.join(this.dir, '..', '..', '.gitignore'), '# House Style\'s cache of review comments fetched from the forge.\n*\n', { flag: 'wx' }).catch(() => undefined);
  }

  async state(): Promise<FetchState | undefined> {
    return (await readJsonFile(path.join(this.dir, STATE_FILE), { missing: undefined, code: 'forge', badJsonHint: `Delete ${path.join(this.dir, STATE_FILE)}; the next fetch lists every pull request again.` })) as FetchState | undefined;
  }

  async writeState(state: FetchState): Promise<void> {
    await writeJsonAtomic(path.join(this.dir, STATE_FILE), state);
  }

  /** The cached pull request, or undefined when absent or unreadable (then it is fetched again). */
  async read(number: number): Promise<FetchedPullRequest | undefined> {
    try {
      return JSON.parse(await readFile(this.pullFile(number), 'utf8')) as FetchedPullRequest;
    } catch {
      return undefined;
    }
  }

  /** Atomic (temp file, then rename): a kill leaves the old record or the new one, never half of one. */
  async write(pr: FetchedPullRequest): Promise<void> {
    await writeJsonAtomic(this.pullFile(pr.number), pr);
  }

  async numbers(): Promise<number[]> {
    const names = await readdir(path.join(this.dir, 'pulls')).catch(() => [] as string[]);
    return names.flatMap((name) => (/^\d+\.json$/.test(name) ? [Number(name.slice(0, -5))] : [])).sort((a, b) => a - b);
  }

  /**
   * Writes the export from the cached pull requests, in number order, one pull request in memory at a time,
   * to a temporary file renamed into place; returns the totals over the whole cache.
   */
  async writeExport(): Promise<FetchState['totals']> {
    const totals: FetchState['totals'] = { pullRequests: 0, comments: 0, reviews: 0, threads: 0, commits: 0, suggestions: 0, botComments: 0, emptyApprovals: 0 };
    const temp = `${this.exportFile}.${randomBytes(4).toString('hex')}.tmp`;
    const handle = await open(temp, 'w');
    try {
      let first = true;
      await handle.write('[');
      for (const number of await this.numbers()) {
        const pr = await this.read(number);
        if (!pr) continue;
        totals.pullRequests++;
        totals.comments += this.repository.forge === 'github' ? pr.comments.length : pr.comments.reduce<number>((n, d) => n + (d as { notes: unknown[] }).notes.length, 0);
        totals.reviews += pr.reviews.length;
        totals.threads += pr.threads.length;
        totals.commits += pr.commits.length;
        totals.suggestions += pr.suggestions;
        totals.botComments += pr.filtered.botComments;
        totals.emptyApprovals += pr.filtered.emptyApprovals;
        if (pr.comments.length === 0) continue;
        await handle.write(`${first ? '\n' : ',\n'}${exportItems(pr, this.repository.forge === 'github').map((item) => JSON.stringify(item)).join(',\n')}`);
        first = false;
      }
      await handle.write(first ? ']\n' : '\n]\n');
      await handle.datasync();
    } finally {
      await handle.close();
    }
    await rename(temp, this.exportFile).catch(async (error: unknown) => {
      await rm(temp, { force: true });
      throw error;
    });
    return totals;
  }
}

/**
 * The cached comments as the export holds them, with what the forge gave beside them, under names that are not the
 * forge's own: GitHub's REST comments lack their thread's state, which GraphQL gave (`review_thread` on a
 * thread's first comment, GraphQL's names; GitLab's notes carry `resolved` themselves); neither forge's comments
 * name who opened the pull request (`pull_request_author` on each GitHub comment, `merge_request_author` on
 * each GitLab note, in the shape of the forge's user). Records cached before the author was kept give none.
 */
function exportItems(pr: FetchedPullRequest, github: boolean): unknown[] {
  if (!github) {
    if (pr.author === undefined) return pr.comments;
    const author = { username: pr.author };
    return pr.comments.map((discussion) => {
      const { notes } = discussion as { notes: object[] };
      return { ...(discussion as object), notes: notes.map((note) => ({ ...note, merge_request_author: author })) };
    });
  }
  const state = new Map(pr.threads.map((thread) => [thread.rootCommentId, thread]));
  return pr.comments.map((comment) => {
    const thread = state.get(String((comment as { id: number }).id));
    return {
      ...(comment as object),
      ...(thread && { review_thread: { isResolved: thread.resolved, ...(thread.outdated !== undefined && { isOutdated: thread.outdated }) } }),
      ...(pr.author !== undefined && { pull_request_author: { login: pr.author } }),
    };
  });
}

/** The origin of an export: the fetch state beside it, when a complete fetch wrote it (fetch.json is written last). */
export async function commentExportOrigin(file: string): Promise<CommentExportOrigin> {
  if (path.basename(file) !== EXPORT_FILE) return { file };
  const state = (await readJsonFile(path.join(path.dirname(file), STATE_FILE), { missing: undefined, code: 'forge', badJsonHint: 'Run dataset fetch again.' }).catch(() => undefined)) as Partial<FetchState> | undefined;
  return typeof state?.source === 'string' && typeof state.fetchedAt === 'string' ? { file, fetched: { source: state.source, fetchedAt: state.fetchedAt } } : { file };
}

/** The exports earlier fetches wrote in a workspace, for `dataset build` to read when no --comments are given. */
export async function fetchedCommentExports(workspace: string): Promise<string[]> {
  const root = path.join(workspace, FORGE_FOLDER);
  const found: string[] = [];
  for (const forge of ['github', 'gitlab']) {
    for (const name of (await readdir(path.join(root, forge)).catch(() => [] as string[])).sort()) {
      const file = path.join(root, forge, name, EXPORT_FILE);
      if ((await stat(file).catch(() => undefined))?.isFile()) found.push(file);
    }
  }
  return found;
}
