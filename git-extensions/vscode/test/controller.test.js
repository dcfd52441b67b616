'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { createFakeVSCode, FakeDocument } = require('./fake-vscode');
const { Controller } = require('../lib/controller');

/** Files on disk under two repository roots and one outside any. */
const base = fs.mkdtempSync(path.join(os.tmpdir(), 'sessiontrace-vscode-'));
const roots = { one: path.join(base, 'one'), two: path.join(base, 'two'), none: path.join(base, 'none') };
for (const directory of Object.values(roots)) fs.mkdirSync(directory, { recursive: true });
test.after(() => fs.rmSync(base, { recursive: true, force: true }));

function file(root, name, text) {
  const where = path.join(root, name);
  fs.writeFileSync(where, text);
  return where;
}

function blameOf(text, origins) {
  return text
    .replace(/\n$/, '')
    .split('\n')
    .map((content, index) => ({
      line: index + 1,
      content,
      origin: origins[index],
      commit: 'ab'.repeat(20),
      agent: origins[index] === 'ai' ? 'copilot' : undefined,
      verified: true,
    }));
}

/** A fake of lib/trace.js's GitTrace: fixed blame per file, every call recorded. */
function fakeTrace(blames, { state = () => 'head notes' } = {}) {
  const calls = [];
  const fake = {
    calls,
    blames,
    repositoryOf: async (where) => fake.repositoryAt(path.dirname(where)),
    repositoryAt: async (directory) => {
      for (const root of [roots.one, roots.two]) {
        if (directory === root || directory.startsWith(root + path.sep)) return root;
      }
      return null;
    },
    stateOf: async (root) => state(root),
    gitDirectories: async (root) => ({ own: path.join(root, '.git'), common: path.join(root, '.git') }),
    blame: async (where) => {
      calls.push(['blame', where]);
      return { lines: blames[where] };
    },
    captureSave: async (where, text) => {
      calls.push(['save', where, text]);
      return null;
    },
    captureCompletion: async (where, before, after) => {
      calls.push(['completion', where, before, after]);
      return null;
    },
    trace: async (args, { cwd }) => {
      calls.push(['trace', cwd, ...args]);
      if (args[0] === 'report') return { status: 0, stdout: '<html><body>report</body></html>', stderr: '' };
      if (args[0] === 'verify') return { status: 0, stdout: 'ok: 3 of 3 records verified\n', stderr: '' };
      if (args[0] === 'hooks') return { status: 0, stdout: `installed ${args[3]} hooks\n`, stderr: '' };
      return { status: 0, stdout: '', stderr: '' };
    },
  };
  return fake;
}

function start(blames, options = {}) {
  const { vscode, test: fake } = createFakeVSCode(options);
  const trace = fakeTrace(blames, options);
  const context = fake.context();
  const controller = new Controller(vscode, { trace }).activate(context);
  return { vscode, fake, trace, controller, context };
}

const text = 'a\nb\nc\nd\n';

test('decorations, status bar and hover come from blame', async () => {
  const where = file(roots.one, 'a.js', text);
  const { fake, trace, controller } = start({ [where]: blameOf(text, ['ai', 'mixed', 'human', 'unknown']) });
  const editor = await fake.open(new FakeDocument(where, text));
  assert.deepEqual(editor.linesOf('ai'), [0]);
  assert.deepEqual(editor.linesOf('mixed'), [1]);
  assert.deepEqual(editor.linesOf('human'), [2]);
  assert.deepEqual(editor.linesOf('unknown'), [3]);
  const status = fake.statusItems[0];
  assert.equal(status.visible, true);
  assert.equal(status.text, 'AI 50%');
  const hover = controller.hover(editor.document, { line: 0 });
  assert.match(hover.contents.value, /AI  \nagent copilot/);
  assert.equal(controller.hover(editor.document, { line: 9 }), null);
  assert.equal(trace.calls.filter(([kind]) => kind === 'blame').length, 1);
});

test('blame runs once per change, not per refresh', async () => {
  const where = file(roots.one, 'b.js', text);
  let state = 'head-1 notes-1';
  const { fake, trace, controller } = start(
    { [where]: blameOf(text, ['ai', 'ai', 'ai', 'ai']) },
    { state: () => state },
  );
  const editor = await fake.open(new FakeDocument(where, text));
  for (let i = 0; i < 5; i += 1) await controller.refresh(editor);
  assert.equal(trace.calls.filter(([kind]) => kind === 'blame').length, 1);
  state = 'head-1 notes-2'; // the post-commit job wrote a record
  await controller.refresh(editor);
  assert.equal(trace.calls.filter(([kind]) => kind === 'blame').length, 2);
});

test('a save tells capture the text is the person’s, then refreshes', async () => {
  const where = file(roots.one, 'c.js', text);
  const { fake, trace } = start({ [where]: blameOf(text, ['human', 'human', 'human', 'human']) });
  const document = new FakeDocument(where, text);
  await fake.open(document);
  document.setText(text + 'typed\n');
  fs.writeFileSync(where, document.getText());
  await fake.save(document);
  assert.deepEqual(
    trace.calls.filter(([kind]) => kind === 'save'),
    [['save', where, text + 'typed\n']],
  );
});

test('with capture off a save sends nothing; with decorations off none are drawn', async () => {
  const where = file(roots.one, 'd.js', text);
  const { fake, trace } = start(
    { [where]: blameOf(text, ['ai', 'ai', 'ai', 'ai']) },
    { configuration: { 'sessiontrace.capture.enabled': false, 'sessiontrace.decorations.enabled': false } },
  );
  const document = new FakeDocument(where, text);
  const editor = await fake.open(document);
  await fake.save(document);
  assert.deepEqual(trace.calls.filter(([kind]) => kind === 'save'), []);
  assert.deepEqual(editor.linesOf('ai'), []);
  assert.equal(fake.statusItems[0].text, 'AI 100%');
});

test('a file outside any repository: nothing shown, nothing run, nothing said', async () => {
  const where = file(roots.none, 'e.js', text);
  const { fake, trace } = start({});
  const document = new FakeDocument(where, text);
  const editor = await fake.open(document);
  await fake.save(document);
  assert.deepEqual(trace.calls, []);
  assert.deepEqual(editor.linesOf('ai'), []);
  assert.equal(fake.statusItems[0].visible, false);
  assert.deepEqual(fake.shown.information, []);
  assert.deepEqual(fake.shown.warning, []);
});

test('several repositories in one window: each file blamed in its own', async () => {
  const first = file(roots.one, 'f.js', text);
  const second = file(roots.two, 'f.js', text);
  const { fake, trace } = start({
    [first]: blameOf(text, ['ai', 'ai', 'human', 'human']),
    [second]: blameOf(text, ['human', 'human', 'human', 'human']),
  });
  const a = await fake.open(new FakeDocument(first, text));
  const b = await fake.open(new FakeDocument(second, text));
  assert.deepEqual(a.linesOf('ai'), [0, 1]);
  assert.deepEqual(b.linesOf('ai'), []);
  assert.equal(fake.statusItems[0].text, 'AI 0%');
  assert.deepEqual(
    trace.calls.filter(([kind]) => kind === 'blame').map(([, where]) => where),
    [first, second],
  );
});

test('the commands: record of a line, verify, the report in a webview without scripts', async () => {
  const where = file(roots.one, 'g.js', text);
  const { fake, trace, vscode } = start({ [where]: blameOf(text, ['ai', 'human', 'human', 'human']) });
  await fake.open(new FakeDocument(where, text));
  await vscode.commands.executeCommand('sessiontrace.showRecord');
  assert.deepEqual(trace.calls.find(([kind, , name]) => kind === 'trace' && name === 'show'), [
    'trace',
    roots.one,
    'show',
    'ab'.repeat(20),
  ]);
  await vscode.commands.executeCommand('sessiontrace.verify');
  assert.deepEqual(fake.shown.information.at(-1).message, 'SessionTrace: ok: 3 of 3 records verified');
  await vscode.commands.executeCommand('sessiontrace.openReport');
  const panel = fake.shown.webviews[0];
  assert.equal(panel.options.enableScripts, false);
  assert.equal(panel.webview.html, '<html><body>report</body></html>');
});

test('agent hooks are offered once per workspace and installed only when accepted', async () => {
  const { trace, fake } = start({}, { workspaceFolders: [roots.one], answers: ['Install hooks'] });
  await new Promise((resolve) => setTimeout(resolve, 20));
  assert.equal(fake.shown.information.length, 1);
  assert.match(fake.shown.information[0].message, /chat and agent mode/);
  assert.deepEqual(trace.calls.find(([kind, , name]) => kind === 'trace' && name === 'hooks'), [
    'trace',
    roots.one,
    'hooks',
    'install',
    '--agent',
    'copilot',
  ]);
});
