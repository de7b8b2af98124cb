import { HouseStyleError } from './errors';

export const DEFAULT_OLLAMA_HOST = 'http://127.0.0.1:11434';

/** What the user (never the repository) says about where code under review may be sent. */
export interface HostChoice {
  /** A host the user gave: `--host`, or the editor's user settings. */
  user?: string;
  /** Its OLLAMA_HOST is the user's choice too. */
  env?: NodeJS.ProcessEnv;
  /** Asked when the repository's configuration names a host off this machine; true lets code go there. */
  confirmRepositoryHost?: (host: string) => boolean | Promise<boolean>;
}

/**
 * The Ollama host code is sent to. The user's choice wins (`--host` or user settings, then
 * OLLAMA_HOST); a host the repository's configuration names is used when it is this machine, or
 * once the user confirms it, so a pull request that edits the configuration cannot send the code
 * under review to its own server.
 */
export async function chooseOllamaHost(repositoryHost: string | undefined, choice: HostChoice): Promise<string> {
  const user = choice.user?.trim() || choice.env?.OLLAMA_HOST?.trim();
  if (user) return user;
  if (!repositoryHost) return DEFAULT_OLLAMA_HOST;
  if (isLoopbackHost(repositoryHost) || (await choice.confirmRepositoryHost?.(repositoryHost))) return repositoryHost;
  throw new HouseStyleError(
    `The repository's configuration (ollama.host) would send code to ${repositoryHost}, which is not this machine; nothing was sent.`,
    'If you trust that host, pass --allow-repo-host (the editor asks once per workspace); otherwise set OLLAMA_HOST or pass --host.',
    'host-not-confirmed',
    { fix: ['set-ollama-host'] },
  );
}

/** localhost, 127.0.0.0/8 or ::1, with or without scheme and port. */
export function isLoopbackHost(host: string): boolean {
  let name: string;
  try {
    name = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(host) ? host : `http://${host}`).hostname.replace(/^\[|\]$/g, '');
  } catch {
    return false;
  }
  return name === 'localhost' || name === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(name);
}
