'use strict';
// The extension's wiring: capture (accepted completions, saves), the records in the
// editor (decorations, hover, status bar), and the commands. Everything VS Code offers
// comes in as `vscode`, so that the tests drive it with a small fake.

const fs = require('fs');
const path = require('path');
const { GitTrace, firstLine } = require('./trace');
const { registerAcceptCommands, isCapturable } = require('./completions');
const attribution = require('./attribution');

const COLOURS = {
  ai: 'rgba(220, 80, 60, 0.9)',
  mixed: 'rgba(230, 170, 40, 0.9)',
  human: 'rgba(80, 160, 90, 0.5)',
  unknown: 'rgba(128, 128, 128, 0.35)',
};

const HOOK_AGENTS = [
  { label: 'copilot', description: "VS Code's chat and agent mode, and Copilot CLI (.github/hooks/)" },
  { label: 'claude-code', description: '.claude/settings.json' },
  { label: 'codex', description: '.codex/hooks.json' },
  { label: 'cursor', description: '.cursor/hooks.json' },
  { label: 'gemini', description: '.gemini/settings.json' },
];

class Controller {
  constructor(vscode, { trace } = {}) {
    this.vscode = vscode;
    this.output = vscode.window.createOutputChannel('SessionTrace');
    this.trace =
      trace || new GitTrace({ binary: () => this.configuration(undefined).get('path', 'git-trace') || 'git-trace' });
    // file → {state, lines, summary}: blame runs once per change of HEAD, the records or
    // the file's saved text, never per keystroke.
    this.blames = new Map();
    this.pending = new Map();
    this.watched = new Map();
    this.decorationTypes = {};
    for (const origin of attribution.ORIGINS) {
      this.decorationTypes[origin] = vscode.window.createTextEditorDecorationType({
        isWholeLine: true,
        borderWidth: '0 0 0 3px',
        borderStyle: origin === 'unknown' ? 'dotted' : 'solid',
        borderColor: COLOURS[origin],
        overviewRulerColor: origin === 'ai' || origin === 'mixed' ? COLOURS[origin] : undefined,
        overviewRulerLane: vscode.OverviewRulerLane ? vscode.OverviewRulerLane.Left : undefined,
      });
    }
    this.status = vscode.window.createStatusBarItem(vscode.StatusBarAlignment.Right, 100);
    this.status.command = 'sessiontrace.showRecord';
  }

  configuration(uri) {
    return this.vscode.workspace.getConfiguration('sessiontrace', uri);
  }

  settings(uri) {
    const configuration = this.configuration(uri);
    return {
      captureEnabled: configuration.get('capture.enabled', true),
      decorations: configuration.get('decorations.enabled', true),
      agent: configuration.get('completion.agent', 'copilot') || 'copilot',
      model: configuration.get('completion.model', '') || undefined,
    };
  }

  report(message) {
    this.output.appendLine(`${new Date().toISOString()} ${message}`);
  }

  activate(context) {
    const vscode = this.vscode;
    const subscriptions = context.subscriptions;
    subscriptions.push(
      this.output,
      this.status,
      ...Object.values(this.decorationTypes),
      ...registerAcceptCommands(vscode, this.trace, {
        settings: (uri) => this.settings(uri),
        report: (message) => this.report(message),
      }),
      vscode.commands.registerCommand('sessiontrace.showRecord', () => this.showRecord()),
      vscode.commands.registerCommand('sessiontrace.verify', () => this.verify()),
      vscode.commands.registerCommand('sessiontrace.openReport', () => this.openReport()),
      vscode.commands.registerCommand('sessiontrace.installAgentHooks', () => this.installAgentHooks()),
      vscode.workspace.onDidSaveTextDocument((document) => this.saved(document)),
      vscode.window.onDidChangeActiveTextEditor((editor) => this.refresh(editor)),
      vscode.window.onDidChangeVisibleTextEditors
        ? vscode.window.onDidChangeVisibleTextEditors((editors) => editors.forEach((editor) => this.refresh(editor)))
        : { dispose() {} },
      vscode.workspace.onDidChangeConfiguration((change) => {
        if (change.affectsConfiguration('sessiontrace')) this.refreshAll(true);
      }),
      vscode.languages.registerHoverProvider({ scheme: 'file' }, { provideHover: (doc, pos) => this.hover(doc, pos) }),
      { dispose: () => this.watched.forEach((watcher) => watcher.dispose()) },
    );
    this.refreshAll(false);
    this.offerHooks(context);
    return this;
  }

  /** Chat and agent-mode edits reach capture through VS Code's agent hooks (the copilot
   * format in .github/hooks/): offered once per workspace, installed only when accepted. */
  async offerHooks(context) {
    const state = context.workspaceState;
    if (!state || state.get('sessiontrace.hooksOffered')) return;
    const folder = (this.vscode.workspace.workspaceFolders || [])[0];
    if (!folder) return;
    const root = await this.trace.repositoryAt(folder.uri.fsPath);
    if (!root || fs.existsSync(path.join(root, '.github', 'hooks', 'sessiontrace.json'))) return;
    const answer = await this.vscode.window.showInformationMessage(
      "SessionTrace: capture the edits of VS Code's chat and agent mode too (agent hooks in .github/hooks/)?",
      'Install hooks',
      'Not now',
    );
    await state.update('sessiontrace.hooksOffered', true);
    if (answer !== 'Install hooks') return;
    const installed = await this.trace.trace(['hooks', 'install', '--agent', 'copilot'], { cwd: root });
    if (installed.status !== 0) this.vscode.window.showWarningMessage(`SessionTrace: ${firstLine(installed.stderr)}`);
  }

  /** A save: the text is the person's (spec/capture.md §1.1), and the view is refreshed. */
  async saved(document) {
    if (document.uri.scheme !== 'file' || !(await this.trace.repositoryOf(document.uri.fsPath))) return;
    if (isCapturable(document) && this.settings(document.uri).captureEnabled) {
      const failure = await this.trace.captureSave(document.uri.fsPath, document.getText());
      if (failure) this.report(`save of ${document.uri.fsPath} not captured: ${failure}`);
    }
    await this.refreshEditorsOf(document.uri.fsPath);
  }

  refreshAll(force) {
    if (force) this.blames.clear();
    return Promise.all((this.vscode.window.visibleTextEditors || []).map((editor) => this.refresh(editor)));
  }

  refreshEditorsOf(file) {
    const editors = (this.vscode.window.visibleTextEditors || []).filter(
      (editor) => editor.document.uri.fsPath === file,
    );
    const active = this.vscode.window.activeTextEditor;
    if (active && active.document.uri.fsPath === file && !editors.includes(active)) editors.push(active);
    return Promise.all(editors.map((editor) => this.refresh(editor)));
  }

  /** Blame of `file`, from the cache unless HEAD, the records or the saved text changed. */
  async blameOf(file, root) {
    const state = await this.trace.stateOf(root);
    let savedVersion = '';
    try {
      const stat = fs.statSync(file);
      savedVersion = `${stat.mtimeMs}:${stat.size}`;
    } catch (error) {
      return null;
    }
    const key = `${state} ${savedVersion}`;
    const cached = this.blames.get(file);
    if (cached && cached.key === key) return cached;
    if (this.pending.has(file) && this.pending.get(file).key === key) return this.pending.get(file).promise;
    const promise = this.trace.blame(file).then((result) => {
      const value = result.lines
        ? { key, lines: result.lines, summary: attribution.summarize(result.lines), unverified: result.unverified }
        : { key, lines: null, error: result.error };
      this.blames.set(file, value);
      this.pending.delete(file);
      return value;
    });
    this.pending.set(file, { key, promise });
    return promise;
  }

  async refresh(editor) {
    if (!editor || !editor.document || editor.document.uri.scheme !== 'file') {
      if (editor === this.vscode.window.activeTextEditor) this.status.hide();
      return;
    }
    const document = editor.document;
    const file = document.uri.fsPath;
    const root = await this.trace.repositoryOf(file);
    const clear = () => {
      for (const origin of attribution.ORIGINS) editor.setDecorations(this.decorationTypes[origin], []);
      if (editor === this.vscode.window.activeTextEditor) this.status.hide();
    };
    // Outside any repository: nothing to show, nothing said.
    if (!root) return clear();
    this.watch(root);
    const blamed = await this.blameOf(file, root);
    if (!blamed || !blamed.lines) {
      if (blamed && blamed.error) this.report(`blame of ${file}: ${blamed.error}`);
      return clear();
    }
    const settings = this.settings(document.uri);
    const mapped = attribution.mapLines(blamed.lines, attribution.splitLines(document.getText()));
    this.mapped = this.mapped || new WeakMap();
    this.mapped.set(document, mapped);
    const byOrigin = attribution.linesByOrigin(mapped);
    for (const origin of attribution.ORIGINS) {
      const ranges = settings.decorations
        ? byOrigin[origin].map((line) => new this.vscode.Range(line, 0, line, 0))
        : [];
      editor.setDecorations(this.decorationTypes[origin], ranges);
    }
    if (editor === this.vscode.window.activeTextEditor) {
      const status = attribution.statusText(blamed.summary);
      this.status.text = status.text;
      this.status.tooltip = status.tooltip + (blamed.unverified ? ' (records not checked against a trust file)' : '');
      this.status.show();
    }
  }

  /** Refreshes the repository's editors when HEAD moves (a commit, a branch switch) or
   * the records change (the post-commit job writes them after the commit). */
  async watch(root) {
    if (this.watched.has(root)) return;
    this.watched.set(root, { dispose() {} });
    const directories = await this.trace.gitDirectories(root);
    if (!directories) return;
    const vscode = this.vscode;
    const { own, common: commonDir } = directories;
    const watchers = [
      vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(own, '{HEAD,logs/HEAD}')),
      vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(commonDir, '{refs/notes/**,packed-refs}')),
    ];
    const changed = () => {
      for (const file of [...this.blames.keys()]) if (file.startsWith(root + path.sep)) this.blames.delete(file);
      return this.refreshAll(false);
    };
    for (const watcher of watchers) {
      watcher.onDidChange(changed);
      watcher.onDidCreate(changed);
      watcher.onDidDelete(changed);
    }
    this.watched.set(root, { dispose: () => watchers.forEach((watcher) => watcher.dispose()) });
  }

  entryAt(document, line) {
    const mapped = this.mapped && this.mapped.get(document);
    return mapped ? mapped[line] || null : null;
  }

  hover(document, position) {
    const markdown = attribution.hoverMarkdown(this.entryAt(document, position.line));
    if (!markdown) return null;
    return new this.vscode.Hover(new this.vscode.MarkdownString(markdown));
  }

  activeFile() {
    const editor = this.vscode.window.activeTextEditor;
    return editor && editor.document.uri.scheme === 'file' ? editor : null;
  }

  async rootOrSay() {
    const editor = this.activeFile();
    const folder = (this.vscode.workspace.workspaceFolders || [])[0];
    let root = null;
    if (editor) root = await this.trace.repositoryOf(editor.document.uri.fsPath);
    else if (folder) root = await this.trace.repositoryAt(folder.uri.fsPath);
    if (!root) this.vscode.window.showInformationMessage('SessionTrace: not in a git repository.');
    return root;
  }

  /** "Show record for this line": the record of the commit that wrote it. */
  async showRecord() {
    const editor = this.activeFile();
    if (!editor) return;
    const entry = this.entryAt(editor.document, editor.selection.active.line);
    if (!entry) {
      this.vscode.window.showInformationMessage('SessionTrace: this line is not committed yet.');
      return;
    }
    const root = await this.trace.repositoryOf(editor.document.uri.fsPath);
    const shown = await this.trace.trace(['show', entry.commit], { cwd: root });
    this.output.appendLine(shown.stdout || shown.stderr);
    this.output.show(true);
  }

  async verify() {
    const root = await this.rootOrSay();
    if (!root) return;
    const verified = await this.trace.trace(['verify'], { cwd: root });
    this.output.appendLine(`$ git trace verify (${root})`);
    this.output.appendLine(verified.stdout + verified.stderr);
    this.output.show(true);
    const summary = firstLine(verified.stdout) || firstLine(verified.stderr);
    if (verified.status === 0) this.vscode.window.showInformationMessage(`SessionTrace: ${summary}`);
    else this.vscode.window.showWarningMessage(`SessionTrace verify: ${summary}`);
  }

  /** The compliance report, as the HTML `git trace report` writes, in a webview without scripts. */
  async openReport() {
    const root = await this.rootOrSay();
    if (!root) return;
    const report = await this.trace.trace(['report', '--format', 'html'], { cwd: root });
    if (report.status !== 0) {
      this.vscode.window.showWarningMessage(`SessionTrace report: ${firstLine(report.stderr)}`);
      return;
    }
    const panel = this.vscode.window.createWebviewPanel(
      'sessiontrace.report',
      `Compliance report: ${path.basename(root)}`,
      this.vscode.ViewColumn ? this.vscode.ViewColumn.Active : 1,
      { enableScripts: false },
    );
    panel.webview.html = report.stdout;
    return panel;
  }

  async installAgentHooks() {
    const root = await this.rootOrSay();
    if (!root) return;
    const picked = await this.vscode.window.showQuickPick(HOOK_AGENTS, {
      placeHolder: 'Agent whose edits git trace should capture',
    });
    if (!picked) return;
    const installed = await this.trace.trace(['hooks', 'install', '--agent', picked.label], { cwd: root });
    if (installed.status === 0) {
      this.vscode.window.showInformationMessage(`SessionTrace: ${firstLine(installed.stdout) || 'hooks installed'}`);
    } else {
      this.vscode.window.showWarningMessage(`SessionTrace: ${firstLine(installed.stderr)}`);
    }
  }
}

module.exports = { Controller, HOOK_AGENTS };
