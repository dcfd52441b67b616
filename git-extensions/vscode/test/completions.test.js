'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const path = require('path');
const { createFakeVSCode, FakeDocument, FakeEditor } = require('./fake-vscode');
const { ACCEPT_COMMANDS, acceptHandler, registerAcceptCommands } = require('../lib/completions');

/** A trace that records what it was asked to capture. */
function recordingTrace(failure = null) {
  const calls = [];
  return {
    calls,
    captureCompletion: async (file, before, after, options) => {
      calls.push({ file, before, after, options });
      return failure;
    },
  };
}

const settings = (overrides = {}) => () => Object.assign({ captureEnabled: true, agent: 'copilot' }, overrides);

/** VS Code's accept command, faked: what the suggestion inserts when accepted. */
function withSuggestion(vscode, document, command, accepted) {
  vscode.commands.registerCommand(command, () => {
    if (accepted === null) return undefined; // no suggestion showing: nothing happens
    if (accepted instanceof Error) throw accepted;
    document.setText(document.getText() + accepted);
    return undefined;
  });
}

function setup(text, { accepted, command = 'editor.action.inlineSuggest.commit', documentOptions, trace, chosen } = {}) {
  const { vscode } = createFakeVSCode();
  const document = new FakeDocument('/repo/a.js', text, documentOptions);
  vscode.window.activeTextEditor = new FakeEditor(document);
  withSuggestion(vscode, document, command, accepted);
  const reported = [];
  const recorder = trace || recordingTrace();
  const handler = acceptHandler(vscode, recorder, command, {
    settings: chosen || settings(),
    report: (message) => reported.push(message),
  });
  return { vscode, document, trace: recorder, handler, reported };
}

test('an accepted completion is sent with the text before and after it', async () => {
  const { handler, trace, document } = setup('const a = 1;\n', { accepted: 'function add(x, y) {\n  return x + y;\n}\n' });
  assert.equal(await handler(), true);
  assert.deepEqual(trace.calls, [
    {
      file: '/repo/a.js',
      before: 'const a = 1;\n',
      after: 'const a = 1;\nfunction add(x, y) {\n  return x + y;\n}\n',
      options: { agent: 'copilot', model: undefined },
    },
  ]);
  assert.equal(document.getText(), trace.calls[0].after);
});

test('a partial accept is sent for the part accepted only', async () => {
  const word = setup('let total = ', { accepted: 'sum', command: 'editor.action.inlineSuggest.acceptNextWord' });
  await word.handler();
  assert.deepEqual([word.trace.calls[0].before, word.trace.calls[0].after], ['let total = ', 'let total = sum']);
  const line = setup('if (x) {\n', { accepted: '  return 1;\n', command: 'editor.action.inlineSuggest.acceptNextLine' });
  await line.handler();
  assert.equal(line.trace.calls[0].after, 'if (x) {\n  return 1;\n');
});

test('the model and agent the settings name go with the edit', async () => {
  const { handler, trace } = setup('', {
    accepted: 'x\n',
    chosen: settings({ agent: 'codeium', model: 'windsurf/swe-1' }),
  });
  await handler();
  assert.deepEqual(trace.calls[0].options, { agent: 'codeium', model: 'windsurf/swe-1' });
});

test('nothing is captured when no suggestion was accepted', async () => {
  const { handler, trace } = setup('text\n', { accepted: null });
  assert.equal(await handler(), false);
  assert.deepEqual(trace.calls, []);
});

test('nothing is captured when the accept command fails, and the failure is not hidden', async () => {
  const { handler, trace } = setup('text\n', { accepted: new Error('no inline suggestion controller') });
  await assert.rejects(handler(), /no inline suggestion controller/);
  assert.deepEqual(trace.calls, []);
});

test('with capture off, or for a document capture cannot read, the accept still happens and nothing is sent', async () => {
  const off = setup('a\n', { accepted: 'b\n', chosen: settings({ captureEnabled: false }) });
  await off.handler();
  assert.equal(off.document.getText(), 'a\nb\n');
  assert.deepEqual(off.trace.calls, []);
  const untitled = setup('a\n', { accepted: 'b\n', documentOptions: { scheme: 'untitled' } });
  await untitled.handler();
  assert.deepEqual(untitled.trace.calls, []);
  const latin1 = setup('a\n', { accepted: 'b\n', documentOptions: { encoding: 'iso88591' } });
  await latin1.handler();
  assert.equal(latin1.document.getText(), 'a\nb\n');
  assert.deepEqual(latin1.trace.calls, []);
});

test('a person typing is never sent as a completion', async () => {
  const { handler, trace, document } = setup('a\n', { accepted: 'ai line\n' });
  document.setText('a\ntyped by hand\n');
  await handler();
  document.setText(document.getText() + 'more typing\n');
  assert.equal(trace.calls.length, 1);
  assert.equal(trace.calls[0].before, 'a\ntyped by hand\n');
  assert.equal(trace.calls[0].after, 'a\ntyped by hand\nai line\n');
});

test('a capture that fails is reported, and the accepted text stays', async () => {
  const { handler, document, reported } = setup('a\n', {
    accepted: 'b\n',
    trace: recordingTrace('git-trace capture: cannot write the working log'),
  });
  assert.equal(await handler(), false);
  assert.equal(document.getText(), 'a\nb\n');
  assert.deepEqual(reported, ['completion not captured: git-trace capture: cannot write the working log']);
});

test('each accept command is wrapped, and bound to the keys that accept', async () => {
  const { vscode, test: fake } = createFakeVSCode();
  registerAcceptCommands(vscode, recordingTrace(), { settings: settings(), report() {} });
  assert.deepEqual([...fake.commands.keys()].sort(), Object.keys(ACCEPT_COMMANDS).sort());
  const manifest = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8'));
  const bound = manifest.contributes.keybindings.map((binding) => binding.command).sort();
  assert.deepEqual(bound, Object.keys(ACCEPT_COMMANDS).sort());
  for (const binding of manifest.contributes.keybindings) {
    assert.match(binding.when, /inlineSuggestionVisible/);
    assert.match(binding.when, /config\.sessiontrace\.capture\.enabled/);
  }
  const declared = manifest.contributes.commands.map((command) => command.command);
  for (const id of Object.keys(ACCEPT_COMMANDS)) assert.ok(declared.includes(id), id);
  // Each of ours runs VS Code's own command of the same kind.
  for (const [ours, original] of Object.entries(ACCEPT_COMMANDS)) {
    assert.equal(ours.split('.').pop(), original.split('.').pop());
  }
});
