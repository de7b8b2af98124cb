import { mkdir, writeFile } from 'node:fs/promises';
import * as path from 'node:path';

/** The workspace folder House Style keeps its files in. */
export const HOUSESTYLE_FOLDER = '.housestyle';

/**
 * What git may see of `.housestyle/`: the team's configuration and rules. Everything else there (the index, caches,
 * datasets, training runs, evaluation reports, the model registry, logs) is rebuilt or personal, and this file
 * ignores itself too, so that Source Control lists no House Style file a user did not write.
 */
const GITIGNORE = `# Written by House Style: its own files are rebuilt or personal; the team's config and rules are shared.
*
!config.json
!rules/
!rules/**
`;

/**
 * Creates `.housestyle/` with its `.gitignore` before House Style first writes there. An existing `.gitignore` is
 * the user's (or an earlier run's) and is kept as it is.
 */
export async function prepareHouseStyleFolder(workspace: string): Promise<string> {
  const folder = path.join(workspace, HOUSESTYLE_FOLDER);
  await mkdir(folder, { recursive: true });
  await writeFile(path.join(folder, '.gitignore'), GITIGNORE, { flag: 'wx' }).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'EEXIST') throw error;
  });
  return folder;
}
