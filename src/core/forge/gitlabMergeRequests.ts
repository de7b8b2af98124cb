import type { FirstPage, ForgeClient } from './forgeClient';
import type { FetchedPullRequest, FetchedThread, ListedPullRequest } from './fetchedPullRequest';
import { SUGGESTION } from './fetchedPullRequest';
import type { ForgeRepository } from './forgeRepository';

/** Note fields kept (docs.gitlab.com/api/discussions/#list-project-merge-request-discussion-items). */
const NOTE_FIELDS = ['id', 'type', 'body', 'created_at', 'updated_at', 'system', 'noteable_type', 'noteable_id', 'noteable_iid', 'position', 'resolvable', 'resolved'] as const;

interface GitlabNote {
  id: number;
  body?: string;
  author?: { username: string } | null;
  system?: boolean;
  resolvable?: boolean;
  resolved?: boolean;
  [field: string]: unknown;
}
interface GitlabDiscussion {
  id: string;
  individual_note?: boolean;
  notes: GitlabNote[];
}

const project = (repo: ForgeRepository) => `${repo.apiUrl}/projects/${encodeURIComponent(repo.path)}`;

/**
 * Merge requests, most recently updated first, with who opened each: its `author` (`username`)
 * (docs.gitlab.com/api/merge_requests/#list-project-merge-requests).
 */
export async function* listGitlabMergeRequests(client: ForgeClient, repo: ForgeRepository, stopBefore?: string, firstPage?: FirstPage): AsyncGenerator<ListedPullRequest> {
  const after = stopBefore ? `&updated_after=${encodeURIComponent(stopBefore)}` : '';
  for await (const mr of client.items<{ iid: number; updated_at: string; author?: { username: string } | null }>(`${project(repo)}/merge_requests?state=all&order_by=updated_at&sort=desc&per_page=100${after}`, firstPage)) {
    if (stopBefore && Date.parse(mr.updated_at) < Date.parse(stopBefore)) return;
    yield { number: mr.iid, updatedAt: mr.updated_at, ...(mr.author && { author: mr.author.username }) };
  }
}

/** One merge request: its discussions (diff notes with positions, replies, resolved state), approvals and commits. */
export async function fetchGitlabMergeRequest(client: ForgeClient, repo: ForgeRepository, listed: ListedPullRequest, options: { isBot: (login: string) => boolean }): Promise<FetchedPullRequest> {
  const base = `${project(repo)}/merge_requests/${listed.number}`;
  const discussions = await client.getAll<GitlabDiscussion>(`${base}/discussions?per_page=100`);
  // docs.gitlab.com/api/merge_request_approvals/#for-a-merge-request: approved_by lists who approved.
  const approvalsPage = await client.get<{ approved_by?: Array<{ user: { username: string } }> }>(`${base}/approvals`);
  const commits = await client.getAll<{ id: string }>(`${base}/commits?per_page=100`);
  let botComments = 0;
  const kept: GitlabDiscussion[] = [];
  const threads: FetchedThread[] = [];
  for (const discussion of discussions) {
    const notes = discussion.notes.filter((note) => {
      const bot = !note.system && note.author != null && options.isBot(note.author.username);
      if (bot) botComments++;
      return !bot;
    });
    // A thread whose first note was a bot's is the bot's: its replies are left out with it.
    if (notes[0] !== discussion.notes[0]) {
      botComments += notes.length;
      continue;
    }
    if (notes.length === 0) continue;
    kept.push({ id: discussion.id, ...(discussion.individual_note !== undefined && { individual_note: discussion.individual_note }), notes: notes.map(slimNote) });
    if (notes[0]!.resolvable) threads.push({ rootCommentId: String(notes[0]!.id), resolved: Boolean(notes[0]!.resolved) });
  }
  const approvers = approvalsPage.status === 200 ? (approvalsPage.body.approved_by ?? []).map((a) => a.user.username).filter((name) => !options.isBot(name)) : [];
  const suggestions = kept.flatMap((d) => d.notes).filter((note) => SUGGESTION.test(note.body ?? '')).length;
  return {
    number: listed.number,
    updatedAt: listed.updatedAt,
    url: base,
    ...(listed.author && { author: listed.author }),
    comments: kept,
    // An approval carries no words of its own: it is counted, never a training example.
    reviews: approvers.map((author) => ({ id: `approval:${author}`, state: 'APPROVED', author, body: '' })),
    threads,
    commits: commits.map((commit) => commit.id),
    filtered: { botComments, emptyApprovals: 0 },
    suggestions,
  };
}

function slimNote(note: GitlabNote): GitlabNote {
  const slim: Record<string, unknown> = { id: note.id };
  for (const field of NOTE_FIELDS) if (note[field] !== undefined) slim[field] = note[field];
  slim.author = note.author ? { username: note.author.username } : null;
  return slim as GitlabNote;
}
