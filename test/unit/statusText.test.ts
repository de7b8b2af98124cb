import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Activity } from '../../src/core/activity';
import { CHECK_OLLAMA_COMMAND, FOCUS_COMMAND, SHOW_LOG_COMMAND, statusView } from '../../src/vscode/statusText';

test('the status bar follows the activity: idle with model and route, busy with percent, Ollama unreachable with a way to check again', () => {
  const activity = new Activity();
  assert.deepEqual([statusView(activity.state).text, statusView(activity.state).command], ['$(law) House Style', FOCUS_COMMAND]);

  activity.modelChosen('qwen2.5-coder:7b', 'hybrid');
  activity.ollamaSeen('http://127.0.0.1:11434', true);
  assert.equal(statusView(activity.state).text, '$(law) House Style: qwen2.5-coder:7b · hybrid');
  assert.match(statusView(activity.state).tooltip, /on http:\/\/127\.0\.0\.1:11434 \(reachable\)/);

  const indexing = activity.begin('indexing', 'style');
  indexing.report(40);
  const review = activity.begin('reviewing', 'src/app.ts');
  const busy = statusView(activity.state);
  assert.deepEqual([busy.text, busy.command, busy.warning], ['$(sync~spin) House Style: indexing 40% (+1)', SHOW_LOG_COMMAND, false]);
  assert.deepEqual(busy.tooltip.split('\n').slice(0, 2), ['indexing 40% style', 'reviewing src/app.ts']);
  indexing.end();
  assert.equal(statusView(activity.state).text, '$(sync~spin) House Style: reviewing');

  activity.ollamaSeen('http://gpu-box:11434', false);
  review.end();
  const down = statusView(activity.state);
  assert.deepEqual([down.text, down.command, down.warning], ['$(warning) House Style: Ollama unreachable', CHECK_OLLAMA_COMMAND, true]);
  assert.match(down.tooltip, /http:\/\/gpu-box:11434/);
});
