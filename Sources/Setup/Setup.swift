// Setup: what `git trace init` and `uninstall` change: the git hooks (chaining any
// already there), agents' hook configurations, the repository's notes configuration.
