'use strict';
// Runs git and git-trace for the extension. No shell: arguments go to the programs as
// they are, the text of an event on standard input.

const childProcess = require('child_process');
const path = require('path');

/** Runs `program` with `args` in `cwd`; resolves {status, stdout, stderr}, never rejects
 * for a non-zero exit (a missing program resolves status -1 with the error's message). */
function run(program, args, { cwd, input, spawn = childProcess.spawn, timeoutMs = 60000 } = {}) {
  return new Promise((resolve) => {
    let child;
    try {
      child = spawn(program, args, { cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    } catch (error) {
      resolve({ status: -1, stdout: '', stderr: String(error.message || error) });
      return;
    }
    const out = [];
    const err = [];
    let settled = false;
    const finish = (result) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(result);
    };
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      finish({ status: -1, stdout: '', stderr: `${path.basename(program)} did not finish within ${timeoutMs / 1000} s` });
    }, timeoutMs);
    child.stdout.on('data', (chunk) => out.push(chunk));
    child.stderr.on('data', (chunk) => err.push(chunk));
    child.on('error', (error) => finish({ status: -1, stdout: '', stderr: String(error.message || error) }));
    child.on('close', (code, signal) =>
      finish({
        status: code === null ? 128 + (signal === 'SIGKILL' ? 9 : 15) : code,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      }),
    );
    // A child that exits before reading everything must not crash the extension host.
    child.stdin.on('error', () => {});
    child.stdin.end(input === undefined ? '' : input);
  });
}

/** The first line of a program's complaint, for a one-line message. */
function firstLine(text) {
  return String(text || '').split(/\r?\n/).find((line) => line.trim() !== '') || '';
}

/**
 * git and git-trace for the files of one window, which may span several repositories.
 * `binary()` gives the git-trace program (the setting may change at any time).
 */
class GitTrace {
  constructor({ binary, spawn = childProcess.spawn, git = 'git' } = {}) {
    this.binary = typeof binary === 'function' ? binary : () => binary || 'git-trace';
    this.spawn = spawn;
    this.git = git;
    this.roots = new Map();
  }

  /** The top of the work tree holding `file`, or null outside any repository. */
  repositoryOf(file) {
    return this.repositoryAt(path.dirname(file));
  }

  /** The top of the work tree holding `directory`, or null outside any repository. */
  async repositoryAt(directory) {
    if (this.roots.has(directory)) return this.roots.get(directory);
    const found = await run(this.git, ['rev-parse', '--show-toplevel'], { cwd: directory, spawn: this.spawn });
    const root = found.status === 0 ? found.stdout.trim() : null;
    this.roots.set(directory, root);
    return root;
  }

  /** git-trace with `args` in `cwd`. */
  trace(args, { cwd, input } = {}) {
    return run(this.binary(), args, { cwd, input, spawn: this.spawn });
  }

  /** Sends one editor event (spec/capture.md §1.1) for `file`; resolves null when it was
   * taken, else the one-line reason it was not. Files outside a repository: null, silently. */
  async capture(file, event) {
    const root = await this.repositoryOf(file);
    if (!root) return null;
    const result = await this.trace(['capture', '--agent', 'editor'], {
      cwd: root,
      input: JSON.stringify(Object.assign({ file, cwd: root }, event)),
    });
    return result.status === 0 ? null : firstLine(result.stderr) || `git-trace capture exited ${result.status}`;
  }

  /** The text of `file` is the person's (a save). */
  captureSave(file, text) {
    return this.capture(file, { event: 'person', text });
  }

  /** An accepted completion changed `file` from `before` to `after`. */
  captureCompletion(file, before, after, { agent, model, session } = {}) {
    const event = { event: 'edit', agent: agent || 'copilot', before, after };
    if (model) event.model = model;
    if (session) event.session = session;
    return this.capture(file, event);
  }

  /** `git trace blame --json` of `file` at HEAD: {lines} or {error}. */
  async blame(file) {
    const root = await this.repositoryOf(file);
    if (!root) return { lines: null };
    const relative = path.relative(root, file);
    const result = await this.trace(['blame', relative, '--json'], { cwd: root });
    if (result.status !== 0) return { error: firstLine(result.stderr) || `git-trace blame exited ${result.status}` };
    try {
      return { lines: JSON.parse(result.stdout), unverified: /no trust file/.test(result.stderr) };
    } catch (error) {
      return { error: 'git-trace blame printed no JSON' };
    }
  }

  /** The work tree's own git directory (HEAD, its reflog) and the common one (refs,
   * the records), which differ in a linked worktree; null when git cannot say. */
  async gitDirectories(root) {
    const result = await run(this.git, ['rev-parse', '--absolute-git-dir', '--git-common-dir'], {
      cwd: root,
      spawn: this.spawn,
    });
    const [own, common] = result.stdout.trim().split('\n');
    if (result.status !== 0 || !own) return null;
    return { own, common: common ? path.resolve(root, common) : own };
  }

  /** What identifies the state blame saw: HEAD and the records' ref (a record is written
   * after its commit, by a background job). */
  async stateOf(root) {
    const [head, notes] = await Promise.all([
      run(this.git, ['rev-parse', '--verify', '--quiet', 'HEAD'], { cwd: root, spawn: this.spawn }),
      run(this.git, ['for-each-ref', '--format=%(objectname)', 'refs/notes/sessiontrace'], {
        cwd: root,
        spawn: this.spawn,
      }),
    ]);
    return `${head.stdout.trim()} ${notes.stdout.trim()}`;
  }
}

module.exports = { GitTrace, run, firstLine };
