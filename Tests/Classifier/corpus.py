"""Labelled blocks from local clones (spec/classifier.md §5).

    corpus.py CORPUS_DIR OUT.pickle

CORPUS_DIR holds git repositories (bare or not), one per folder; a folder named
OWNER+NAME (as the search tool's fetch names them) or OWNER/NAME gives the
organisation. Per repository, commits are put in three classes:
  ai        from 2024 on, with an AI marker (markers.py)
  human-old before 2021-06-01 (before Copilot's preview), no bot author
  human-new in 2023 and 2024, no AI marker, by an author who never left one in this
            repository, no bot author
and up to CAP commits of each class are sampled (a fixed seed per repository). From each, the added
blocks that are scored (blocks.unscored_reason), at most BLOCKS_PER_COMMIT of them, each
with its file context (features.context_window of the file in the commit's first parent).
"""

import datetime
import os
import pickle
import random
import subprocess
import sys

sys.path.insert(0, os.path.dirname(__file__))
import features as F  # noqa: E402
import markers  # noqa: E402
from blocks import added_blocks, unscored_reason  # noqa: E402

CAP = 120
BLOCKS_PER_COMMIT = 4
MAX_FILES = 40
OLD_BEFORE = datetime.datetime(2021, 6, 1, tzinfo=datetime.timezone.utc).timestamp()
AI_FROM = datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc).timestamp()
NEW_FROM = datetime.datetime(2023, 1, 1, tzinfo=datetime.timezone.utc).timestamp()
# Contemporary human code ends with 2024, as in the study the goals come from: later,
# more of the people who leave no marker use assistants anyway.
NEW_UNTIL = datetime.datetime(2025, 1, 1, tzinfo=datetime.timezone.utc).timestamp()


# git's defaults, pinned as the scorer pins them (GitCommand.pinnedHistorySettings): no
# configuration of this machine's changes where a block starts.
PINNED = ["core.commitGraph=false",
          "diff.algorithm=myers", "diff.indentHeuristic=true", "diff.interHunkContext=0", "diff.noprefix=false",
          "diff.mnemonicPrefix=false", "diff.orderFile=/dev/null", "diff.renameLimit=1000", "core.quotePath=true",
          "i18n.logOutputEncoding=UTF-8", "log.showSignature=false", "log.follow=false", "trailer.separators=:",
          "diff.submodule=short", "diff.ignoreSubmodules=none", "log.showRoot=true", "diff.srcPrefix=a/",
          "diff.dstPrefix=b/", "core.commentChar=#", "core.commentString=#", "core.bigFileThreshold=512m"]
# After `show`, as the scorer gives them (GitCommand.pinnedDiffOptions).
DIFF_OPTIONS = ["--ignore-submodules=none", "--diff-algorithm=myers"]
# Nor this environment's (GitCommand drops them from every git run, and reads no grafts).
DROPPED = ["GIT_DIFF_OPTS", "GIT_SHALLOW_FILE"]
ENVIRONMENT = dict({name: value for name, value in os.environ.items() if name not in DROPPED},
                   GIT_GRAFT_FILE="/dev/null")


def git(repo, *args):
    pinned = [part for setting in PINNED for part in ("-c", setting)]
    return subprocess.run(["git", "-C", repo, "--no-replace-objects", *pinned, *args], check=True,
                          capture_output=True, env=ENVIRONMENT).stdout


def parent_version(repo, sha, path):
    """The file at `path` in the commit's first parent; None when it has none there
    (a new file, a root commit)."""
    try:
        return git(repo, "cat-file", "blob", f"{sha}^:{path}")
    except subprocess.CalledProcessError:
        return None


def commits(repo):
    # A nonce no commit message can hold ends each entry.
    end = b"\x00" + os.urandom(8).hex().encode()
    out = git(repo, "log", "--no-merges", "--format=%H%x02%an%x02%ae%x02%at%x02%B%x00" + end[1:].decode())
    for entry in out.split(end):
        fields = entry.lstrip(b"\n").split(b"\x02", 4)
        if len(fields) == 5:
            sha, name, email, when, message = fields
            yield sha.decode(), name, email.lower(), int(when), message


def classify_commits(repo):
    listed = list(commits(repo))
    ai_authors = set()
    for sha, name, email, when, message in listed:
        if markers.ai_evidence(name, message, email):
            ai_authors.add(email)
    classes = {"ai": [], "human-old": [], "human-new": []}
    for sha, name, email, when, message in listed:
        evidence = markers.ai_evidence(name, message, email)
        if evidence and when >= AI_FROM:
            classes["ai"].append(sha)
        elif evidence or markers.is_bot(name):
            continue
        elif when < OLD_BEFORE:
            classes["human-old"].append(sha)
        elif NEW_FROM <= when < NEW_UNTIL and email not in ai_authors:
            classes["human-new"].append(sha)
    return classes


def main():
    corpus, out = sys.argv[1], sys.argv[2]
    rows = []
    for name in sorted(os.listdir(corpus)):
        repo = os.path.join(corpus, name)
        if os.path.isdir(os.path.join(repo, "repo")):
            repo = os.path.join(repo, "repo")
        if not os.path.isdir(repo):
            continue
        org = name.replace("/", "+").split("+")[0].lower()
        try:
            classes = classify_commits(repo)
        except subprocess.CalledProcessError:
            continue
        counts = {}
        # A seed per repository: adding a repository leaves the others' samples alone.
        rng = random.Random(f"sessiontrace-corpus:{name}")
        for label, shas in classes.items():
            picked = rng.sample(shas, min(CAP, len(shas)))
            taken = 0
            for sha in picked:
                try:
                    files = git(repo, "show", "--format=", "--name-only", sha).split(b"\n")
                    if len([f for f in files if f]) > MAX_FILES:
                        continue
                    diff = git(repo, "show", "--format=", "-U0", "--no-color", "--no-renames", "--no-ext-diff",
                               "--no-textconv", *DIFF_OPTIONS, sha)
                except subprocess.CalledProcessError:
                    continue  # objects the clone lacks (a snapshot leaves out files of 4 MiB and more)
                blocks = [b for b in added_blocks(diff) if unscored_reason(b[0], b[2]) is None]
                for path, start, lines in blocks[:BLOCKS_PER_COMMIT]:
                    parent = parent_version(repo, sha, path)
                    context = None if parent is None else F.context_window(parent, start)
                    rows.append({"repo": name, "org": org, "commit": sha, "label": label, "path": path,
                                 "start": start, "lines": lines, "context": context})
                    taken += 1
            counts[label] = taken
        print(f"{name}: " + ", ".join(f"{k} {len(v)} commits / {counts.get(k, 0)} blocks" for k, v in classes.items()),
              flush=True)
    with open(out, "wb") as handle:
        pickle.dump(rows, handle)
    print(f"{len(rows)} blocks")


if __name__ == "__main__":
    main()
