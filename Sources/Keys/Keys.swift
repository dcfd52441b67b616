// Keys: spec/records.md §5. Private keys on disk (0600, never printed), the signing identity git's
// configuration names, per-user secrets kept outside repositories.
