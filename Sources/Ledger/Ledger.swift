// Ledger: spec/records.md §1. Records on commits in refs/notes/sessiontrace:
// reading notes, building statements from line claims, signing and appending.
