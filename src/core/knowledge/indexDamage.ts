import { HouseStyleError } from '../errors';

/**
 * Turns what LanceDB throws about the files under an index into one line a user can act on: a
 * full disk, a location that cannot hold an index, or a damaged index (missing or cut-off data,
 * manifest or search-index files) that `housestyle index --rebuild` replaces. Anything else is
 * returned unchanged. LanceDB's text (Rust source paths and all) stays in `cause`, for the log.
 */
export function explainIndexFailure(error: unknown, uri: string): unknown {
  if (error instanceof HouseStyleError || !(error instanceof Error)) return error;
  const text = error.message;
  const code = (error as NodeJS.ErrnoException).code ?? '';
  if (code === 'ENOSPC' || code === 'EDQUOT' || /no space left on device|os error 28|quota exceeded|os error 122/i.test(text)) {
    return new HouseStyleError(`The disk holding the index at ${uri} is full.`, 'Free some space (or point index.uri elsewhere) and run it again; the index is kept as it was.', 'disk-full', { cause: error });
  }
  if (['ENOTDIR', 'EEXIST', 'EACCES', 'EPERM', 'EROFS'].includes(code) || /permission denied|os error 13|read-only file system|os error 30/i.test(text)) {
    return new HouseStyleError(`The index location ${uri} is not a writable folder.`, 'Check index.uri in the configuration and the folder\'s permissions.', 'index-unavailable', { cause: error });
  }
  const damage = damageOf(text);
  if (damage) {
    return new HouseStyleError(`The index at ${uri} is damaged: ${damage}.`, 'Rebuild it with `housestyle index --rebuild` (or "House Style: Rebuild Index").', 'index-damaged', { cause: error, fix: ['rebuild-index'] });
  }
  return error;
}

/** What is wrong, from LanceDB's message; undefined when it is not about damaged index files. */
function damageOf(text: string): string | undefined {
  // LanceDB 0.31 reports a table folder without manifests as "Table … was not found … Caused by: Dataset at path …".
  if (!/lance ?error|could not be loaded|corrupt|Caused by: Dataset at path/i.test(text)) return undefined;
  if (/_versions|manifest|could not be loaded|file size is too small/i.test(text)) return 'its version manifest is missing or cut off';
  if (/_indices/i.test(text)) return 'its search index files are missing or cut off';
  if (/Not a directory|os error 20/i.test(text)) return 'its table folder is not a folder';
  if (/Not found: .*\/data\//i.test(text)) return 'a data file is missing';
  if (/failed to fill whole buffer|Invalid range|unexpected end|out of range|invalid (data|file|footer)|magic/i.test(text)) return 'a file is cut off or overwritten';
  if (/Not found/i.test(text)) return 'a file is missing';
  return undefined;
}
