import assert from 'node:assert/strict';
import { test } from 'node:test';
import { retryCommitConflicts } from '../../src/core/knowledge/commitRetry';

// LanceDB's text when another writer committed first (as the losing index run printed it).
const CONFLICT = 'lance error: Retryable commit conflict for version 7: This MergeInsert transaction was preempted by concurrent transaction Update at version 7. Please retry.';

test('a write that lost a commit race is redone; other failures and endless conflicts are not hidden', async () => {
  let attempts = 0;
  assert.equal(await retryCommitConflicts(async () => (++attempts < 3 ? Promise.reject(new Error(CONFLICT)) : 'written')), 'written');
  assert.equal(attempts, 3);

  attempts = 0;
  await assert.rejects(retryCommitConflicts(async () => (attempts++, Promise.reject(new Error('lance error: Not found: data/x.lance')))), /Not found/);
  assert.equal(attempts, 1, 'not a conflict: not retried');

  attempts = 0;
  await assert.rejects(retryCommitConflicts(async () => (attempts++, Promise.reject(new Error(CONFLICT)))), /Retryable commit conflict/);
  assert.equal(attempts, 5, 'gives up after five attempts');
});
