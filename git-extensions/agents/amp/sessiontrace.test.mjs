// Amp's plugin, driven as Amp calls its event handlers (a small stand-in for the `amp`
// object its plugin API passes), with the real git-trace binary in a temporary
// repository: edits through its file tools, a command through its shell tool, a call
// that was turned down, the person's lines; the signed record says which line is whose.
import test from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL, fileURLToPath } from "node:url";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const { sandbox, binary, lineOrigins, stderrOf } = require("../../vscode/test/sandbox.js");

// Amp loads the .ts file itself; node is given the same text as an ES module.
const here = path.dirname(fileURLToPath(import.meta.url));
const copy = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "sessiontrace-amp-")), "sessiontrace.mjs");
fs.copyFileSync(path.join(here, "sessiontrace.ts"), copy);
const plugin = await import(pathToFileURL(copy).href);
const { edited } = plugin;

// Amp's helpers as its plugin API documents them: files as file: URIs, commands with
// their directory.
const helpers = {
  filesModifiedByToolCall: (call) =>
    call.tool === "edit_file" || call.tool === "create_file" ? [pathToFileURL(call.input.path).href] : undefined,
  shellCommandFromToolCall: (call) => (call.tool === "Bash" ? { command: call.input.cmd, dir: call.input.cwd } : undefined),
  filePathFromURI: (uri) => fileURLToPath(uri),
};

/** A stand-in for Amp: its handlers by event, called as Amp calls them. */
function fakeAmp(withHelpers) {
  const handlers = new Map();
  const amp = {
    on: (name, handler) => handlers.set(name, handler),
    helpers: withHelpers ? helpers : undefined,
    emit: (name, event, ctx) => handlers.get(name)(event, ctx ?? {}),
  };
  plugin.default(amp);
  return amp;
}

test("Amp's helpers name the files and the command; without them, its own tools' inputs do", () => {
  const edit = { tool: "edit_file", toolUseID: "t1", input: { path: "/r/a.ts", old_str: "a", new_str: "b" } };
  assert.deepEqual(edited(helpers, edit), ["/r/a.ts"]);
  assert.deepEqual(edited(helpers, { tool: "Bash", toolUseID: "t2", input: { cmd: "make", cwd: "/r" } }), {
    shell: true,
    cwd: "/r",
  });
  assert.equal(edited(helpers, { tool: "read_file", toolUseID: "t3", input: { path: "/r/a.ts" } }), null);
  // An Amp whose API has no helpers: the tools' own arguments.
  assert.deepEqual(edited(undefined, edit), ["/r/a.ts"]);
  assert.deepEqual(edited(undefined, { tool: "create_file", input: { path: "/r/n.ts", content: "x" } }), ["/r/n.ts"]);
  assert.deepEqual(edited(undefined, { tool: "Bash", input: { cmd: "make" } }), { shell: true, cwd: undefined });
  assert.equal(edited(undefined, { tool: "read_file", input: { path: "/r/a.ts" } }), null);
  assert.equal(edited(undefined, { tool: "edit_file", input: {} }), null);
  assert.equal(edited(helpers, { input: {} }), null);
});

for (const withHelpers of [true, false]) {
  test(`an Amp thread, line by line in the signed record (${withHelpers ? "with" : "without"} Amp's helpers)`, async (t) => {
    assert.ok(fs.existsSync(binary), `no git-trace at ${binary}: build it first (swift build)`);
    const { root, repository, sh } = sandbox();
    t.after(() => fs.rmSync(root, { recursive: true, force: true }));
    process.env.SESSIONTRACE_GIT_TRACE = binary;
    fs.writeFileSync(path.join(repository, "a.txt"), "one\ntwo\nthree\n");
    sh("git", ["add", "-A"], repository);
    sh("git", ["commit", "-q", "-m", "base"], repository);

    const amp = fakeAmp(withHelpers);
    const thread = { id: "T-1f2e" };
    // Every capture call succeeds: the plugin reports a failed one on stderr.
    const complaints = [];
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = (text) => complaints.push(String(text)) > 0;
    t.after(() => (process.stderr.write = write));
    // Amp runs in the repository; a user's plugin sends prompts there.
    const directory = process.cwd();
    process.chdir(repository);
    t.after(() => process.chdir(directory));
    await amp.emit("agent.start", { message: "finish the list", thread }, { thread });
    // The person's edit, then the agent's edit of the same file through its edit tool.
    const file = path.join(repository, "a.txt");
    fs.writeFileSync(file, "mine\ntwo\nthree\n");
    let call = 0;
    async function tool(name, input, act, status = "done") {
      const event = { tool: name, toolUseID: `toolu_${++call}`, input, thread };
      const answer = await amp.emit("tool.call", event, { thread });
      assert.deepEqual(answer, { action: "allow" }, "the plugin never stands in the tool's way");
      act();
      await amp.emit("tool.result", { ...event, status }, { thread });
    }
    await tool("edit_file", { path: file, old_str: "three", new_str: "three, by amp" }, () =>
      fs.writeFileSync(file, "mine\ntwo\nthree, by amp\n"),
    );
    // A file in a folder that does not exist yet.
    const created = path.join(repository, "src", "new.txt");
    await tool("create_file", { path: created, content: "n1\nn2\n" }, () => {
      fs.mkdirSync(path.dirname(created));
      fs.writeFileSync(created, "n1\nn2\n");
    });
    await tool("Bash", { cmd: "printf 'g1\\ng2\\n' > gen.txt", cwd: repository }, () =>
      sh("bash", ["-c", "printf 'g1\\ng2\\n' > gen.txt"], repository),
    );
    await tool("read_file", { path: file }, () => {});
    // Turned down: Amp reports the call cancelled, and nothing was written by it.
    await tool("edit_file", { path: file, old_str: "two", new_str: "2" }, () => {}, "cancelled");
    // The next prompt closes the turn: the refused call counts as rejected.
    await amp.emit("agent.start", { message: "thanks", thread }, { thread });
    const session = JSON.parse(sh(binary, ["status", "--json"], repository)).sessions.find(
      (entry) => entry.agent === "amp",
    );
    assert.equal(session.session_id, "T-1f2e");
    assert.equal(session.actions_accepted, 3);
    assert.equal(session.actions_rejected, 1);
    assert.deepEqual(complaints, []);

    fs.writeFileSync(created, "n1\nn2\nmine too\n");
    sh("git", ["add", "-A"], repository);
    sh("git", ["commit", "-q", "-m", "session"], repository);

    // Amp's events name no model: the record says so, never a guess.
    const ai = "ai amp unknown/unknown T-1f2e";
    assert.deepEqual(lineOrigins(repository, "a.txt"), ["human", "human", ai]);
    assert.deepEqual(lineOrigins(repository, "src/new.txt"), [ai, ai, "human"]);
    assert.deepEqual(lineOrigins(repository, "gen.txt"), [ai, ai]);
  });
}

test("a failing capture never stops Amp's tool, and says why in one line", async () => {
  process.env.SESSIONTRACE_GIT_TRACE = "/nonexistent/git-trace";
  const amp = fakeAmp(true);
  const event = { tool: "edit_file", toolUseID: "toolu_x", input: { path: "/tmp/x" }, thread: { id: "T-x" } };
  let answer;
  const written = await stderrOf(async () => {
    answer = await amp.emit("tool.call", event);
    await amp.emit("tool.result", { ...event, status: "done" });
  });
  assert.deepEqual(answer, { action: "allow" });
  assert.equal(written.length, 2);
  assert.match(written[0], /^git-trace capture: .*ENOENT/);
  assert.equal(written[0].split("\n").length, 2, "one line");
});

// Amp's API changed under the plugin: reported, never thrown into Amp.
test("a helper that throws is reported in one line and the tool still runs", async () => {
  process.env.SESSIONTRACE_GIT_TRACE = "/nonexistent/git-trace";
  const amp = fakeAmp(true);
  amp.helpers = {
    ...helpers,
    filesModifiedByToolCall: () => {
      throw new Error("changed shape");
    },
  };
  let answer;
  const written = await stderrOf(async () => {
    answer = await amp.emit("tool.call", { tool: "edit_file", toolUseID: "toolu_y", input: { path: "/tmp/y" } });
  });
  assert.deepEqual(answer, { action: "allow" });
  assert.deepEqual(written, ["git-trace capture: cannot read Amp's edit_file call: changed shape\n"]);
});

test("installed in a repository, the plugin sends prompts there wherever Amp runs", async (t) => {
  const { root, repository, sh } = sandbox();
  t.after(() => fs.rmSync(root, { recursive: true, force: true }));
  process.env.SESSIONTRACE_GIT_TRACE = binary;
  sh(binary, ["hooks", "install", "--agent", "amp"], repository);
  const installed = path.join(repository, ".amp", "plugins", "sessiontrace.ts");
  // node imports the installed text from beside it, where Amp would load it.
  const beside = path.join(path.dirname(installed), "sessiontrace-under-test.mjs");
  fs.copyFileSync(installed, beside);
  const handlers = new Map();
  (await import(pathToFileURL(beside).href)).default({ on: (name, handler) => handlers.set(name, handler), helpers });
  fs.rmSync(beside);
  const directory = process.cwd();
  process.chdir(root); // not the repository
  t.after(() => process.chdir(directory));
  await handlers.get("agent.start")({ message: "add a test", thread: { id: "T-9" } }, {});
  const state = JSON.parse(fs.readFileSync(path.join(repository, ".git", "sessiontrace", "state.json"), "utf8"));
  assert.deepEqual(Object.keys(state.pending), ["prompt:amp/T-9"]);
});
