import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';

const SCHEMA = path.resolve(import.meta.dirname, '..', 'fixtures', 'sarif', 'sarif-schema-2.1.0.json');

const CODE_QUALITY_SCHEMA = path.resolve(import.meta.dirname, '..', 'fixtures', 'codequality', 'gitlab-code-quality.schema.json');

async function assertValid(schema: string, document: unknown): Promise<void> {
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats.default(ajv);
  assert.ok(ajv.validate(JSON.parse(await readFile(schema, 'utf8')), document), JSON.stringify(ajv.errors, null, 2));
}

/** Asserts that a log is valid against the official SARIF 2.1.0 schema (kept in test/fixtures/sarif). */
export function assertValidSarif(log: unknown): Promise<void> {
  return assertValid(SCHEMA, log);
}

/** Asserts that a report has the shape GitLab's Code Quality report format requires (test/fixtures/codequality). */
export function assertValidCodeQuality(report: unknown): Promise<void> {
  return assertValid(CODE_QUALITY_SCHEMA, report);
}
