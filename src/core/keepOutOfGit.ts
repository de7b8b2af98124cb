import { mkdir, writeFile } from 'node:fs/promises';
import * as path from 'node:path';

/**
 * What House Style generates in `.housestyle/`: rebuilt or large, personal, and for adapters and datasets possibly
 * sensitive. `models.json` and `config.json` are not listed: the team shares them.
 */
const GENERATED = ['index/', 'datasets/', 'training/', 'adapters/', 'eval/'];

/**
 * Writes `.housestyle/.gitignore` naming the generated folders, once: a file the team already has (edited or not)
 * is kept as it is.
 */
export async function keepGeneratedOutOfGit(workspace: string): Promise<void> {
  const folder = path.join(workspace, '.housestyle');
  await mkdir(folder, { recursive: true });
  const text = `# Written by House Style: generated folders, never committed (models.json and config.json are shared).\n${GENERATED.join('\n')}\n`;
  await writeFile(path.join(folder, '.gitignore'), text, { flag: 'wx' }).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'EEXIST') throw error;
  });
}
