// OpenCode's plugin, driven as OpenCode calls its hooks, with the real git-trace binary
// in a temporary repository: an edit through its file tool, a command through its
// shell tool, the person's line; the signed record says which line is whose.
import test from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import { SessionTrace, edited } from "./sessiontrace.js";

const require = createRequire(import.meta.url);
const { sandbox, binary, lineOrigins, stderrOf } = require("../../vscode/test/sandbox.js");

test("the tools' arguments name the files, the shell tool a command, others nothing", () => {
  assert.deepEqual(edited("write", { filePath: "/r/a.ts", content: "x" }), ["/r/a.ts"]);
  assert.deepEqual(edited("edit", { filePath: "b.ts", oldString: "a", newString: "b" }), ["b.ts"]);
  assert.equal(edited("bash", { command: "make" }), "shell");
  assert.deepEqual(
    edited("patch", { patchText: "*** Begin Patch\n*** Add File: n.ts\n+x\n*** Update File: o.ts\n*** End Patch\n" }),
    ["n.ts", "o.ts"],
  );
  assert.equal(edited("read", { filePath: "a.ts" }), null);
  assert.equal(edited("write", {}), null);
});

test("an OpenCode session, line by line in the signed record", async (t) => {
  assert.ok(fs.existsSync(binary), `no git-trace at ${binary}: build it first (swift build)`);
  const { root, repository, sh } = sandbox();
  t.after(() => fs.rmSync(root, { recursive: true, force: true }));
  process.env.SESSIONTRACE_GIT_TRACE = binary;
  fs.writeFileSync(path.join(repository, "a.txt"), "one\ntwo\nthree\n");
  sh("git", ["add", "-A"], repository);
  sh("git", ["commit", "-q", "-m", "base"], repository);

  const hooks = await SessionTrace({ directory: repository, worktree: repository });
  const session = "ses_1";
  await hooks["chat.message"]({ sessionID: session, model: { providerID: "anthropic", modelID: "claude-sonnet-4-5" } }, {});
  // The person's edit, then the agent's edit of the same file through its edit tool.
  fs.writeFileSync(path.join(repository, "a.txt"), "mine\ntwo\nthree\n");
  let call = 0;
  async function tool(name, args, act) {
    const input = { tool: name, sessionID: session, callID: `call_${++call}` };
    await hooks["tool.execute.before"](input, { args });
    act();
    await hooks["tool.execute.after"](input, { title: "", output: "", metadata: {} });
  }
  const file = path.join(repository, "a.txt");
  await tool("edit", { filePath: file, oldString: "three", newString: "three, by opencode" }, () =>
    fs.writeFileSync(file, "mine\ntwo\nthree, by opencode\n"),
  );
  await tool("write", { filePath: path.join(repository, "new.txt"), content: "n1\nn2\n" }, () =>
    fs.writeFileSync(path.join(repository, "new.txt"), "n1\nn2\n"),
  );
  await tool("bash", { command: "printf 'g1\\ng2\\n' > gen.txt" }, () =>
    sh("bash", ["-c", "printf 'g1\\ng2\\n' > gen.txt"], repository),
  );
  await tool("read", { filePath: file }, () => {});
  fs.writeFileSync(path.join(repository, "new.txt"), "n1\nn2\nmine too\n");
  sh("git", ["add", "-A"], repository);
  sh("git", ["commit", "-q", "-m", "session"], repository);

  const ai = "ai opencode anthropic/claude-sonnet-4-5 ses_1";
  assert.deepEqual(lineOrigins(repository, "a.txt"), ["human", "human", ai]);
  assert.deepEqual(lineOrigins(repository, "new.txt"), [ai, ai, "human"]);
  assert.deepEqual(lineOrigins(repository, "gen.txt"), [ai, ai]);
});

test("a failing capture never stops OpenCode's tool, and says why in one line", async () => {
  process.env.SESSIONTRACE_GIT_TRACE = "/nonexistent/git-trace";
  const hooks = await SessionTrace({ directory: "/tmp", worktree: "/tmp" });
  const written = await stderrOf(async () => {
    await hooks["tool.execute.before"]({ tool: "write", sessionID: "s", callID: "c" }, { args: { filePath: "/tmp/x" } });
    await hooks["tool.execute.after"]({ tool: "write", sessionID: "s", callID: "c" }, {});
  });
  assert.equal(written.length, 2);
  assert.match(written[0], /^git-trace capture: .*ENOENT/);
});
