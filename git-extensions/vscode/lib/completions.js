'use strict';
// Inline completions (Copilot's, or any provider's). VS Code has no event for an
// accepted suggestion, so the accept commands are wrapped: the keybindings that accept
// run ours, which takes the document's text, runs VS Code's own command, and takes the
// text again. Exactly what the command changed is the completion's (a partial accept:
// the part accepted); a person's typing never goes through here, so it is never taken
// for a completion, and no size or timing heuristic is needed.

/** Our command → VS Code's. */
const ACCEPT_COMMANDS = {
  'sessiontrace.inlineSuggest.commit': 'editor.action.inlineSuggest.commit',
  'sessiontrace.inlineSuggest.acceptNextWord': 'editor.action.inlineSuggest.acceptNextWord',
  'sessiontrace.inlineSuggest.acceptNextLine': 'editor.action.inlineSuggest.acceptNextLine',
};

/** Whether capture may take this document's text: a file on disk in UTF-8 (capture
 * compares it with the file's bytes; another encoding's text is not those bytes). */
function isCapturable(document) {
  if (!document || !document.uri || document.uri.scheme !== 'file') return false;
  const encoding = document.encoding;
  return encoding === undefined || encoding === 'utf8' || encoding === 'utf8bom';
}

/**
 * The handler of one wrapped accept command. `settings(uri)` gives
 * {captureEnabled, agent, model}; `report(message)` logs a capture that failed (capture
 * fails open: the accept itself always happens).
 */
function acceptHandler(vscode, trace, original, { settings, report }) {
  return async () => {
    const editor = vscode.window.activeTextEditor;
    const document = editor && editor.document;
    const chosen = document ? settings(document.uri) : null;
    const capturing = Boolean(chosen && chosen.captureEnabled && isCapturable(document));
    const before = capturing ? document.getText() : null;
    // A failure of the command itself propagates: nothing was accepted, nothing is captured.
    await vscode.commands.executeCommand(original);
    if (!capturing) return false;
    const after = document.getText();
    if (after === before) return false; // no suggestion was showing
    const failure = await trace.captureCompletion(document.uri.fsPath, before, after, {
      agent: chosen.agent,
      model: chosen.model,
    });
    if (failure) report(`completion not captured: ${failure}`);
    return failure === null;
  };
}

/** Registers the wrapped commands; returns their disposables. */
function registerAcceptCommands(vscode, trace, options) {
  return Object.entries(ACCEPT_COMMANDS).map(([ours, original]) =>
    vscode.commands.registerCommand(ours, acceptHandler(vscode, trace, original, options)),
  );
}

module.exports = { ACCEPT_COMMANDS, acceptHandler, registerAcceptCommands, isCapturable };
