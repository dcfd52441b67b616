// Capture: spec/capture.md. Agents' hook payloads → the working log → line origins →
// the attribution of each commit, including what rewrites (amend, rebase, cherry-pick,
// squash) carry over.
