// Provenance: git blame joined with verified records: who (which person, agent,
// model and session) wrote each line of a file as it is now.
