'use strict';
// End to end: the extension's code with the real git-trace binary (GIT_TRACE_BINARY,
// else the debug build) in a temporary repository: a completion accepted through the
// wrapped command, typing around it, a save, a commit; the record says which lines.
const test = require('node:test');
const assert = require('node:assert/strict');
const childProcess = require('child_process');
const fs = require('fs');
const path = require('path');
const { createFakeVSCode, FakeDocument } = require('./fake-vscode');
const { Controller } = require('../lib/controller');
const { GitTrace } = require('../lib/trace');
const { sandbox, binary } = require('./sandbox');

test('an accepted completion is the agent’s and the typing around it the person’s, in the signed record', async (t) => {
  assert.ok(fs.existsSync(binary), `no git-trace at ${binary}: build it first (swift build)`);
  const { root, repository, sh, signer } = sandbox();
  t.after(() => fs.rmSync(root, { recursive: true, force: true }));
  const file = path.join(repository, 'app.js');
  fs.writeFileSync(file, 'one\ntwo\n');
  sh('git', ['add', '-A'], repository);
  sh('git', ['commit', '-q', '-m', 'base'], repository);

  const { vscode, test: fake } = createFakeVSCode();
  const controller = new Controller(vscode, { trace: new GitTrace({ binary }) }).activate(fake.context());
  const document = new FakeDocument(file, 'one\ntwo\n');
  const editor = await fake.open(document);
  // VS Code's own accept command, faked: the suggestion showing is two lines.
  vscode.commands.registerCommand('editor.action.inlineSuggest.commit', () => {
    document.setText(document.getText() + 'function add(a, b) {\n  return a + b;\n}\n');
  });
  document.setText(document.getText() + 'typed before\n'); // typing, not saved
  await vscode.commands.executeCommand('sessiontrace.inlineSuggest.commit');
  document.setText(document.getText() + 'typed after\n');
  fs.writeFileSync(file, document.getText());
  await fake.save(document);
  assert.deepEqual(fake.outputs[0].lines, [], 'nothing went wrong');
  sh('git', ['add', '-A'], repository);
  sh('git', ['commit', '-q', '-m', 'with a completion'], repository);

  const blamed = JSON.parse(sh(binary, ['blame', 'app.js', '--json'], repository));
  assert.deepEqual(
    blamed.map((line) => [line.line, line.origin, line.agent || null, line.model_id || null]),
    [
      [1, 'human', null, null],
      [2, 'human', null, null],
      [3, 'human', null, null],
      [4, 'ai', 'copilot', 'unknown/unknown'],
      [5, 'ai', 'copilot', 'unknown/unknown'],
      [6, 'ai', 'copilot', 'unknown/unknown'],
      [7, 'human', null, null],
    ],
  );
  // The record verifies with the committer's key as the trust.
  const trust = path.join(root, 'allowed_signers');
  fs.writeFileSync(trust, signer + '\n');
  const verified = childProcess.spawnSync(binary, ['verify', '--trust', trust], { cwd: repository, encoding: 'utf8' });
  assert.equal(verified.status, 0, verified.stdout + verified.stderr);
  // blame says whether the record a line's origin comes from verified.
  assert.equal(blamed[3].verified, false);
  const trusted = JSON.parse(sh(binary, ['blame', 'app.js', '--json', '--trust', trust], repository));
  assert.deepEqual(trusted.map((line) => line.verified), [true, true, true, true, true, true, true]);

  // The editor shows it: the commit moved HEAD, so blame runs again.
  await controller.refresh(editor);
  assert.deepEqual(editor.linesOf('ai'), [3, 4, 5]);
  assert.deepEqual(editor.linesOf('human'), [0, 1, 2, 6]);
  assert.equal(fake.statusItems[0].text, 'AI 43%');
  assert.match(controller.hover(document, { line: 3 }).contents.value, /agent copilot[\s\S]*not checked against a trust file/);
});
