import * as path from 'node:path';
import type { Config } from '../config';

/** index.uri as LanceDB needs it: object-storage URIs as they are, paths resolved against the workspace. */
export function indexUri(workspace: string, config: Config): string {
  const uri = config.index.uri;
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(uri) ? uri : path.resolve(workspace, uri);
}
