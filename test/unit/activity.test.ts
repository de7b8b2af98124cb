import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Activity, type ActivityState } from '../../src/core/activity';

test('activity lists running tasks with their percent, drops them however they end, and notifies each change', async () => {
  const activity = new Activity();
  const states: ActivityState[] = [];
  const subscription = activity.onChange((state) => states.push(state));

  const indexing = activity.begin('indexing', 'style');
  indexing.report(12.7);
  indexing.report(12.9); // the same whole percent: no event
  await assert.rejects(
    activity.run('reviewing', 'src/app.ts', async () => {
      assert.deepEqual(activity.state.tasks.map((t) => [t.kind, t.percent]), [['indexing', 12], ['reviewing', undefined]]);
      throw new Error('model failed');
    }),
  );
  indexing.report(140);
  indexing.end();
  indexing.end();
  indexing.report(50); // after the end: ignored
  activity.ollamaSeen('http://127.0.0.1:11434', false);
  activity.ollamaSeen('http://127.0.0.1:11434', false);
  activity.modelChosen('qwen2.5-coder:7b', 'hybrid');
  subscription.dispose();
  activity.modelChosen('other');

  assert.deepEqual(
    states.map((s) => [s.tasks.map((t) => `${t.kind}${t.percent === undefined ? '' : ` ${t.percent}%`}`).join(','), s.ollama, s.model ?? '', s.route ?? '']),
    [
      ['indexing', 'unknown', '', ''],
      ['indexing 12%', 'unknown', '', ''],
      ['indexing 12%,reviewing', 'unknown', '', ''],
      ['indexing 12%', 'unknown', '', ''],
      ['indexing 100%', 'unknown', '', ''],
      ['', 'unknown', '', ''],
      ['', 'unreachable', '', ''],
      ['', 'unreachable', 'qwen2.5-coder:7b', 'hybrid'],
    ],
  );
  assert.equal(activity.state.model, 'other', 'state changes without listeners too');
});
