// Git: libgit2 behind small Swift types (repository, commits, trees, blobs, notes with
// fan-out, configuration, the work tree) and the git command line where libgit2 falls
// short, run through ChildProcess, the package's one way of starting processes; the
// line diff capture and verification share. No C type leaves this module.
