import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import * as z from 'zod';
import { HouseStyleError } from '../../errors';
import type { SkipRecord } from '../reviewEvent';
import { commentThreads, type CommentThread, type ExportedComment } from './exportedComment';
import { fromGithub, githubReviewCommentsSchema, looksLikeGithub } from './githubReviewComments';
import { fromGitlab, gitlabDiscussionsSchema, gitlabNotesSchema, gitlabSkipReason, looksLikeGitlabDiscussions, looksLikeGitlabNote } from './gitlabDiscussions';

export interface CommentExport {
  format: 'github' | 'gitlab-discussions' | 'gitlab-notes';
  threads: CommentThread[];
  /** Every comment of the export, threads' replies included (their heads tell which versions were reviewed). */
  comments: ExportedComment[];
  skips: SkipRecord[];
}

const HINT = 'Export review comments with GET /repos/{owner}/{repo}/pulls/{n}/comments (GitHub) or GET /projects/:id/merge_requests/:iid/discussions (GitLab) and pass that JSON array unchanged.';

/**
 * Reads a review-comments export: GitHub's pull-request review comments, or GitLab's merge-request
 * discussions or notes. Unreadable files, invalid JSON and wrong shapes are HouseStyleErrors naming the file
 * and what is wrong; comments that cannot be code review (system notes, general comments) are skip records.
 */
export async function readCommentExport(file: string): Promise<CommentExport> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new HouseStyleError(`Cannot read the review-comments export ${file}: ${(error as Error).message}.`, 'Check the path of the export.', 'comments', { cause: error });
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new HouseStyleError(`The review-comments export ${file} is not valid JSON: ${(error as Error).message}.`, HINT, 'comments', { cause: error });
  }
  if (!Array.isArray(data)) throw new HouseStyleError(`The review-comments export ${file} is not a JSON array of comments.`, HINT, 'comments');
  const first: unknown = data[0];
  if (data.length === 0) return { format: 'github', threads: [], comments: [], skips: [] };
  if (looksLikeGitlabDiscussions(first)) return gitlabDiscussions(file, validate(file, gitlabDiscussionsSchema, data, 'GitLab discussions'));
  if (looksLikeGithub(first)) return github(file, validate(file, githubReviewCommentsSchema, data, 'GitHub review comments'));
  if (looksLikeGitlabNote(first)) return gitlabNotes(file, validate(file, gitlabNotesSchema, data, 'GitLab notes'));
  throw new HouseStyleError(`The review-comments export ${file} is neither GitHub review comments nor GitLab discussions or notes (its first element has none of their fields).`, HINT, 'comments');
}

function validate<T>(file: string, schema: z.ZodType<T>, data: unknown, what: string): T {
  const result = schema.safeParse(data);
  if (result.success) return result.data;
  throw new HouseStyleError(`The review-comments export ${file} does not have the shape of ${what}:\n${z.prettifyError(result.error)}`, HINT, 'comments');
}

function github(file: string, data: z.infer<typeof githubReviewCommentsSchema>): CommentExport {
  const comments = data.map(fromGithub);
  const { threads, orphans } = commentThreads(comments);
  const skips = orphans.map((comment) => ({ source: `${path.basename(file)} comment ${comment.id}`, reason: `reply to comment ${comment.replyTo}, which is not in the export` }));
  return { format: 'github', threads, comments, skips };
}

function gitlabDiscussions(file: string, data: z.infer<typeof gitlabDiscussionsSchema>): CommentExport {
  const threads: CommentThread[] = [];
  const comments: ExportedComment[] = [];
  const skips: SkipRecord[] = [];
  for (const discussion of data) {
    const [first, ...rest] = discussion.notes;
    if (!first) continue;
    const reason = gitlabSkipReason(first);
    if (reason) {
      skips.push({ source: `${path.basename(file)} discussion ${discussion.id}`, reason });
      continue;
    }
    const root = fromGitlab(first);
    const answers = rest.filter((note) => !note.system);
    comments.push(root, ...answers.filter((note) => gitlabSkipReason(note) === undefined).map((note) => fromGitlab(note, root.id)));
    threads.push({ root, replies: answers.map((note) => ({ ...(note.author && { author: note.author.username }), body: note.body, date: note.created_at })) });
  }
  return { format: 'gitlab-discussions', threads, comments, skips };
}

function gitlabNotes(file: string, data: z.infer<typeof gitlabNotesSchema>): CommentExport {
  const threads: CommentThread[] = [];
  const skips: SkipRecord[] = [];
  for (const note of data) {
    const reason = gitlabSkipReason(note);
    if (reason) skips.push({ source: `${path.basename(file)} note ${note.id}`, reason });
    else threads.push({ root: fromGitlab(note), replies: [] });
  }
  return { format: 'gitlab-notes', threads, comments: threads.map((thread) => thread.root), skips };
}
