'use strict';
// A small fake of the parts of the `vscode` API the extension uses, with handles for
// tests to fire events and look at what the extension did.

class Disposable {
  constructor(dispose) {
    this.dispose = dispose || (() => {});
  }
}

class Range {
  constructor(startLine, startCharacter, endLine, endCharacter) {
    this.start = { line: startLine, character: startCharacter };
    this.end = { line: endLine, character: endCharacter };
  }
}

class FakeDocument {
  constructor(file, text, { scheme = 'file', encoding } = {}) {
    this.uri = { scheme, fsPath: file, toString: () => `${scheme}://${file}` };
    this.text = text;
    this.version = 1;
    if (encoding !== undefined) this.encoding = encoding;
  }

  getText() {
    return this.text;
  }

  /** An edit of the buffer (not saved). */
  setText(text) {
    this.text = text;
    this.version += 1;
  }
}

class FakeEditor {
  constructor(document) {
    this.document = document;
    this.decorations = new Map();
    this.selection = { active: { line: 0, character: 0 } };
  }

  setDecorations(type, ranges) {
    this.decorations.set(type, ranges);
  }

  /** 0-based lines decorated with the decoration type made for `origin`. */
  linesOf(origin) {
    for (const [type, ranges] of this.decorations) {
      if (type.origin === origin) return ranges.map((range) => range.start.line);
    }
    return [];
  }
}

function event(listeners) {
  return (listener) => {
    listeners.push(listener);
    return new Disposable(() => listeners.splice(listeners.indexOf(listener), 1));
  };
}

/** `configuration`: `section.key` → value. `answers`: what message boxes and quick picks return, in order. */
function createFakeVSCode({ configuration = {}, workspaceFolders = [], answers = [] } = {}) {
  const commands = new Map();
  const listeners = { save: [], active: [], visible: [], configuration: [] };
  const shown = { information: [], warning: [], quickPicks: [], webviews: [] };
  const hoverProviders = [];
  const statusItems = [];
  const outputs = [];
  let decorationTypes = 0;
  const vscode = {
    Range,
    Position: class {
      constructor(line, character) {
        this.line = line;
        this.character = character;
      }
    },
    Hover: class {
      constructor(contents) {
        this.contents = contents;
      }
    },
    MarkdownString: class {
      constructor(value) {
        this.value = value;
      }
    },
    RelativePattern: class {
      constructor(base, pattern) {
        this.base = base;
        this.pattern = pattern;
      }
    },
    StatusBarAlignment: { Left: 1, Right: 2 },
    ViewColumn: { Active: -1 },
    OverviewRulerLane: { Left: 1 },
    window: {
      activeTextEditor: undefined,
      visibleTextEditors: [],
      createOutputChannel(name) {
        const channel = { name, lines: [], appendLine: (line) => channel.lines.push(line), show() {}, dispose() {} };
        outputs.push(channel);
        return channel;
      },
      createTextEditorDecorationType(options) {
        decorationTypes += 1;
        // The controller makes them in ORIGINS order: ai, mixed, human, unknown.
        return { options, origin: ['ai', 'mixed', 'human', 'unknown'][decorationTypes - 1], dispose() {} };
      },
      createStatusBarItem() {
        const item = { text: '', tooltip: '', visible: false, show() { item.visible = true; }, hide() { item.visible = false; }, dispose() {} };
        statusItems.push(item);
        return item;
      },
      showInformationMessage(message, ...items) {
        shown.information.push({ message, items });
        return Promise.resolve(items.length ? answers.shift() : undefined);
      },
      showWarningMessage(message) {
        shown.warning.push(message);
        return Promise.resolve(undefined);
      },
      showQuickPick(items) {
        shown.quickPicks.push(items);
        const label = answers.shift();
        return Promise.resolve(items.find((item) => item.label === label));
      },
      createWebviewPanel(id, title, column, options) {
        const panel = { id, title, options, webview: { html: '' }, dispose() {} };
        shown.webviews.push(panel);
        return panel;
      },
      onDidChangeActiveTextEditor: event(listeners.active),
      onDidChangeVisibleTextEditors: event(listeners.visible),
    },
    commands: {
      registerCommand(id, handler) {
        if (commands.has(id)) throw new Error(`command '${id}' already exists`);
        commands.set(id, handler);
        return new Disposable(() => commands.delete(id));
      },
      executeCommand(id, ...args) {
        const handler = commands.get(id);
        if (!handler) return Promise.reject(new Error(`command '${id}' not found`));
        try {
          return Promise.resolve(handler(...args));
        } catch (error) {
          return Promise.reject(error);
        }
      },
    },
    workspace: {
      workspaceFolders: workspaceFolders.map((folder) => ({ uri: { fsPath: folder } })),
      getConfiguration(section) {
        return { get: (key, fallback) => (`${section}.${key}` in configuration ? configuration[`${section}.${key}`] : fallback) };
      },
      onDidSaveTextDocument: event(listeners.save),
      onDidChangeConfiguration: event(listeners.configuration),
      createFileSystemWatcher(pattern) {
        const watcher = { pattern, handlers: [], onDidChange: (h) => watcher.handlers.push(h), onDidCreate: (h) => watcher.handlers.push(h), onDidDelete: (h) => watcher.handlers.push(h), dispose() {} };
        return watcher;
      },
    },
    languages: {
      registerHoverProvider(selector, provider) {
        hoverProviders.push(provider);
        return new Disposable();
      },
    },
  };
  const test = {
    commands,
    shown,
    hoverProviders,
    statusItems,
    outputs,
    configuration,
    /** Opens `document` in an editor and makes it the active one. */
    open(document) {
      const editor = new FakeEditor(document);
      vscode.window.visibleTextEditors.push(editor);
      vscode.window.activeTextEditor = editor;
      return Promise.all(listeners.active.map((listener) => listener(editor))).then(() => editor);
    },
    save(document) {
      return Promise.all(listeners.save.map((listener) => listener(document)));
    },
    context() {
      const state = new Map();
      return {
        subscriptions: [],
        workspaceState: { get: (key) => state.get(key), update: (key, value) => Promise.resolve(state.set(key, value)) },
      };
    },
  };
  return { vscode, test };
}

module.exports = { createFakeVSCode, FakeDocument, FakeEditor, Range };
