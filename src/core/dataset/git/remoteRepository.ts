import { gitText } from './gitProcess';

/**
 * `owner/name` of the repository a remote points at (`https://host/owner/name.git`, `git@host:owner/name.git`,
 * `ssh://git@host/owner/name`), lower-cased; undefined when the remote is absent or its URL has no such path.
 */
export async function remoteRepository(repo: string, remote: string, signal?: AbortSignal): Promise<string | undefined> {
  const url = (await gitText(repo, ['remote', 'get-url', '--end-of-options', remote], signal).catch(() => '')).trim();
  const match = /[/:]([^/:]+\/[^/]+?)(?:\.git)?\/?$/.exec(url);
  return match?.[1]?.toLowerCase();
}
