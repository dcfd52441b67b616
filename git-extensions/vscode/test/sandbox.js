'use strict';
// A temporary repository with `git trace init` done and a signing key, driven by the
// real git-trace binary (GIT_TRACE_BINARY, else the debug build), for end-to-end tests.
const assert = require('node:assert/strict');
const childProcess = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const binary =
  process.env.GIT_TRACE_BINARY || path.resolve(__dirname, '..', '..', '..', '.build', 'debug', 'git-trace');

function sandbox() {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'sessiontrace-vscode-e2e-'));
  const home = path.join(root, 'home');
  fs.mkdirSync(home);
  const env = Object.assign({}, process.env, {
    HOME: home,
    XDG_CONFIG_HOME: path.join(home, '.config'),
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: path.join(home, '.gitconfig'),
    SESSIONTRACE_FOREGROUND: '1',
  });
  // The spawned programs inherit this process's environment.
  Object.assign(process.env, env);
  const sh = (program, args, cwd) => {
    const result = childProcess.spawnSync(program, args, { cwd, env, encoding: 'utf8' });
    assert.equal(result.status, 0, `${program} ${args.join(' ')}: ${result.stderr}`);
    return result.stdout;
  };
  sh('git', ['config', '--global', 'user.name', 'Pat Person'], root);
  sh('git', ['config', '--global', 'user.email', 'pat@example.com'], root);
  sh('git', ['config', '--global', 'init.defaultBranch', 'main'], root);
  const repository = path.join(root, 'repo');
  sh('git', ['init', '-q', repository], root);
  const signer = sh(binary, ['keygen'], repository).trim().split('\n').pop();
  sh(binary, ['init'], repository);
  return { root, repository, sh, signer };
}

/** Each line of `name` as the signed record says, "origin agent model session"
 * (the parts it has), from `git trace blame --json`. */
function lineOrigins(repository, name) {
  const result = childProcess.spawnSync(binary, ['blame', name, '--json'], { cwd: repository, encoding: 'utf8' });
  assert.equal(result.status, 0, `git trace blame ${name}: ${result.stderr}`);
  return JSON.parse(result.stdout).map((line) =>
    [line.origin, line.agent, line.model_id, line.session_id].filter(Boolean).join(' '),
  );
}

/** Runs `body` with what it writes to stderr kept, not shown: the lines written. */
async function stderrOf(body) {
  const written = [];
  const original = process.stderr.write;
  process.stderr.write = (text) => written.push(String(text)) > 0;
  try {
    await body();
  } finally {
    process.stderr.write = original;
  }
  return written;
}

module.exports = { sandbox, binary, lineOrigins, stderrOf };
