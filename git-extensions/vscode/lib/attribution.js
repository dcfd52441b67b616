'use strict';
// What the editor shows of the records: pure functions of `git trace blame --json`
// and the document's lines, so that they are tested without VS Code.

const ORIGINS = ['ai', 'mixed', 'human', 'unknown'];

/**
 * Blame is of the file at HEAD; the document may differ (unsaved or uncommitted edits).
 * Each document line (0-based) that is also a blamed line gets that entry: the lines
 * before the first difference and after the last one match one to one; the lines in
 * between are new and get nothing. Linear, however long the file.
 */
function mapLines(blame, documentLines) {
  const same = (entry, line) => String(entry.content).replace(/\r$/, '') === line;
  const mapped = new Array(documentLines.length).fill(null);
  const blamed = blame.length;
  let head = 0;
  while (head < blamed && head < documentLines.length && same(blame[head], documentLines[head])) {
    mapped[head] = blame[head];
    head += 1;
  }
  let tail = 0;
  while (
    tail < blamed - head &&
    tail < documentLines.length - head &&
    same(blame[blamed - 1 - tail], documentLines[documentLines.length - 1 - tail])
  ) {
    mapped[documentLines.length - 1 - tail] = blame[blamed - 1 - tail];
    tail += 1;
  }
  return mapped;
}

/** The document's text as blame's lines: split at LF, a CR before it dropped, no final empty line. */
function splitLines(text) {
  const lines = text.split('\n').map((line) => (line.endsWith('\r') ? line.slice(0, -1) : line));
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** 0-based document lines per origin. */
function linesByOrigin(mapped) {
  const result = { ai: [], mixed: [], human: [], unknown: [] };
  mapped.forEach((entry, index) => {
    if (entry) result[ORIGINS.includes(entry.origin) ? entry.origin : 'unknown'].push(index);
  });
  return result;
}

/** Counts per origin of the blamed lines, and the AI share (ai + mixed) in whole percent. */
function summarize(blame) {
  const counts = { ai: 0, mixed: 0, human: 0, unknown: 0 };
  for (const entry of blame) counts[ORIGINS.includes(entry.origin) ? entry.origin : 'unknown'] += 1;
  const total = blame.length;
  const share = total === 0 ? 0 : Math.round((100 * (counts.ai + counts.mixed)) / total);
  return Object.assign(counts, { total, share });
}

/** `AI 40%` for the status bar, and its tooltip. */
function statusText(summary) {
  return {
    text: `AI ${summary.share}%`,
    tooltip:
      `SessionTrace: ${summary.ai} AI, ${summary.mixed} mixed, ${summary.human} human, ` +
      `${summary.unknown} unknown of ${summary.total} committed lines`,
  };
}

function escapeMarkdown(text) {
  return String(text).replace(/[\\`*_{}[\]()#+\-.!|<>]/g, '\\$&');
}

/** The hover of one line: origin, agent, model, session, the record's commit and whether it verified. */
function hoverMarkdown(entry) {
  if (!entry) return null;
  const names = { ai: 'AI', mixed: 'AI, edited by a person', human: 'a person', unknown: 'unknown' };
  const lines = [`**SessionTrace**: ${names[entry.origin] || 'unknown'}`];
  if (entry.agent) lines.push(`agent ${escapeMarkdown(entry.agent)}`);
  if (entry.model_id) lines.push(`model ${escapeMarkdown(entry.model_id)}`);
  if (entry.session_id) lines.push(`session ${escapeMarkdown(entry.session_id)}`);
  const commit = String(entry.commit || '').slice(0, 12);
  if (entry.origin === 'unknown') {
    lines.push(`commit ${commit}: no record covers this line`);
  } else {
    lines.push(
      `record of commit ${commit}: ` +
        (entry.verified ? 'signature verified against the trust file' : 'not checked against a trust file'),
    );
  }
  return lines.join('  \n');
}

module.exports = { ORIGINS, mapLines, splitLines, linesByOrigin, summarize, statusText, hoverMarkdown };
