/**
 * Quotes a value as a LanceDB (DataFusion SQL) string literal. Workspace paths are user data:
 * a file named `x' OR 1=1 --.md` must stay a string, never become part of the predicate.
 */
export function sqlString(value: string): string {
  if (value.includes('\0')) throw new Error('NUL characters cannot appear in a filter value');
  return `'${value.replaceAll("'", "''")}'`;
}

export function sqlStringList(values: readonly string[]): string {
  return `(${values.map(sqlString).join(', ')})`;
}
