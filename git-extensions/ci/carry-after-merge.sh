#!/bin/sh
# CI recipe: after a pull request is merged by squash or rebase on the server (where
# no git hook runs), derive the merged commits' records from the pull request's
# commits and push them. Run it in the merge pipeline with the repository checked
# out at the merge commit, full history and notes fetched, and a CI signing key
# listed in the repository's .sessiontrace/allowed_signers:
#
#   git fetch origin 'refs/notes/sessiontrace:refs/notes/sessiontrace' '+refs/heads/*:refs/remotes/origin/*'
#   SESSIONTRACE_SIGNING_KEY=/run/secrets/ci_signing_key.pem \
#     git-extensions/ci/carry-after-merge.sh <merge-commit> <pr-base-commit> <pr-head-commit>
#
# GitHub Actions, for example, provides the last two as
# github.event.pull_request.base.sha and github.event.pull_request.head.sha.
set -eu
merged="$1"
base="$2"
head="$3"
git config user.email >/dev/null || git config user.email "ci@localhost"
git trace carry "$merged" --from "$base..$head"
git trace sync
