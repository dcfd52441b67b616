import Foundation
import Git
import Signing

/// File contents capture has seen, stored by git blob id under
/// `<git dir>/sessiontrace/objects/xx/yyyy…` (spec/capture.md §2). Kept out of git's
/// object store because nothing references them there: `git gc` would prune them
/// while the working log still needs them. Unreferenced snapshots are removed after
/// each record.
struct SnapshotStore {
    let directory: String

    init(logDirectory: String) { directory = logDirectory + "/objects" }

    private func path(_ id: String) -> String {
        directory + "/" + id.prefix(2) + "/" + id.dropFirst(2)
    }

    /// Stores `content` (if not already there) and returns its blob id.
    func write(_ content: [UInt8]) throws -> String {
        let id = GitObjectHash.blobID(content)
        let target = path(id)
        let manager = FileManager.default
        guard !manager.fileExists(atPath: target) else { return id }
        let folder = (target as NSString).deletingLastPathComponent
        // Snapshots are copies of the user's files (a .env an agent edited): 0600 in 0700
        // directories, whatever the umask and the file's own mode.
        try AtomicFile.makePrivateDirectory(directory)
        try AtomicFile.makePrivateDirectory(folder)
        do { try AtomicFile.replace(target, with: content) } catch {
            throw WorkingLogError(description: "cannot write snapshot: \(error)")
        }
        return id
    }

    /// The content with blob id `id`, when stored here.
    func read(_ id: String) -> [UInt8]? {
        FileManager.default.contents(atPath: path(id)).map(Array.init)
    }

    /// Removes every snapshot whose id is not in `keep`.
    func collect(keeping keep: Set<String>) {
        let manager = FileManager.default
        guard let folders = try? manager.contentsOfDirectory(atPath: directory) else { return }
        for folder in folders {
            let folderPath = directory + "/" + folder
            for file in (try? manager.contentsOfDirectory(atPath: folderPath)) ?? [] where !keep.contains(folder + file)
            {
                try? manager.removeItem(atPath: folderPath + "/" + file)
            }
        }
    }
}
