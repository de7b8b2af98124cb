import * as path from 'node:path';
import type { Config } from '../config';

/** index.uri as LanceDB needs it: object-storage URIs as they are, paths resolved against the workspace. */
export function indexUri(workspace: string, config: Config): string {
  const uri = config.index.uri;
  return isObjectStorageUri(uri) ? uri : path.resolve(workspace, uri);
}

/** A URI with a scheme (`s3://…`, `gs://…`), as opposed to a folder on this machine. */
export function isObjectStorageUri(uri: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(uri);
}
