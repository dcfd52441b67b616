#!/bin/sh
# SessionTrace: hands Auggie's PreToolUse payload to 'git trace capture', which
# snapshots the files around each tool call. Installed by 'git trace hooks
# install --agent augment'. Capture never blocks Auggie: what it has to say goes
# to stderr, and this script always exits 0.
git-trace capture --agent augment --event before >/dev/null || true
