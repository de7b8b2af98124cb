import { createHash } from 'node:crypto';

/** Hex SHA-256 of the parts, separated so that ("ab","c") and ("a","bc") differ. */
export function sha256(...parts: (string | Uint8Array)[]): string {
  const hash = createHash('sha256');
  for (const part of parts) {
    hash.update(part);
    hash.update('\0');
  }
  return hash.digest('hex');
}
