import picomatch from 'picomatch';

/**
 * Matches repository paths the way a pathspec does for the common cases: a file, a folder and everything
 * under it, or a glob. No paths means every path matches.
 */
export function pathFilter(paths: string[] | undefined): (path: string | null) => boolean {
  if (!paths?.length) return () => true;
  const tests = paths.map((raw) => {
    const spec = raw.replace(/^\.\//, '').replace(/\/+$/, '');
    if (picomatch.scan(spec).isGlob) return picomatch(spec, { dot: true });
    return (path: string) => path === spec || path.startsWith(`${spec}/`) || spec === '' || spec === '.';
  });
  return (path) => path !== null && tests.some((test) => test(path));
}
