// SessionTrace for OpenCode: hands each file edit and shell command of the agent to
// 'git trace capture', which snapshots the files around it. Installed by
// 'git trace hooks install --agent opencode' into .opencode/plugins/ (or
// ~/.config/opencode/plugins/ with --user). Capture never blocks OpenCode: a failure
// is one line on stderr and the tool runs as it would have.
import { spawnSync } from "node:child_process";

// OpenCode's file tools and where their arguments name the file.
const FILE_TOOLS = new Set(["write", "edit", "multiedit"]);
const PATCH_TOOLS = new Set(["patch", "apply_patch"]);
const SHELL_TOOLS = new Set(["bash"]);

/** The paths an apply_patch patch adds, updates, deletes or moves to. */
function patchedPaths(text) {
  const paths = [];
  for (const line of String(text).split("\n")) {
    const match = /^\*\*\* (?:Add File|Update File|Delete File|Move to): (.+)$/.exec(line);
    if (match) paths.push(match[1].trim());
  }
  return paths;
}

/** The files a tool call edits, "shell" for a command, or null for anything else. */
export function edited(tool, args) {
  if (SHELL_TOOLS.has(tool)) return "shell";
  if (FILE_TOOLS.has(tool) && args && typeof args.filePath === "string") return [args.filePath];
  if (PATCH_TOOLS.has(tool) && args) {
    const text = Object.values(args).find((value) => typeof value === "string" && value.includes("*** Begin Patch"));
    return text ? patchedPaths(text) : null;
  }
  return null;
}

export const SessionTrace = async ({ directory, worktree }) => {
  const cwd = worktree || directory;
  const program = process.env.SESSIONTRACE_GIT_TRACE || "git-trace";
  const models = new Map(); // session → provider/model, from its chat messages
  const calls = new Map(); // call id → what the before event named

  function capture(event) {
    const result = spawnSync(program, ["capture", "--agent", "opencode"], {
      cwd,
      input: JSON.stringify(event),
      encoding: "utf8",
      timeout: 10000,
    });
    if (result.error || result.status !== 0) {
      const why = result.error ? result.error.message : (result.stderr || "").trim().split("\n")[0];
      process.stderr.write(`git-trace capture: ${why || `exit ${result.status}`}\n`);
    }
  }

  function event(phase, input, target) {
    const payload = { event: phase, agent: "opencode", session: input.sessionID, id: input.callID, cwd };
    const model = models.get(input.sessionID);
    if (model) payload.model = model;
    if (target === "shell") payload.shell = true;
    else payload.files = target;
    return payload;
  }

  return {
    "chat.message": async (input) => {
      const model = input && input.model;
      if (model && model.providerID && model.modelID) models.set(input.sessionID, `${model.providerID}/${model.modelID}`);
    },
    "tool.execute.before": async (input, output) => {
      const target = edited(input.tool, output && output.args);
      if (!target || (Array.isArray(target) && target.length === 0)) return;
      calls.set(input.callID, target);
      capture(event("before", input, target));
    },
    "tool.execute.after": async (input) => {
      const target = calls.get(input.callID);
      if (!target) return;
      calls.delete(input.callID);
      capture(event("after", input, target));
    },
  };
};
