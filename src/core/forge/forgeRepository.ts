import { HouseStyleError } from '../errors';
import { gitText } from '../git/gitProcess';

export type ForgeKind = 'github' | 'gitlab';

/** A repository on a forge, and where that forge's API answers. */
export interface ForgeRepository {
  forge: ForgeKind;
  /** `owner/name` (GitHub) or `group/subgroup/project` (GitLab), as the forge spells it. */
  path: string;
  /** REST root: `https://api.github.com`, `https://HOST/api/v3` (GitHub Enterprise Server), `https://HOST/api/v4` (GitLab). */
  apiUrl: string;
  /** GitHub's GraphQL endpoint (`/graphql` on github.com, `/api/graphql` on Enterprise Server); GitLab: unused. */
  graphqlUrl: string;
  /**
   * The origins a token may be sent to: github.com's or gitlab.com's API always, and the API root only when the
   * user named it (a `github:HOST/…` target or an API URL they gave). A host that only the workspace's git remote
   * names gets no token: workspace content never decides where a secret goes.
   */
  tokenOrigins: string[];
}

/** The public forges' API origins, the only ones a token goes to without the user naming a host. */
const PUBLIC_API_ORIGINS: Record<ForgeKind, string> = { github: 'https://api.github.com', gitlab: 'https://gitlab.com' };

const HINT = 'Name it as github:OWNER/REPO or gitlab:GROUP/PROJECT, or set dataset.remote to a git remote on github.com, gitlab.com or a host named github.* / gitlab.*.';

/**
 * The REST and GraphQL roots for a forge host. github.com's API has its own host; Enterprise Server serves
 * `/api/v3` and `/api/graphql` on the instance (docs.github.com/enterprise-server/rest/quickstart); GitLab serves
 * `/api/v4` (docs.gitlab.com/api/rest). `apiUrl` overrides both (a proxy, or a test's stand-in).
 */
function endpoints(forge: ForgeKind, host: string, apiUrl?: string): Pick<ForgeRepository, 'apiUrl' | 'graphqlUrl'> {
  if (apiUrl) {
    const root = apiUrl.replace(/\/+$/, '');
    return { apiUrl: root, graphqlUrl: forge === 'github' ? root.replace(/\/api\/v3$/, '/api') + '/graphql' : `${root}/graphql` };
  }
  if (forge === 'gitlab') return { apiUrl: `https://${host}/api/v4`, graphqlUrl: `https://${host}/api/graphql` };
  if (host === 'github.com') return { apiUrl: 'https://api.github.com', graphqlUrl: 'https://api.github.com/graphql' };
  return { apiUrl: `https://${host}/api/v3`, graphqlUrl: `https://${host}/api/graphql` };
}

/** The repository at these endpoints; `namedByUser` says whether the user (not the workspace) chose its host. */
function repositoryAt(forge: ForgeKind, repoPath: string, found: Pick<ForgeRepository, 'apiUrl' | 'graphqlUrl'>, namedByUser: boolean): ForgeRepository {
  const origins = new Set([PUBLIC_API_ORIGINS[forge]]);
  if (namedByUser) for (const url of [found.apiUrl, found.graphqlUrl]) origins.add(new URL(url).origin);
  return { forge, path: repoPath, ...found, tokenOrigins: [...origins] };
}


/**
 * `github:owner/repo` or `gitlab:group/project` (optionally `github:HOST/owner/repo` for an enterprise host), as the
 * user typed it: a host or API URL in it is the user's choice, so the token may go there.
 */
export function parseForgeTarget(spec: string, apiUrl?: string): ForgeRepository {
  const match = /^(github|gitlab):(.+)$/.exec(spec.trim());
  if (!match) throw new HouseStyleError(`"${spec}" does not name a forge repository.`, HINT, 'usage');
  const forge = match[1] as ForgeKind;
  let rest = match[2]!.replace(/\.git$/, '').replace(/^\/+|\/+$/g, '');
  let host = forge === 'github' ? 'github.com' : 'gitlab.com';
  const parts = rest.split('/');
  if (parts.length > 2 && parts[0]!.includes('.') && (forge === 'gitlab' ? parts.length >= 3 : true)) {
    host = parts[0]!;
    rest = parts.slice(1).join('/');
  }
  const segments = rest.split('/');
  const valid = segments.every((s) => /^[A-Za-z0-9_.-]+$/.test(s) && s !== '.' && s !== '..');
  if (!valid || segments.length < 2 || (forge === 'github' && segments.length !== 2)) {
    throw new HouseStyleError(`"${spec}" is not a repository path (${forge === 'github' ? 'OWNER/REPO' : 'GROUP/PROJECT'}).`, HINT, 'usage');
  }
  return repositoryAt(forge, rest, endpoints(forge, host, checkedApiUrl(apiUrl)), true);
}

/**
 * The forge repository a remote URL points at (`https://host/a/b.git`, `git@host:a/b.git`, `ssh://git@host/a/b`).
 * The remote is workspace content: only an `apiUrl` from the user makes its host a place for the token.
 */
export function forgeOfRemoteUrl(url: string, apiUrl?: string): ForgeRepository | undefined {
  const match = /^(?:[a-z+]+:\/\/)?(?:[^@/]+@)?([^/:]+)(?::\d+)?[/:](.+?)(?:\.git)?\/?$/i.exec(url.trim());
  if (!match) return undefined;
  const host = match[1]!.toLowerCase();
  const forge: ForgeKind | undefined = /(^|\.)github\./.test(host) || host === 'github.com' ? 'github' : /(^|\.)gitlab\./.test(host) ? 'gitlab' : undefined;
  if (!forge) return undefined;
  const repoPath = match[2]!.replace(/^\/+/, '');
  if (forge === 'github' && repoPath.split('/').length !== 2) return undefined;
  return repositoryAt(forge, repoPath, endpoints(forge, host, checkedApiUrl(apiUrl)), apiUrl !== undefined);
}

function checkedApiUrl(apiUrl: string | undefined): string | undefined {
  if (apiUrl === undefined || /^https?:$/.test(URL.canParse(apiUrl) ? new URL(apiUrl).protocol : '')) return apiUrl;
  throw new HouseStyleError(`The forge's API URL must be an http(s) URL, not "${apiUrl}".`, 'For example: https://github.example.com/api/v3', 'usage');
}

/** The forge repository named by `spec`, else the one the git remote (dataset.remote) points at. */
export async function resolveForgeRepository(options: { spec?: string; repo: string; remote: string; apiUrl?: string; signal?: AbortSignal }): Promise<ForgeRepository> {
  if (options.spec) return parseForgeTarget(options.spec, options.apiUrl);
  const url = (await gitText(options.repo, ['remote', 'get-url', '--end-of-options', options.remote], options.signal).catch(() => '')).trim();
  const found = url ? forgeOfRemoteUrl(url, options.apiUrl) : undefined;
  if (found) return found;
  const why = url ? `the git remote "${options.remote}" (${url.replace(/\/\/[^@/]*@/, '//')}) is not on a forge House Style knows` : `there is no git remote "${options.remote}"`;
  throw new HouseStyleError(`Which forge repository to fetch from is unknown: ${why}.`, HINT, 'usage');
}
