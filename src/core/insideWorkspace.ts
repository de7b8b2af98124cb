import { realpath } from 'node:fs/promises';
import * as path from 'node:path';

/**
 * Where a workspace file really lives, links resolved, if that is inside the workspace (itself
 * resolved); undefined when it lies outside or does not exist. Nothing outside the workspace is
 * ever read, however a path or link was planted.
 */
export async function realPathInside(workspace: string, file: string): Promise<string | undefined> {
  const [root, real] = await Promise.all([realpath(workspace).catch(() => path.resolve(workspace)), realpath(path.resolve(workspace, file)).catch(() => undefined)]);
  if (real === undefined) return undefined;
  const relative = path.relative(root, real);
  return relative === '' || isOutside(relative) ? undefined : real;
}

/** Whether a path relative to a folder climbs out of it (`..`, `../x`, or another drive). */
export function isOutside(relative: string): boolean {
  return relative === '..' || relative.startsWith(`..${path.sep}`) || relative.startsWith('../') || path.isAbsolute(relative);
}
