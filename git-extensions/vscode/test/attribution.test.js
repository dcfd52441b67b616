'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const attribution = require('../lib/attribution');

function entry(line, content, origin, extra = {}) {
  return Object.assign({ line, content, origin, commit: 'c0ffee'.padEnd(40, '0') }, extra);
}

const blame = [
  entry(1, 'import x', 'unknown'),
  entry(2, 'function ai() {', 'ai', { agent: 'copilot', model_id: 'unknown/unknown', session_id: 's1', verified: true }),
  entry(3, '}', 'ai', { agent: 'copilot', model_id: 'unknown/unknown', verified: true }),
  entry(4, 'const mine = 1', 'human', { verified: true }),
  entry(5, 'tweaked', 'mixed', { agent: 'claude-code', model_id: 'anthropic/claude-opus-4', verified: false }),
];

test('an unchanged document gets every blamed line, per origin', () => {
  const mapped = attribution.mapLines(blame, attribution.splitLines(blame.map((e) => e.content).join('\n') + '\n'));
  assert.deepEqual(mapped, blame);
  assert.deepEqual(attribution.linesByOrigin(mapped), { ai: [1, 2], mixed: [4], human: [3], unknown: [0] });
});

test('lines edited since HEAD get nothing; the lines around them keep theirs', () => {
  const document = ['import x', 'function ai() {', 'typed, not committed', '}', 'const mine = 1', 'tweaked'];
  const mapped = attribution.mapLines(blame, document);
  assert.deepEqual(
    mapped.map((e) => e && e.line),
    [1, 2, null, 3, 4, 5],
  );
  const removed = attribution.mapLines(blame, ['import x', 'tweaked']);
  assert.deepEqual(removed.map((e) => e && e.line), [1, 5]);
  assert.deepEqual(attribution.mapLines(blame, []), []);
  assert.deepEqual(attribution.mapLines([], ['a']), [null]);
});

test('CRLF documents and a last line without a newline match blame', () => {
  const crlf = attribution.splitLines('import x\r\nfunction ai() {\r\n}\r\nconst mine = 1\r\ntweaked');
  assert.equal(crlf.length, 5);
  assert.deepEqual(attribution.mapLines(blame, crlf), blame);
  const blamedCRLF = blame.map((e) => Object.assign({}, e, { content: e.content + '\r' }));
  assert.deepEqual(attribution.mapLines(blamedCRLF, crlf).filter(Boolean).length, 5);
});

test('a 5,000-line file maps in one pass', () => {
  const big = Array.from({ length: 5000 }, (_, i) => entry(i + 1, `line ${i}`, i % 3 === 0 ? 'ai' : 'human'));
  const document = big.map((e) => e.content);
  document.splice(2500, 0, 'inserted');
  const mapped = attribution.mapLines(big, document);
  assert.equal(mapped.filter(Boolean).length, 5000);
  assert.equal(mapped[2500], null);
  assert.equal(mapped[2501].line, 2501);
});

test('the status bar shows the AI share of the committed lines', () => {
  const summary = attribution.summarize(blame);
  assert.deepEqual(summary, { ai: 2, mixed: 1, human: 1, unknown: 1, total: 5, share: 60 });
  assert.deepEqual(attribution.statusText(summary), {
    text: 'AI 60%',
    tooltip: 'SessionTrace: 2 AI, 1 mixed, 1 human, 1 unknown of 5 committed lines',
  });
  assert.equal(attribution.summarize([]).share, 0);
});

test('the hover names agent, model, session, commit and whether the record verified', () => {
  assert.equal(
    attribution.hoverMarkdown(blame[1]),
    '**SessionTrace**: AI  \nagent copilot  \nmodel unknown/unknown  \nsession s1  \n' +
      'record of commit c0ffee000000: signature verified against the trust file',
  );
  assert.match(attribution.hoverMarkdown(blame[4]), /AI, edited by a person[\s\S]*not checked against a trust file/);
  assert.match(attribution.hoverMarkdown(blame[0]), /no record covers this line/);
  assert.equal(attribution.hoverMarkdown(null), null);
  // A session id cannot inject markdown (links, images) into the hover.
  const hostile = entry(1, 'x', 'ai', { agent: 'copilot', session_id: '[click](http://evil.example)' });
  assert.ok(!attribution.hoverMarkdown(hostile).includes('[click]('), attribution.hoverMarkdown(hostile));
});
