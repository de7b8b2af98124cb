// A real VS Code (code-server = VS Code's server and web workbench) with a fresh profile: the packaged VSIX is
// installed into an empty extensions folder and user settings are written before launch.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { waitUntil } from './workbench';

const run = promisify(execFile);
const SETUP = path.join(import.meta.dirname, 'setup.sh');

/** Node 24 and code-server from the cache that setup.sh fills (installing on the first run). */
export interface Toolchain {
  node: string;
  codeServer: string;
}

export async function installToolchain(): Promise<Toolchain> {
  const setup = run('bash', [SETUP], { maxBuffer: 16 * 1024 * 1024 });
  setup.child.stderr?.pipe(process.stderr); // what it installs, as it goes (minutes on a first run)
  const { stdout } = await setup;
  const cache = stdout.trim().split('\n').at(-1)!;
  const [nodeDir, serverDir] = await Promise.all(['node-', 'code-server-'].map(async (prefix) => path.join(cache, (await readdir(cache)).find((name) => name.startsWith(prefix))!)));
  return { node: path.join(nodeDir!, 'bin'), codeServer: path.join(serverDir!, 'node_modules', '.bin', 'code-server') };
}

export class CodeServer {
  private constructor(
    private readonly process: ChildProcess,
    readonly url: string,
    private readonly userDataDir: string,
  ) {}

  /**
   * Installs `vsix` into a fresh profile under `profileDir` with `settings` as the user settings, then serves
   * the workbench on a free loopback port.
   */
  static async start(toolchain: Toolchain, profileDir: string, vsix: string, settings: Record<string, unknown>): Promise<CodeServer> {
    const userDataDir = path.join(profileDir, 'user-data');
    const extensionsDir = path.join(profileDir, 'extensions');
    await mkdir(path.join(userDataDir, 'User'), { recursive: true });
    await writeFile(path.join(userDataDir, 'User', 'settings.json'), JSON.stringify(settings, null, 2));
    // Always a config file: without one even `--install-extension` writes into the home folder.
    const config = path.join(profileDir, 'config.yaml');
    await writeFile(config, 'auth: none\ncert: false\n');
    // HF_HUB_OFFLINE: the extension host inherits it, so no e2e run fetches the embedding model from the hub.
    // VSCODE_CLI: the server then gives the extension host this environment as it is, as when started from VS Code's
    // CLI, instead of a login shell's (resolveShellEnv in its server-main.js), whose /etc/profile resets PATH and so
    // lost the tour's llamafactory-cli stand-in.
    const env = { ...process.env, HF_HUB_OFFLINE: '1', VSCODE_CLI: '1', PATH: `${toolchain.node}:${process.env.PATH}` };
    const common = ['--config', config, '--user-data-dir', userDataDir, '--extensions-dir', extensionsDir, '--disable-telemetry', '--disable-update-check'];
    await run(toolchain.codeServer, [...common, '--install-extension', vsix], { env });

    const server = spawn(toolchain.codeServer, [...common, '--auth', 'none', '--bind-addr', '127.0.0.1:0'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const url = await new Promise<string>((resolve, reject) => {
      let output = '';
      const onData = (data: Buffer): void => {
        output += data.toString();
        const listening = /HTTP server listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
        if (listening) resolve(listening[1]!);
      };
      server.stdout.on('data', onData);
      server.stderr.on('data', onData);
      server.once('exit', (code) => reject(new Error(`code-server exited (${code}) before listening:\n${output}`)));
    });
    return new CodeServer(server, url, userDataDir);
  }

  /** The folder the installed extension lives in. */
  static async installedExtension(profileDir: string, id: string): Promise<string> {
    const extensionsDir = path.join(profileDir, 'extensions');
    const folder = (await readdir(extensionsDir)).find((name) => name.startsWith(`${id}-`));
    if (!folder) throw new Error(`${id} is not installed in ${extensionsDir}`);
    return path.join(extensionsDir, folder);
  }

  /** Every log file the server and its extension hosts wrote, joined (each file prefixed by its path). */
  async logs(): Promise<string> {
    const root = path.join(this.userDataDir, 'logs');
    const files = (await readdir(root, { recursive: true, withFileTypes: true }).catch(() => [])).filter((entry) => entry.isFile() && entry.name.endsWith('.log'));
    const texts = await Promise.all(files.map(async (entry) => `== ${path.join(entry.parentPath, entry.name)}\n${await readFile(path.join(entry.parentPath, entry.name), 'utf8')}`));
    return texts.join('\n');
  }

  /** Waits until a log line matches `pattern` (the extension host's own record of what it did), and returns it. */
  async waitForLog(pattern: RegExp): Promise<string> {
    const matching = async (): Promise<string | undefined> => (await this.logs()).split('\n').find((text) => pattern.test(text));
    await waitUntil(async () => (await matching()) !== undefined, `a log line matching ${pattern}`);
    return (await matching())!;
  }

  async stop(): Promise<void> {
    if (this.process.exitCode !== null) return;
    const exited = new Promise((resolve) => this.process.once('exit', resolve));
    this.process.kill('SIGTERM');
    await exited;
  }
}
