import { trailerValues, type CommitMessage } from '../../git/trailers';

/** The pull (or merge) request a commit message names: its number and, from a PR-URL trailer, its address. */
export interface PullRequestRef {
  number?: string;
  url?: string;
}

const SUBJECT_PATTERNS = [
  /^Merge pull request #(\d+)\b/, // GitHub merge commits
  /^Merged in .*\(pull request #(\d+)\)/, // Bitbucket
  /^Merged PR (\d+):/, // Azure DevOps
  /\(#(\d+)\)\s*$/, // squash merges: "Subject (#123)"
];
/** GitHub's squash-merge subject, "Subject (#123)": the commit that landed a whole pull request. */
export const SQUASH_SUBJECT = /\(#\d+\)\s*$/;
const GITLAB_BODY = /^See merge request \S*!(\d+)\s*$/m;
const URL_NUMBER = /\/(?:pull|pulls|merge_requests)\/(\d+)/;

/** Reads the pull request a merge or squash commit belongs to from the forge's usual message conventions. */
export function pullRequestRef(message: CommitMessage): PullRequestRef {
  const url = trailerValues(message.trailers, 'PR-URL')[0];
  let number = url ? URL_NUMBER.exec(url)?.[1] : undefined;
  for (const pattern of SUBJECT_PATTERNS) {
    if (number) break;
    number = pattern.exec(message.subject)?.[1];
  }
  number ??= GITLAB_BODY.exec(message.body)?.[1];
  return { ...(number && { number }), ...(url && { url }) };
}
