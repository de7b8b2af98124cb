import { gitText } from '../../git/gitProcess';

/** A forge URL (`https://host/owner/name.git`, `ssh://git@host/owner/name`, `git@host:owner/name.git`), not a local path. */
const FORGE_URL = /^(?:[a-z][a-z0-9+.-]*:\/\/[^/]+\/|[^/@\s]+@[^/:\s]+:)(?:.*\/)?([^/]+\/[^/]+?)(?:\.git)?\/?$/i;

/**
 * `owner/name` of the forge repository a remote points at, lower-cased; undefined when the remote is absent or
 * is no forge URL (a clone of a local path or mirror names no pull requests).
 */
export async function remoteRepository(repo: string, remote: string, signal?: AbortSignal): Promise<string | undefined> {
  const url = (await gitText(repo, ['remote', 'get-url', '--end-of-options', remote], signal).catch(() => '')).trim();
  return FORGE_URL.exec(url)?.[1]?.toLowerCase();
}

/** The skip record a build yields when pull requests cannot be keyed to a forge repository, with the fix. */
export function unkeyedPullRequests(remote: string): { source: string; reason: string } {
  return {
    source: `remote ${remote}`,
    reason:
      `pull requests could not be keyed: the remote "${remote}" is absent or not a forge URL (a local path), so pull-request numbers join no forge's review comments. ` +
      'Add a remote for the forge repository (git remote add upstream https://github.com/OWNER/NAME) and set "dataset": { "remote": "upstream" } in .housestyle/config.json',
  };
}
