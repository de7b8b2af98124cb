import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Dismissals } from '../../src/core/review/dismissals';

const finding = { path: 'src/app.ts', rule: 'Never swallow an error' };

test('a dismissal holds while file, rule and code are the same (whitespace aside), is persisted, and keeps the newest when full', async () => {
  const saved: string[][] = [];
  const dismissals = new Dismissals([], (keys) => void saved.push(keys), 2);
  await dismissals.add(finding, '} catch (e) {}');
  assert.ok(dismissals.has(finding, '  }   catch (e)\t{}  '), 'reindented code is the same code');
  assert.ok(dismissals.has({ ...finding, rule: 'never swallow an error ' }, '} catch (e) {}'), 'the rule as the model words it again');
  assert.ok(!dismissals.has(finding, '} catch (e) { log(e); }'), 'changed code brings the finding back');
  assert.ok(!dismissals.has({ ...finding, path: 'src/other.ts' }, '} catch (e) {}'));

  const reloaded = new Dismissals(saved.at(-1), () => undefined, 2);
  assert.ok(reloaded.has(finding, '} catch (e) {}'), 'persisted keys survive a reload');

  await dismissals.add({ ...finding, rule: 'b' }, 'x');
  await dismissals.add({ ...finding, rule: 'c' }, 'y');
  assert.equal(saved.at(-1)!.length, 2);
  assert.ok(!dismissals.has(finding, '} catch (e) {}'), 'the oldest goes first');
  assert.ok(dismissals.has({ ...finding, rule: 'c' }, 'y'));
});
