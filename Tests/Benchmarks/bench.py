#!/usr/bin/env python3
"""SessionTrace benchmarks (make bench). Every figure is compared with a baseline
measured in the same run, on the same machine, interleaved with the measured runs,
because these machines are noisy: ratios, not absolute times, are what to compare.

  1. capture: one agent hook call (`git trace capture`, process start included) on a
     5,000-line file, against `git --version` (a process start of a small C program).
  2. post-commit: `git commit` of 10 files carrying 20 captured AI edits, with the
     SessionTrace hooks installed vs the same commit without them; and the
     background recording job itself (`git-trace hook post-commit`).
  3. rebase: `git rebase` of 100 commits that have records, with the post-rewrite
     hook deriving their new records in the foreground, vs the same rebase without
     hooks.

  4. verify at scale: `git trace verify` over one signed record on each of 80,000
     commits (20,000 with --quick), on all cores: with the notes as written (loose
     objects), packed (as after `git gc --auto`), with --content, and again with
     --cache; against `openssl speed ed25519` verifications per second on all cores,
     packed verify and openssl alternating for 7 rounds (3 with --quick), the median
     round reported.
  5. reports, on the same repository: `git trace blame` against `git blame
     --porcelain`, and `git trace report` (cold, then with its provenance cache, and
     without the tree) against `git log --numstat` over the same history.

  5b. check: `git trace check` with every rule on over the newest 1,000 commits of the
     same repository (target <= 2 s) and over all of it (linear: the time per commit
     within 1.5x), each beside verify of the same range.

  6. a real history, when BENCH_REPO names a clone of one (git's own: the search
     tool's `fetch github:git/git`; nothing is downloaded here; the older name
     SESSIONTRACE_BENCH_HISTORY still works): the ledger generator's `--attach`
     signs a record for every non-merge commit (the newest 10,000 with --quick),
     origins drawn per hunk from a fixed seed (spec/records.md §8), then `git gc`.
     Measured: the notes' own objects packed, against the repository's pack; verify,
     median of 3 rounds alternating with openssl as in 4; `git trace report`
     without the tree, cold with it (no provenance cache) and warm, against `git log
     --numstat --no-merges` over the same history; check with every rule on over the
     whole history; and the forward blame's lines
     checked against git blame's on a sample of files (`--compare-blame`).

Usage: bench.py GIT_TRACE_BINARY [--quick]   (the ledger generator is looked up
beside the binary: sessiontrace-ledger-generator)
"""
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

BINARY = os.path.abspath(sys.argv[1])
QUICK = "--quick" in sys.argv
ROUNDS = 15 if QUICK else 60


def run(args, cwd, stdin=None, env=None, piped=False):
    """Times one command, its output to /dev/null as on a terminal, or with `piped`
    read through pipes to their end, as editors' panels and scripts read git's."""
    started = time.perf_counter()
    sink = subprocess.PIPE if piped else subprocess.DEVNULL
    result = subprocess.run(args, cwd=cwd, input=stdin, stdout=sink, stderr=subprocess.PIPE if stdin is not None or piped else subprocess.DEVNULL, env=env)
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed: {(result.stderr or b'').decode()}")
    return elapsed


def git(cwd, *args, env=None):
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, env=env).stdout.decode()


def make_env(home):
    env = dict(os.environ, HOME=home, GIT_CONFIG_NOSYSTEM="1", XDG_CONFIG_HOME=os.path.join(home, ".config"))
    env["PATH"] = os.path.dirname(BINARY) + ":" + env["PATH"]
    return env


def make_repo(root, name, env, hooks):
    path = os.path.join(root, name)
    os.makedirs(path)
    git(path, "init", "-q", env=env)
    with open(os.path.join(path, "seed"), "w") as handle:
        handle.write("seed\n")
    git(path, "add", "-A", env=env)
    git(path, "commit", "-q", "-m", "seed", env=env)
    if hooks:
        subprocess.run([BINARY, "init"], cwd=path, env=env, check=True, capture_output=True)
    return path


def payload(repo, event, path, tool_use):
    return json.dumps({
        "session_id": "bench", "transcript_path": "/nonexistent", "cwd": repo,
        "hook_event_name": event, "tool_name": "Edit",
        "tool_input": {"file_path": os.path.join(repo, path)}, "tool_use_id": tool_use,
    }).encode()


def median_ms(values):
    return statistics.median(values) * 1000


def big_file_repo(root, name, env):
    """A repository with hooks whose one commit adds big.swift, 5,000 lines: the
    repository, the file's path and its lines."""
    repo = make_repo(root, name, env, hooks=True)
    target = os.path.join(repo, "big.swift")
    lines = [f"let value{i} = {i} // line {i}\n" for i in range(5000)]
    with open(target, "w") as handle:
        handle.writelines(lines)
    git(repo, "add", "-A", env=env)
    git(repo, "commit", "-q", "-m", "big", env=env)
    return repo, target, lines


def bench_capture(root, env):
    repo, target, _ = big_file_repo(root, "capture", env)
    capture, baseline = [], []
    for round_ in range(ROUNDS):
        baseline.append(run(["git", "--version"], repo, env=env))
        capture.append(run([BINARY, "capture", "--agent", "claude-code"], repo, payload(repo, "PreToolUse", "big.swift", f"t{round_}"), env))
        with open(target, "r+") as handle:
            lines = handle.readlines()
            lines[(round_ * 97) % 5000] = f"// edited by the agent in round {round_}\n"
            handle.seek(0)
            handle.writelines(lines)
            handle.truncate()
        capture.append(run([BINARY, "capture", "--agent", "claude-code"], repo, payload(repo, "PostToolUse", "big.swift", f"t{round_}"), env))
    return median_ms(capture), median_ms(baseline)


def bench_editor_capture(root, env):
    """The VS Code extension's calls on a 5,000-line file: an accepted completion (its
    text before and after in the payload) and a save (the text), each a process."""
    repo, target, lines = big_file_repo(root, "editor", env)
    accepted, saved = [], []
    for round_ in range(ROUNDS):
        before = "".join(lines)
        at = (round_ * 97) % 5000
        lines.insert(at, f"    completion({round_}) // accepted\n")
        after = "".join(lines)
        edit = json.dumps({"event": "edit", "agent": "copilot", "file": target, "before": before, "after": after})
        accepted.append(run([BINARY, "capture", "--agent", "editor"], repo, edit.encode(), env))
        lines[at + 1] = f"// typed by hand in round {round_}\n"
        with open(target, "w") as handle:
            handle.writelines(lines)
        save = json.dumps({"event": "person", "file": target, "text": "".join(lines)})
        saved.append(run([BINARY, "capture", "--agent", "editor"], repo, save.encode(), env))
    return median_ms(accepted), median_ms(saved)


def bench_new_agents(root, env):
    """Windsurf's pre/post write hooks (the binary), and Cline's and Auggie's pre and
    post tool hooks (their installed hook scripts, a shell around the binary) on a
    5,000-line file."""
    repo, target, _ = big_file_repo(root, "agents", env)
    for agent in ("cline", "augment"):
        subprocess.run([BINARY, "hooks", "install", "--agent", agent], cwd=repo, env=env, check=True, capture_output=True)
    script = os.path.join(repo, ".clinerules", "hooks")
    augment_scripts = os.path.join(repo, ".augment", "hooks")
    windsurf, cline, augment = [], [], []
    for round_ in range(ROUNDS):
        for name in ("pre_write_code", "post_write_code"):
            event = {"agent_action_name": name, "trajectory_id": "bench", "execution_id": f"w{round_}",
                     "tool_info": {"file_path": target, "edits": []}}
            windsurf.append(run([BINARY, "capture", "--agent", "windsurf"], repo, json.dumps(event).encode(), env))
        for hook in ("PreToolUse", "PostToolUse"):
            key = "preToolUse" if hook == "PreToolUse" else "postToolUse"
            event = {"hookName": hook, "taskId": "bench", "workspaceRoots": [repo],
                     key: {"toolName": "replace_in_file", "parameters": {"path": "big.swift"}}}
            cline.append(run([os.path.join(script, hook)], repo, json.dumps(event).encode(), env))
        for name in ("pre-tool-use", "post-tool-use"):
            event = {"conversation_id": "bench", "workspace_roots": [repo], "tool_name": "str-replace-editor",
                     "tool_input": {"command": "str_replace", "path": "big.swift"}}
            path = os.path.join(augment_scripts, f"sessiontrace-{name}.sh")
            augment.append(run([path], repo, json.dumps(event).encode(), env))
    return median_ms(windsurf), median_ms(cline), median_ms(augment)


def bench_classify(root, env):
    """`classify --content-only` over 400 commits each adding four 40-line Python
    blocks (64,000 lines): added lines scored per second of CPU (git-trace and the git
    log it reads, together) and of wall time."""
    import resource
    repo = make_repo(root, "classify", env, hooks=False)
    for commit in range(400):
        for block in range(4):
            name = f"pkg/m{commit}_{block}.py"
            os.makedirs(os.path.join(repo, "pkg"), exist_ok=True)
            with open(os.path.join(repo, name), "w") as handle:
                handle.write(f"def handler_{commit}_{block}(request, retries={block}):\n")
                for line in range(39):
                    handle.write(f"    value_{line} = request.get('k{line}', {commit * line}) + retries  # step {line}\n")
        git(repo, "add", "-A", env=env)
        git(repo, "commit", "-q", "-m", f"c{commit}", env=env)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    out = subprocess.run([BINARY, "classify", "--content-only", "--json", "--quiet"], cwd=repo, env=env,
                         check=True, capture_output=True).stdout
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    lines = json.loads(out)["summary"]["lines_scored"]
    return lines, lines / cpu, lines / wall, repo


def bench_estimates(repo, env, trust):
    """The 400 commits of bench_classify estimated with `classify --record`, then
    verified with and without --content (which makes each estimate again): seconds
    for each, the remaking's cost per estimate against the plain verification."""
    started = time.perf_counter()
    subprocess.run([BINARY, "classify", "--record", "--quiet"], cwd=repo, env=env, check=True, capture_output=True)
    record = time.perf_counter() - started
    plain, content = [], []
    for _ in range(3):
        for runs, extra in ((plain, []), (content, ["--content"])):
            started = time.perf_counter()
            subprocess.run([BINARY, "verify", "--trust", trust] + extra, cwd=repo, env=env, check=True,
                           capture_output=True)
            runs.append(time.perf_counter() - started)
    return record, statistics.median(plain), statistics.median(content)


def prepare_commit(repo, env, round_, captured):
    """20 edits over 10 files (2 per file), captured as an agent's when `captured`."""
    for edit in range(20):
        name = f"f{edit % 10}.txt"
        path = os.path.join(repo, name)
        if captured:
            run([BINARY, "capture", "--agent", "claude-code"], repo, payload(repo, "PreToolUse", name, f"r{round_}e{edit}"), env)
        with open(path, "a") as handle:
            handle.writelines(f"round {round_} edit {edit} line {k}\n" for k in range(5))
        if captured:
            run([BINARY, "capture", "--agent", "claude-code"], repo, payload(repo, "PostToolUse", name, f"r{round_}e{edit}"), env)
    git(repo, "add", "-A", env=env)


def bench_commit(root, env):
    traced = make_repo(root, "traced", env, hooks=True)
    plain = make_repo(root, "plain", env, hooks=False)
    with_hooks, without_hooks, job = [], [], []
    piped_with, piped_without = [], []
    rounds = ROUNDS // 2
    for round_ in range(rounds):
        # Every other round through pipes (the job must not hold them open).
        piped = round_ % 2 == 1
        prepare_commit(plain, env, round_, captured=False)
        (piped_without if piped else without_hooks).append(run(["git", "commit", "-q", "-m", f"r{round_}"], plain, env=env, piped=piped))
        prepare_commit(traced, env, round_, captured=True)
        (piped_with if piped else with_hooks).append(run(["git", "commit", "-q", "-m", f"r{round_}"], traced, env=env, piped=piped))
        # Let the background job finish before the next round, then time the job alone
        # on a twin commit (same content, hooks' work done in the foreground).
        time.sleep(0.2)
    foreground_env = dict(env, SESSIONTRACE_FOREGROUND="1")
    for round_ in range(rounds, rounds + max(5, rounds // 3)):
        prepare_commit(traced, env, round_, captured=True)
        started = time.perf_counter()
        subprocess.run(["git", "commit", "-q", "-m", f"r{round_}"], cwd=traced, env=foreground_env, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        job.append(time.perf_counter() - started)
    notes = git(traced, "notes", "--ref", "sessiontrace", "list", env=env).count("\n")
    return median_ms(with_hooks), median_ms(without_hooks), median_ms(job), notes, median_ms(piped_with), median_ms(piped_without)


def bench_rebase(root, env):
    foreground = dict(env, SESSIONTRACE_FOREGROUND="1")
    results = {}
    for hooks in (False, True):
        repo = make_repo(root, f"rebase-{'traced' if hooks else 'plain'}", env, hooks=hooks)
        git(repo, "checkout", "-q", "-b", "topic", env=env)
        for index in range(100):
            with open(os.path.join(repo, f"file{index % 10}.txt"), "a") as handle:
                handle.writelines(f"commit {index} line {k}\n" for k in range(3))
            git(repo, "add", "-A", env=env)
            git(repo, "commit", "-q", "-m", f"change {index}", env=foreground)
        git(repo, "checkout", "-q", "-", env=env)
        with open(os.path.join(repo, "upstream.txt"), "w") as handle:
            handle.write("upstream\n")
        git(repo, "add", "-A", env=env)
        git(repo, "commit", "-q", "-m", "upstream", env=foreground)
        main_branch = git(repo, "rev-parse", "--abbrev-ref", "HEAD", env=env).strip()
        git(repo, "checkout", "-q", "topic", env=env)
        started = time.perf_counter()
        subprocess.run(["git", "rebase", "-q", main_branch], cwd=repo, env=foreground, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        results[hooks] = time.perf_counter() - started
        if hooks:
            notes = git(repo, "notes", "--ref", "sessiontrace", "list", env=env).count("\n")
    return results[True], results[False], notes


def openssl_verify_rate(cores):
    """Ed25519 verifications per second on all cores, as `openssl speed` measures them."""
    output = subprocess.run(["openssl", "speed", "-seconds", "3", "-multi", str(cores), "ed25519"],
                            capture_output=True, text=True).stdout
    for line in output.splitlines():
        # The summary line: "253 bits EdDSA (Ed25519)  <sign s> <verify s> <sign/s> <verify/s>".
        if line.strip().startswith("253 bits EdDSA"):
            return float(line.split()[-1])
    raise SystemExit("could not read openssl speed output")


def bench_verify(root, env):
    size = 20000 if QUICK else 80000
    generator = os.path.join(os.path.dirname(BINARY), "sessiontrace-ledger-generator")
    repo = os.path.join(root, "scale")
    key = os.path.join(env["HOME"], ".config", "sessiontrace", "signing_key.pem")
    subprocess.run([generator, repo, str(size), key, "bench@example.com"], check=True, stdout=subprocess.DEVNULL, env=env)
    trust = os.path.join(root, "trust")
    cores = os.cpu_count()
    # As written: one loose object per note.
    loose = run([BINARY, "verify", "--trust", trust], repo, env=env)
    # As a repository holds them once `git gc --auto` has run (it does past 6,700 loose
    # objects): packed, with a commit-graph (gc.writeCommitGraph is on by default).
    git(repo, "repack", "-d", "-q", env=env)
    git(repo, "commit-graph", "write", "--reachable", env=env)
    # Other machines' load moves both rates by 10 % or more within a minute here: each
    # round runs verify and `openssl speed` back to back, and the result is the
    # median round.
    rounds = []
    for _ in range(3 if QUICK else 7):
        seconds = run([BINARY, "verify", "--trust", trust], repo, env=env)
        rounds.append((size / seconds / openssl_verify_rate(cores), seconds))
        # (Sorting the rounds by ratio keeps each round's time with its ratio.)
    ratio, packed = sorted(rounds)[len(rounds) // 2]
    openssl_rate = size / packed / ratio
    content = run([BINARY, "verify", "--trust", trust, "--content"], repo, env=env)
    run([BINARY, "verify", "--trust", trust, "--cache"], repo, env=env)
    warm = run([BINARY, "verify", "--trust", trust, "--cache"], repo, env=env)
    return size, loose, packed, content, warm, openssl_rate, cores, [100 * r for r, _ in rounds]


def bench_real_history(root, env):
    """Returns a dict of figures, or None without a history."""
    source = os.environ.get("BENCH_REPO") or os.environ.get("SESSIONTRACE_BENCH_HISTORY")
    if not source:
        return None
    repo = os.path.join(root, "history")
    subprocess.run(["git", "clone", "-q", "--no-checkout", source, repo], check=True, env=env)
    pack_bytes = sum(os.path.getsize(os.path.join(repo, ".git", "objects", "pack", name))
                     for name in os.listdir(os.path.join(repo, ".git", "objects", "pack")) if name.endswith(".pack"))
    generator = os.path.join(os.path.dirname(BINARY), "sessiontrace-ledger-generator")
    key = os.path.join(env["HOME"], ".config", "sessiontrace", "signing_key.pem")
    attach = [generator, "--attach", repo, "--key", key, "--email", "bench@example.com", "--seed", "7"]
    made = subprocess.run(attach + (["--limit", "10000"] if QUICK else []), check=True, capture_output=True,
                          text=True, env=env)
    records = int(made.stdout.split()[0])
    git(repo, "gc", "-q", env=env)
    # The notes' own objects, packed as gc packs them (deltas among themselves only).
    objects = subprocess.run(["git", "rev-list", "--objects", "refs/notes/sessiontrace"], cwd=repo, env=env,
                             check=True, capture_output=True).stdout
    ids = b"\n".join(line.split(b" ")[0] for line in objects.splitlines()) + b"\n"
    notes_bytes = len(subprocess.run(["git", "pack-objects", "--stdout", "-q"], cwd=repo, env=env, input=ids,
                                     check=True, capture_output=True).stdout)
    trust = os.path.join(root, "trust")
    rounds = []
    for _ in range(3):
        seconds = run([BINARY, "verify", "--trust", trust], repo, env=env)
        rounds.append((records / seconds / openssl_verify_rate(os.cpu_count()), seconds))
    ratio, seconds = sorted(rounds)[1]
    numstat = run(["git", "log", "--numstat", "--no-merges", "--format=%H"], repo, env=env)
    report = [BINARY, "report", "--trust", trust, "--format", "json", "--output", os.path.join(root, "real.json")]
    no_tree = run(report + ["--no-tree"], repo, env=env)
    # With the tree's surviving lines: cold (no provenance cache: the forward walk),
    # then again from the cache.
    shutil.rmtree(os.path.join(repo, ".git", "sessiontrace", "provenance"), ignore_errors=True)
    cold = run(report, repo, env=env)
    warm = run(report, repo, env=env)
    # The forward walk's lines against git blame's, on a sample of the files and on
    # the files with the longest histories (exit 1 names the first difference).
    compared = subprocess.run(
        [generator, "--compare-blame", repo, "--sample", "30" if QUICK else "150", "--seed", "1",
         "--path", "Makefile", "--path", "builtin/commit.c"], env=env, capture_output=True, text=True)
    if compared.returncode != 0:
        raise SystemExit(f"forward blame differs from git blame: {compared.stdout}{compared.stderr}")
    policy = os.path.join(root, "check-policy.yml")
    with open(policy, "w") as handle:
        handle.write(CHECK_POLICY)
    started = time.perf_counter()
    checked = subprocess.run([BINARY, "check", "--trust", trust, "--policy", policy, "--format", "json", "--output",
                              os.path.join(root, "real-check.json")], cwd=repo, env=env, capture_output=True)
    if checked.returncode not in (0, 1):
        raise SystemExit(f"check failed: {checked.stderr.decode()}")
    check_seconds = time.perf_counter() - started
    return {"records": records, "seconds": seconds, "openssl": records / seconds / ratio, "check": check_seconds,
            "name": os.path.basename(os.path.normpath(source)), "notes": notes_bytes, "pack": pack_bytes,
            "numstat": numstat, "report": no_tree, "cold": cold, "warm": warm,
            "compared": compared.stdout.strip()}


CHECK_POLICY = """sensitive_paths: [file1.txt]
rules:
  max_ai_share: {percent: 50, severity: warning}
  sensitive_review: {reviews: 1, severity: warning}
  models: {allow: ["anthropic/*", "openai/*"], severity: error}
  require_records: {severity: error}
"""


def bench_check(root, env, repo, commits):
    """`git trace check` over the newest 1,000 commits and over all of `repo`'s
    `commits` (every rule on, a policy given), each against `git trace verify` of the same
    range: check verifies, then judges. Check exits 1 when a rule is broken."""
    policy = os.path.join(root, "check-policy.yml")
    with open(policy, "w") as handle:
        handle.write(CHECK_POLICY)
    trust = os.path.join(root, "trust")

    def timed(args):
        started = time.perf_counter()
        result = subprocess.run(args, cwd=repo, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        if result.returncode not in (0, 1):
            raise SystemExit(f"{' '.join(args)} failed: {result.stderr.decode()}")
        return time.perf_counter() - started

    check = [BINARY, "check", "--trust", trust, "--policy", policy, "--format", "json"]
    small_range = "HEAD~1000..HEAD"
    timed(check + [small_range])  # warm-up: page cache, pack indexes
    small = statistics.median(timed(check + [small_range]) for _ in range(5))
    small_verify = statistics.median(timed([BINARY, "verify", "--trust", trust, small_range]) for _ in range(5))
    whole = timed(check + ["HEAD"])
    whole_verify = timed([BINARY, "verify", "--trust", trust, "HEAD"])
    return {"small": small, "small_verify": small_verify, "whole": whole, "whole_verify": whole_verify,
            "commits": commits}


def bench_reports(root, env):
    """blame against git blame, and the report against git log --numstat, on the
    verify benchmark's repository (run after it)."""
    repo = os.path.join(root, "scale")
    trust = os.path.join(root, "trust")
    rounds = 7
    ours, theirs = [], []
    # One warm-up each (page cache, pack indexes), then interleaved rounds: blame takes
    # about a second and varies by ±10 % from run to run here.
    run(["git", "blame", "--porcelain", "file7.txt"], repo, env=env)
    run([BINARY, "blame", "file7.txt", "--porcelain"], repo, env=env)
    for _ in range(rounds):
        theirs.append(run(["git", "blame", "--porcelain", "file7.txt"], repo, env=env))
        ours.append(run([BINARY, "blame", "file7.txt", "--porcelain"], repo, env=env))
    numstat = run(["git", "log", "--numstat", "--format=%H"], repo, env=env)
    shutil.rmtree(os.path.join(repo, ".git", "sessiontrace", "provenance"), ignore_errors=True)
    report = [BINARY, "report", "--trust", trust, "--format", "json", "--output", os.path.join(root, "report.json")]
    cold = run(report, repo, env=env)
    warm = run(report, repo, env=env)
    no_tree = run(report + ["--no-tree"], repo, env=env)
    return statistics.median(ours), statistics.median(theirs), numstat, cold, warm, no_tree


def main():
    root = tempfile.mkdtemp(prefix="sessiontrace-bench-")
    try:
        home = os.path.join(root, "home")
        os.makedirs(home)
        env = make_env(home)
        git(root, "config", "--global", "user.email", "bench@example.com", env=env)
        git(root, "config", "--global", "user.name", "Bench", env=env)
        keygen = subprocess.run([BINARY, "keygen"], cwd=root, env=env, check=True, capture_output=True)
        with open(os.path.join(root, "trust"), "wb") as handle:
            handle.write(keygen.stdout)
        capture_ms, start_ms = bench_capture(root, env)
        editor_accept_ms, editor_save_ms = bench_editor_capture(root, env)
        windsurf_ms, cline_ms, augment_ms = bench_new_agents(root, env)
        hooked_ms, plain_ms, job_ms, notes, piped_hooked_ms, piped_plain_ms = bench_commit(root, env)
        rebase_traced, rebase_plain, rebase_notes = bench_rebase(root, env)
        size, loose, cold, content, warm, openssl_rate, cores, verify_ratios = bench_verify(root, env)
        blame_ours, blame_git, numstat, report_cold, report_warm, report_no_tree = bench_reports(root, env)
        checked = bench_check(root, env, os.path.join(root, "scale"), size)
        classified, per_cpu, per_wall, classified_repo = bench_classify(root, env)
        record_s, verify_plain_s, verify_content_s = bench_estimates(
            classified_repo, env, os.path.join(root, "trust"))
        real = bench_real_history(root, env)
        cpu = platform.processor() or platform.machine()
        try:
            with open("/proc/cpuinfo") as handle:
                cpu = next(line.split(":", 1)[1].strip() for line in handle if line.startswith("model name"))
        except (OSError, StopIteration):
            pass
        print(f"machine: {cpu}, {os.cpu_count()} cores, {platform.system()} {platform.release()}")
        print(f"date: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; rounds: {ROUNDS}")
        print(f"capture hook call, 5,000-line file: median {capture_ms:.1f} ms "
              f"(baseline 'git --version' {start_ms:.1f} ms; target <= 6 ms, the scale issue's goal 6) {'PASS' if capture_ms <= 6 else 'FAIL'}")
        print(f"editor capture, 5,000-line file: accepted completion median {editor_accept_ms:.1f} ms, save {editor_save_ms:.1f} ms "
              f"(hook budget <= 15 ms) {'PASS' if max(editor_accept_ms, editor_save_ms) <= 15 else 'FAIL'}")
        print(f"new agents' hook calls, 5,000-line file: windsurf median {windsurf_ms:.1f} ms, cline (its hook script) {cline_ms:.1f} ms, "
              f"augment (its hook scripts) {augment_ms:.1f} ms "
              f"(hook budget <= 15 ms) {'PASS' if max(windsurf_ms, cline_ms, augment_ms) <= 15 else 'FAIL'}")
        print(f"classify --content-only, {classified} added lines: {per_cpu:,.0f} lines per CPU second "
              f"(git-trace and its git log together; target >= 50,000 per core) {'PASS' if per_cpu >= 50000 else 'FAIL'}, "
              f"{per_wall:,.0f} per second of wall time")
        print(f"classify --record, the same 400 commits: {record_s:.2f} s; verify {verify_plain_s:.2f} s, "
              f"verify --content (each estimate made again) {verify_content_s:.2f} s "
              f"= {(verify_content_s - verify_plain_s) * 1000 / 400:.1f} ms more per estimate")
        print(f"git commit, 10 files / 20 captured AI edits: median {hooked_ms:.1f} ms with hooks vs {plain_ms:.1f} ms without "
              f"= {hooked_ms / plain_ms:.2f}x (target <= 1.30x) {'PASS' if hooked_ms <= 1.3 * plain_ms else 'FAIL'}")
        print(f"  read through pipes: {piped_hooked_ms:.1f} ms with hooks vs {piped_plain_ms:.1f} ms without "
              f"= {piped_hooked_ms / piped_plain_ms:.2f}x (target <= 1.30x) {'PASS' if piped_hooked_ms <= 1.3 * piped_plain_ms else 'FAIL'}")
        print(f"  recording job in the foreground (SESSIONTRACE_FOREGROUND=1): median {job_ms:.1f} ms per commit; "
              f"{notes} commits recorded")
        print(f"git rebase of 100 recorded commits: {rebase_traced:.2f} s with the post-rewrite hook in the foreground vs "
              f"{rebase_plain:.2f} s without hooks = +{rebase_traced - rebase_plain:.2f} s (target <= +2 s) "
              f"{'PASS' if rebase_traced - rebase_plain <= 2 else 'FAIL'}; {rebase_notes} notes")
        rate = size / cold
        print(f"verify {size} records (notes packed), median of {len(verify_ratios)} rounds: {cold:.2f} s cold = {rate:.0f} records/s "
              f"on {cores} cores vs openssl speed ed25519 {openssl_rate:.0f} verifications/s in the same round "
              f"= {100 * rate / openssl_rate:.0f}% (target >= 80%) {'PASS' if rate >= 0.8 * openssl_rate else 'FAIL'}; "
              f"rounds: {', '.join(f'{r:.0f}%' for r in verify_ratios)}")
        print(f"  notes as loose objects: {loose:.2f} s = {100 * size / loose / openssl_rate:.0f}%; "
              f"with --content (every range checked against its file): {content:.2f} s = {100 * size / content / openssl_rate:.0f}%")
        print(f"  cached re-run: {warm:.2f} s = {100 * warm / cold:.1f}% of the cold run (target <= 5%) "
              f"{'PASS' if warm <= 0.05 * cold else 'FAIL'}")
        print(f"blame of an 800-line file, each line from another commit: {blame_ours:.2f} s vs git blame --porcelain "
              f"{blame_git:.2f} s = {blame_ours / blame_git:.2f}x (target <= 1.2x) {'PASS' if blame_ours <= 1.2 * blame_git else 'FAIL'}")
        print(f"report over {size} commits: {report_cold:.2f} s cold (blaming the whole tree), {report_warm:.2f} s again "
              f"(provenance cache), {report_no_tree:.2f} s without the tree; git log --numstat {numstat:.2f} s "
              f"= {report_warm / numstat:.1f}x for the second run")
        per_small, per_whole = checked["small"] / 1000, checked["whole"] / checked["commits"]
        print(f"check, every rule on: 1,000 commits {checked['small']:.2f} s (target <= 2 s) "
              f"{'PASS' if checked['small'] <= 2 else 'FAIL'}, verify of the same {checked['small_verify']:.2f} s; "
              f"all {checked['commits']} commits {checked['whole']:.2f} s, verify {checked['whole_verify']:.2f} s; "
              f"per commit {1e3 * per_whole:.2f} ms vs {1e3 * per_small:.2f} ms = {per_whole / per_small:.2f}x "
              f"(linear: <= 1.5x) {'PASS' if per_whole <= 1.5 * per_small else 'FAIL'}")
        if real:
            print(f"real history ({real['name']}): {real['records']} records; notes packed {real['notes'] / 1e6:.1f} MB "
                  f"= {100 * real['notes'] / real['pack']:.2f}% of the repository's {real['pack'] / 1e6:.0f} MB pack "
                  f"(target <= 5%) {'PASS' if real['notes'] <= 0.05 * real['pack'] else 'FAIL'}")
            rate = real['records'] / real['seconds']
            print(f"  verify: median of 3 rounds {real['seconds']:.2f} s = {rate:.0f} records/s vs openssl "
                  f"{real['openssl']:.0f}/s = {100 * rate / real['openssl']:.0f}% (target >= 80%) "
                  f"{'PASS' if rate >= 0.8 * real['openssl'] else 'FAIL'}")
            print(f"  check, every rule on, whole history: {real['check']:.1f} s = {real['check'] / real['seconds']:.2f}x "
                  f"verify and {real['check'] / real['numstat']:.2f}x git log --numstat")
            print(f"  report --no-tree: {real['report']:.1f} s vs git log --numstat {real['numstat']:.1f} s "
                  f"= {real['report'] / real['numstat']:.1f}x")
            print(f"  report with the tree: cold {real['cold']:.1f} s = {real['cold'] / real['numstat']:.1f}x "
                  f"(target <= 5x) {'PASS' if real['cold'] <= 5 * real['numstat'] else 'FAIL'}; "
                  f"warm {real['warm']:.1f} s = {real['warm'] / real['numstat']:.2f}x (target <= 1.5x) "
                  f"{'PASS' if real['warm'] <= 1.5 * real['numstat'] else 'FAIL'}")
            print(f"  forward blame: {real['compared']}")
        else:
            print("real history: skipped (set BENCH_REPO to a clone, e.g. of git's own)")
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
