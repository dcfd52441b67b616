// Sync: spec/sync.md. Fetching, union-merging and pushing the notes ref, so that no
// record is lost when teammates sync.
