import { execFile } from 'node:child_process';
import type { ForgeKind } from './forgeRepository';

export const TOKEN_VARIABLE: Record<ForgeKind, string> = { github: 'GITHUB_TOKEN', gitlab: 'GITLAB_TOKEN' };
/** The forge's own CLI prints the token it is logged in with: `gh auth token` (cli.github.com/manual/gh_auth_token), `glab auth token`. */
const CLI: Record<ForgeKind, string> = { github: 'gh', gitlab: 'glab' };

/**
 * The token to call the forge with: the environment variable first, else the forge CLI's. Held in memory
 * only, sent only in the Authorization header to the forge's own API; undefined means anonymous.
 */
export async function forgeToken(forge: ForgeKind, env: NodeJS.ProcessEnv = process.env): Promise<string | undefined> {
  const fromEnv = env[TOKEN_VARIABLE[forge]]?.trim();
  if (fromEnv) return fromEnv;
  return new Promise((resolve) => {
    execFile(CLI[forge], ['auth', 'token'], { timeout: 5000, env }, (error, stdout) => resolve(error ? undefined : stdout.trim() || undefined));
  });
}

/** What a token changes, said once when there is none. */
export function anonymousNote(forge: ForgeKind): string {
  return forge === 'github'
    ? `No GitHub token (${TOKEN_VARIABLE.github} or \`gh auth login\`): public repositories only, 60 requests an hour, and no reviews, thread states or commits (GitHub's GraphQL API needs a token); with one, 5,000 requests an hour.`
    : `No GitLab token (${TOKEN_VARIABLE.gitlab} or \`glab auth login\`): public projects only, at GitLab's unauthenticated rate limit (a token raises it and reaches private projects).`;
}
