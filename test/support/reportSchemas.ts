import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';

const SCHEMA = path.resolve(import.meta.dirname, '..', 'fixtures', 'sarif', 'sarif-schema-2.1.0.json');

/** Asserts that a log is valid against the official SARIF 2.1.0 schema (kept in test/fixtures/sarif). */
export async function assertValidSarif(log: unknown): Promise<void> {
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats.default(ajv);
  assert.ok(ajv.validate(JSON.parse(await readFile(SCHEMA, 'utf8')), log), JSON.stringify(ajv.errors, null, 2));
}
