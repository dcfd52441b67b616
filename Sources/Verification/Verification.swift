// Verification: spec/records.md §6–7 and spec/checkpoints.md. Trust and revoked-key
// files, the verifier and its per-user cache, checkpoints and their Merkle tree, the
// record that governs each commit.
