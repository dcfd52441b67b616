'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const childProcess = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

test('the .vsix holds the extension, its manifest and nothing of the tests', (t) => {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'sessiontrace-vsix-test-'));
  t.after(() => fs.rmSync(directory, { recursive: true, force: true }));
  const output = path.join(directory, 'sessiontrace.vsix');
  const built = childProcess.spawnSync(process.execPath, [path.join(__dirname, '..', 'build-vsix.js'), output], {
    encoding: 'utf8',
  });
  assert.equal(built.status, 0, built.stderr);
  const listing = childProcess.spawnSync('unzip', ['-Z1', output], { encoding: 'utf8' });
  assert.equal(listing.status, 0, listing.stderr);
  const entries = listing.stdout.trim().split('\n').sort();
  const lib = fs.readdirSync(path.join(__dirname, '..', 'lib')).map((file) => `extension/lib/${file}`);
  assert.deepEqual(
    entries,
    ['[Content_Types].xml', 'extension.vsixmanifest', 'extension/README.md', 'extension/extension.js',
      'extension/package.json', ...lib].sort(),
  );
  const manifest = childProcess.spawnSync('unzip', ['-p', output, 'extension.vsixmanifest'], { encoding: 'utf8' }).stdout;
  const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8'));
  assert.match(manifest, new RegExp(`<Identity Language="en-US" Id="sessiontrace" Version="${pkg.version}" Publisher="sessiontrace" />`));
  assert.match(manifest, /Microsoft\.VisualStudio\.Code\.Engine" Value="\^1\.90\.0"/);
  assert.match(manifest, /Path="extension\/package\.json"/);
  // The packaged manifest is the one VS Code reads: main, engine, activation.
  const packaged = JSON.parse(childProcess.spawnSync('unzip', ['-p', output, 'extension/package.json'], { encoding: 'utf8' }).stdout);
  assert.equal(packaged.main, './extension.js');
  assert.ok(packaged.engines.vscode && packaged.activationEvents.length > 0 && packaged.contributes.commands.length > 0);
});

test('every module the extension loads is packaged, and needs nothing outside node and vscode', () => {
  const root = path.join(__dirname, '..');
  const sources = ['extension.js', ...fs.readdirSync(path.join(root, 'lib')).map((f) => `lib/${f}`)];
  const builtin = new Set(require('module').builtinModules);
  for (const source of sources) {
    const text = fs.readFileSync(path.join(root, source), 'utf8');
    for (const [, name] of text.matchAll(/require\('([^']+)'\)/g)) {
      if (name.startsWith('.')) {
        const resolved = path.relative(root, require.resolve(path.join(root, path.dirname(source), name)));
        assert.ok(sources.includes(resolved), `${source} loads ${name}, which is not packaged`);
      } else {
        assert.ok(name === 'vscode' || builtin.has(name), `${source} needs ${name}: no npm dependencies`);
      }
    }
  }
});
