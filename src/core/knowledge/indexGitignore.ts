import { writeFile } from 'node:fs/promises';
import * as path from 'node:path';

/**
 * Gives a local index folder its own `.gitignore` (`*`), so Source Control never lists the index's files, whatever
 * the workspace's own ignore rules say. Object-storage URIs (not paths) have no git to hide from.
 */
export async function keepIndexOutOfGit(uri: string): Promise<void> {
  if (!path.isAbsolute(uri)) return;
  try {
    await writeFile(path.join(uri, '.gitignore'), '# House Style\'s knowledge index: rebuilt from the docs, never committed.\n*\n', { flag: 'wx' });
  } catch {
    // Already there (kept as the user left it), or a read-only index: searching it still works.
  }
}
