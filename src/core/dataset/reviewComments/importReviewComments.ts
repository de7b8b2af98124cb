import * as path from 'node:path';
import { throwIfCancelled } from '../../errors';
import { silentLogger, type Logger } from '../../log';
import { gitText } from '../../git/gitProcess';
import { GitObjectReader } from '../../git/gitObjectReader';
import { findLocalPullRequest, localPullRequests, type LocalPullRequest } from '../git/localPullRequests';
import { remoteRepository } from '../git/remoteRepository';
import { openRepository } from '../git/repository';
import type { EvidenceItem, ReviewEvent, ThreadCount } from '../reviewEvent';
import { commentCode, type CommentCode } from './commentCode';
import { readCommentExport } from './commentExport';
import type { CommentThread, ExportedComment } from './exportedComment';
import { uncommentedFileEvents, type ReviewedPullRequest } from './uncommentedFiles';

export interface ImportReviewCommentsOptions {
  repo: string;
  /** A JSON export of GitHub pull-request review comments, or of GitLab merge-request discussions or notes. */
  file: string;
  /** The git remote naming this repository on its forge (dataset.remote): pull-request numbers join only for it. */
  remote?: string;
  signal?: AbortSignal;
  logger?: Logger;
}

/**
 * Turns an exported set of pull-request review comments into 'pr-comment' events, one per thread: the root
 * comment's words, its replies in metadata, and the code it was made on read from the local repository,
 * with the revised code where the pull request's final version changed the commented lines. A pull request
 * that landed locally (merge or squash commit) is grouped under that commit, as mined history is. Ends with
 * the export's thread count. Then, for each pull request whose base is known, the files it changed that drew
 * no comment ('pr-file' events: review-findings negatives).
 */
export async function* importReviewComments(options: ImportReviewCommentsOptions): AsyncGenerator<EvidenceItem | ThreadCount> {
  const logger = options.logger ?? silentLogger;
  const repo = await openRepository(options.repo);
  const exported = await readCommentExport(options.file);
  for (const skip of exported.skips) yield { skip };
  if (exported.threads.length === 0) {
    yield { threads: { exported: 0, imported: 0 } };
    return;
  }
  const landed = await localPullRequests(repo.dir, options.signal);
  const joinsByNumber = numberJoiner(exported.comments, await remoteRepository(repo.dir, options.remote ?? 'origin', options.signal));
  const headsByPullRequest = new Map<string, string[]>();
  for (const comment of exported.comments) {
    const heads = headsByPullRequest.get(comment.pullRequest.key) ?? [];
    for (const head of comment.heads) if (!heads.includes(head)) heads.push(head);
    headsByPullRequest.set(comment.pullRequest.key, heads);
  }
  const reader = new GitObjectReader(repo.dir);
  const finalHeads = new Map<string, { pr: LocalPullRequest | undefined; head: string | undefined; base: string | undefined }>();
  const source = path.basename(options.file);
  const reviewed = new Map<string, ReviewedPullRequest>();
  const commentedPaths = new Map<string, Set<string>>();
  let imported = 0;
  try {
    for (const thread of exported.threads) {
      throwIfCancelled(options.signal);
      const { root } = thread;
      const badPath = [root.path, root.versions?.base.path, root.versions?.head.path].find((p) => p !== undefined && !isRepositoryPath(p));
      if (badPath !== undefined) {
        yield { skip: { source: `${source} comment ${root.id}`, reason: 'path outside the repository (absolute, or with ".." or "." segments)' } };
        continue;
      }
      const key = root.pullRequest.key;
      // Every commented file counts, joined or not: a file with a comment is never a negative.
      commentedPaths.set(key, (commentedPaths.get(key) ?? new Set<string>()).add(root.path));
      let final = finalHeads.get(key);
      if (!final) {
        const heads = headsByPullRequest.get(key) ?? [];
        const pr = findLocalPullRequest(landed, joinsByNumber(root) ? root.pullRequest.number : undefined, heads);
        const head = pr?.head ?? (await newestCommit(reader, heads));
        final = { pr, head, base: pr && head ? await pullRequestBase(repo.dir, pr, head, options.signal) : undefined };
        finalHeads.set(key, final);
      }
      const code = await commentCode(anchoredComment(root), reader, final.head, final.base);
      if ('skip' in code) {
        yield { skip: { source: `${source} comment ${root.id}`, reason: code.skip } };
        continue;
      }
      imported++;
      const event = threadEvent(thread, answeredCode(root, code), final.pr);
      if (!reviewed.has(key) && final.base && code.anchor) {
        const { pullRequest: number, url } = event.metadata;
        reviewed.set(key, { groupId: event.groupId, base: final.base, commit: code.anchor.commit, commented: commentedPaths.get(key)!, date: event.date, metadata: { ...(number && { pullRequest: number }), ...(url && { url }) } });
      }
      yield { event };
    }
    for (const pullRequest of reviewed.values()) {
      for await (const event of uncommentedFileEvents(repo.dir, reader, pullRequest, options.signal)) yield { event };
    }
  } finally {
    reader.close();
  }
  logger.info(`Imported ${imported} of ${exported.threads.length} review threads from ${options.file}.`);
  yield { threads: { exported: exported.threads.length, imported } };
}

/**
 * An outdated thread (the forge says a later push changed its lines) is anchored where it was made only: the
 * original commit and line. A current position the export may still give is the forge's re-placement onto a
 * version whose lines changed, so reading the code there would pair the words with code they were not about.
 */
function anchoredComment(root: ExportedComment): ExportedComment {
  if (!root.thread?.outdated || !root.original) return root;
  const original = { ...root };
  delete original.current;
  return original;
}

/**
 * What the thread's state says about the revision the final version made to the commented region:
 * - resolved, or outdated (a later push changed the commented lines): the revision answers the comment, the
 *   strongest evidence a review gives, and is kept as the comment's code refinement;
 * - open and current (no push to the pull request changed the commented lines and nobody resolved the thread),
 *   yet the landed version differs there: the change came at landing (a maintainer's edit while squashing, a
 *   conflict resolution), not in answer to the review, so it is no answer to learn; the comment stays (its
 *   words are still review) without a revision.
 * Without a known state (hand-made exports, anonymous fetches, GitLab's unresolved threads, which carry no
 * outdated flag), the revision is kept as before.
 */
function answeredCode(root: ExportedComment, code: CommentCode): CommentCode {
  const thread = root.thread;
  if (code.after === undefined || !thread || thread.resolved || thread.outdated !== false) return code;
  const unanswered: CommentCode = { ...code, commits: code.commits.slice(0, 1), ...(code.anchor && { anchor: { ...code.anchor } }) };
  delete unanswered.after;
  delete unanswered.anchor?.revised;
  return unanswered;
}

function threadEvent(thread: CommentThread, code: CommentCode, pr: LocalPullRequest | undefined): ReviewEvent {
  const { root, replies } = thread;
  const pullRequest = root.pullRequest.number ?? pr?.number;
  const url = root.url ?? root.pullRequest.url;
  const outdated = root.outdated || root.thread?.outdated || code.fileGoneLater;
  return {
    kind: 'pr-comment',
    groupId: pr?.commit ?? root.pullRequest.key,
    path: root.path,
    diffHunk: code.diffHunk,
    ...(code.fullHunk !== undefined && { fullHunk: code.fullHunk }),
    ...(code.anchor && { anchor: code.anchor }),
    ...(code.reviewedFile && { reviewedFile: code.reviewedFile }),
    before: code.before,
    ...(code.after !== undefined && { after: code.after }),
    comment: root.body,
    neededReview: true,
    // The change is the pull request's: its author, where the export names them (the cleaner compares the two).
    ...(root.pullRequest.author !== undefined && { author: root.pullRequest.author }),
    ...(root.author !== undefined && { reviewer: root.author }),
    date: root.date,
    metadata: {
      ...(code.commits.length > 0 && { commits: code.commits }),
      ...(url && { url }),
      ...(pullRequest && { pullRequest }),
      ...(outdated && { outdated: true }),
      ...(replies.length > 0 && { replies }),
      ...(code.hunkFallback !== undefined && { hunkFallback: code.hunkFallback }),
    },
  };
}

/** The most recently committed of the reviewed heads that exist locally: the latest version the export knows. */
async function newestCommit(reader: GitObjectReader, heads: string[]): Promise<string | undefined> {
  let newest: { sha: string; time: number } | undefined;
  for (const sha of heads) {
    const time = await reader.commitTime(sha);
    if (time !== undefined && (!newest || time > newest.time)) newest = { sha, time };
  }
  return newest?.sha;
}

/**
 * Whether a comment's pull-request number may join a local pull request by number: only when the comment's
 * repository is this one (named by the configured remote), or, without a remote, when the export names one
 * repository only. Exports that name none (GitLab's) are taken as this repository's.
 */
function numberJoiner(comments: ExportedComment[], local: string | undefined): (comment: ExportedComment) => boolean {
  const named = new Set(comments.map((comment) => comment.pullRequest.repository).filter((name) => name !== undefined));
  return (comment) => {
    const repository = comment.pullRequest.repository;
    if (repository === undefined) return true;
    return local !== undefined ? repository === local : named.size === 1;
  };
}

/** A relative path inside the repository: no leading slash or drive, no `.` or `..` segment, no NUL or backslash. */
function isRepositoryPath(filePath: string): boolean {
  if (filePath === '' || /[\0\\]/.test(filePath) || filePath.startsWith('/') || /^[A-Za-z]:/.test(filePath)) return false;
  return filePath.split('/').every((segment) => segment !== '..' && segment !== '.');
}

/** Where the pull request's branch left main: the merge base of its landing's first parent and its head. */
async function pullRequestBase(repo: string, pr: LocalPullRequest, head: string, signal?: AbortSignal): Promise<string | undefined> {
  const base = await gitText(repo, ['merge-base', '--end-of-options', `${pr.commit}^1`, head], signal).catch(() => '');
  return base.trim() || undefined;
}
