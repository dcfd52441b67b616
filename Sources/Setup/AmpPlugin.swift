extension AgentHookConfig {
    /// Amp's plugin (`.amp/plugins/sessiontrace.ts`): identical to
    /// `git-extensions/agents/amp/sessiontrace.ts` (a test keeps them so). It calls
    /// `git-trace capture --agent amp` with the generic payload around each edit and
    /// shell command, and with each prompt.
    package static let ampPlugin = #"""
        // @i-know-the-amp-plugin-api-is-wip-and-very-experimental-right-now
        // SessionTrace for Amp: hands each file edit and shell command of the agent, and each
        // prompt, to 'git trace capture', which snapshots the files around the edit. Installed
        // by 'git trace hooks install --agent amp' into .amp/plugins/ (or
        // ~/.config/amp/plugins/ with --user); Amp loads plugins only when started as
        // 'PLUGINS=all amp'. Capture never blocks Amp: a failure is one line on stderr and the
        // tool runs as it would have. Plain JavaScript inside a .ts file, so that it runs as
        // Amp loads it and as node does in its test.
        import { spawn } from "node:child_process";
        import fs from "node:fs";
        import path from "node:path";
        import { fileURLToPath } from "node:url";

        // Amp's own tools, for an Amp whose plugin API lacks the helpers that name what a call
        // changes: where their input names the file, and the shell tool's command.
        const FILE_TOOLS = new Set(["edit_file", "create_file", "undo_edit", "delete_file"]);
        const SHELL_TOOLS = new Set(["Bash", "bash"]);

        /** A file: URI or a path, as a path. */
        function filePath(helpers, uri) {
          if (helpers && typeof helpers.filePathFromURI === "function") return helpers.filePathFromURI(uri);
          const text = String(uri);
          return text.startsWith("file:") ? fileURLToPath(text) : text;
        }

        /**
         * What a tool call changes: the files it edits, { shell, cwd } for a command, or null
         * for anything else. Amp's helpers decide where it has them.
         */
        export function edited(helpers, call) {
          if (!call || typeof call.tool !== "string") return null;
          const input = call.input && typeof call.input === "object" ? call.input : {};
          if (helpers && typeof helpers.shellCommandFromToolCall === "function") {
            const shell = helpers.shellCommandFromToolCall(call);
            if (shell) return { shell: true, cwd: shell.dir || shell.cwd || input.cwd };
          } else if (SHELL_TOOLS.has(call.tool)) {
            return { shell: true, cwd: input.cwd };
          }
          if (helpers && typeof helpers.filesModifiedByToolCall === "function") {
            const files = helpers.filesModifiedByToolCall(call);
            return files && files.length ? files.map((uri) => filePath(helpers, uri)) : null;
          }
          return FILE_TOOLS.has(call.tool) && typeof input.path === "string" ? [filePath(helpers, input.path)] : null;
        }

        /** The nearest directory that exists at or above the folder of `file` (a new file's
         * folder may not exist yet), where capture is started to find the repository. */
        function folderOf(file) {
          let directory = path.dirname(path.resolve(file));
          while (!fs.existsSync(directory) && path.dirname(directory) !== directory) directory = path.dirname(directory);
          return directory;
        }

        /** The repository a project's plugin is in (`<root>/.amp/plugins/`), where prompts go;
         * a user's plugin sends them to the directory Amp runs in. */
        function projectRoot() {
          try {
            const plugins = path.dirname(fileURLToPath(import.meta.url));
            const amp = path.dirname(plugins);
            return path.basename(plugins) === "plugins" && path.basename(amp) === ".amp" ? path.dirname(amp) : null;
          } catch {
            return null;
          }
        }

        /** The thread a call belongs to: the event names it, or the handler's context does. */
        function threadOf(event, ctx) {
          return (event && event.thread && event.thread.id) || (ctx && ctx.thread && ctx.thread.id) || undefined;
        }

        /** @param {import('@ampcode/plugin').PluginAPI} amp */
        export default function sessionTrace(amp) {
          const program = process.env.SESSIONTRACE_GIT_TRACE || "git-trace";
          const calls = new Map(); // tool use id → the before payload
          const root = projectRoot();

          function capture(payload) {
            return new Promise((resolve) => {
              let said = false; // a program that cannot start is reported by both error and close
              const say = (why) => {
                if (!said) process.stderr.write(`git-trace capture: ${why}\n`);
                said = true;
                resolve();
              };
              let child;
              try {
                child = spawn(program, ["capture", "--agent", "amp"], { cwd: payload.cwd, stdio: ["pipe", "ignore", "pipe"] });
              } catch (error) {
                return say(error.message);
              }
              let stderr = "";
              const timer = setTimeout(() => child.kill("SIGKILL"), 10000);
              child.stderr.on("data", (chunk) => (stderr += chunk));
              child.on("error", (error) => {
                clearTimeout(timer);
                say(error.message);
              });
              child.on("close", (status, signal) => {
                clearTimeout(timer);
                if (status === 0) return resolve();
                say(stderr.trim().split("\n")[0] || (signal ? `killed by ${signal}` : `exit ${status}`));
              });
              child.stdin.on("error", () => {}); // a child that died early is reported by close
              child.stdin.end(JSON.stringify(payload));
            });
          }

          amp.on("agent.start", async (event, ctx) => {
            const session = threadOf(event, ctx);
            if (!event || typeof event.message !== "string" || !session) return;
            await capture({ event: "before", agent: "amp", session, prompt: event.message, cwd: root || process.cwd() });
          });

          amp.on("tool.call", async (event, ctx) => {
            let target = null;
            try {
              target = edited(amp.helpers, event);
            } catch (error) {
              process.stderr.write(`git-trace capture: cannot read Amp's ${event && event.tool} call: ${error.message}\n`);
            }
            if (target) {
              const payload = { event: "before", agent: "amp", session: threadOf(event, ctx), id: event.toolUseID };
              if (Array.isArray(target)) {
                payload.files = target;
                payload.cwd = folderOf(target[0]);
              } else {
                payload.shell = true;
                payload.cwd = target.cwd || process.cwd();
              }
              calls.set(event.toolUseID, payload);
              await capture(payload);
            }
            return { action: "allow" };
          });

          amp.on("tool.result", async (event) => {
            const before = event && calls.get(event.toolUseID);
            if (!before) return;
            calls.delete(event.toolUseID);
            // A call turned down or cancelled gets no after event: capture counts it rejected.
            if (event.status === "cancelled" || event.status === "rejected") return;
            await capture({ ...before, event: "after" });
          });
        }

        """#
}
