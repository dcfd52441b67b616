// Git: libgit2 behind small Swift types (repository, commits, trees, blobs, notes with
// fan-out, configuration, the work tree) and the git command line where libgit2 falls
// short; the line diff capture and verification share. No C type leaves this module.
