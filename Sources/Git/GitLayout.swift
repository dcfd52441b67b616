import Foundation

/// Where a repository's working tree and git directories are, found by walking up
/// from a directory as git does (a `.git` directory, or a `.git` file naming the git
/// directory of a linked worktree or submodule). Pure file-system work: the agent
/// hooks use it to avoid starting libgit2, whose start-up loads the system's TLS
/// certificates (spec/capture.md §2).
package struct GitLayout: Sendable, Equatable {
    /// The top of the working tree, without a trailing slash.
    package let workTree: String
    /// This worktree's git directory, without a trailing slash.
    package let gitDirectory: String
    /// The work tree with every link resolved, as path components, found once: every
    /// path capture reads or is given is checked against it.
    private let resolvedWorkTree: [String]

    package init(workTree: String, gitDirectory: String) {
        self.workTree = workTree
        self.gitDirectory = gitDirectory
        resolvedWorkTree = GitLayout.canonicalComponents(workTree)
    }

    package static func discover(from start: String) -> GitLayout? {
        let manager = FileManager.default
        var directory = URL(fileURLWithPath: start).standardizedFileURL.path
        while true {
            let dotGit = directory == "/" ? "/.git" : directory + "/.git"
            var isDirectory: ObjCBool = false
            if manager.fileExists(atPath: dotGit, isDirectory: &isDirectory) {
                if isDirectory.boolValue { return GitLayout(workTree: directory, gitDirectory: dotGit) }
                if let text = try? String(contentsOfFile: dotGit, encoding: .utf8),
                    let line = text.split(separator: "\n").first, line.hasPrefix("gitdir: ")
                {
                    var target = String(line.dropFirst(8)).trimmingCharacters(in: .whitespaces)
                    if !target.hasPrefix("/") { target = directory + "/" + target }
                    return GitLayout(
                        workTree: directory, gitDirectory: URL(fileURLWithPath: target).standardizedFileURL.path)
                }
            }
            if directory == "/" { return nil }
            directory = (directory as NSString).deletingLastPathComponent
        }
    }

    /// The bare repository (git directory without a work tree) that `start` is in, as
    /// git recognises one (HEAD, objects/ and refs/), when `discover` found no work tree.
    package static func bareRepository(containing start: String) -> String? {
        let manager = FileManager.default
        var directory = URL(fileURLWithPath: start).standardizedFileURL.path
        while true {
            var isDirectory: ObjCBool = false
            if manager.fileExists(atPath: directory + "/HEAD"),
                manager.fileExists(atPath: directory + "/objects", isDirectory: &isDirectory), isDirectory.boolValue,
                manager.fileExists(atPath: directory + "/refs", isDirectory: &isDirectory), isDirectory.boolValue
            {
                return directory
            }
            if directory == "/" { return nil }
            directory = (directory as NSString).deletingLastPathComponent
        }
    }

    /// The repository-relative path (with `/`) of a path a user or agent gave, read
    /// relative to `currentDirectory`; nil when it lies outside the working tree.
    package func repositoryPath(forUserPath userPath: String, currentDirectory: String) -> String? {
        GitLayout.relativePath(userPath, currentDirectory: currentDirectory, root: resolvedWorkTree)
    }

    static func relativePath(_ userPath: String, currentDirectory: String, workTree: String) -> String? {
        relativePath(userPath, currentDirectory: currentDirectory, root: canonicalComponents(workTree))
    }

    private static func relativePath(_ userPath: String, currentDirectory: String, root: [String]) -> String? {
        var components = userPath.hasPrefix("/") ? ["/"] : canonicalComponents(currentDirectory)
        for part in userPath.split(separator: "/") {
            switch part {
            case ".": continue
            case "..": if components.count > 1 { components.removeLast() }
            default: components.append(String(part))
            }
        }
        guard components.count > 1 else { return nil }
        // The directories as the kernel resolves them (a workspace opened through a
        // symlinked directory, ~/src -> /data/src, is the same work tree), the file
        // itself not: a link in the work tree is a file of its own, never followed.
        let name = components.removeLast()
        components =
            canonicalComponents(components.count == 1 ? "/" : components.joined(separator: "/").dropFirst().description)
            + [name]
        guard components.count > root.count, Array(components.prefix(root.count)) == root else { return nil }
        return components.dropFirst(root.count).joined(separator: "/")
    }

    /// `path` (absolute) with every symbolic link resolved as far as it exists: what
    /// writing it writes. A link to nothing counts as not there (writing replaces it).
    package static func canonicalPath(_ path: String) -> String {
        let components = canonicalComponents(path)
        return components.count == 1 ? "/" : "/" + components.dropFirst().joined(separator: "/")
    }

    /// `path` with every symbolic link resolved as far as it exists (a directory an
    /// agent is about to create does not yet), as components starting with "/".
    static func canonicalComponents(_ path: String) -> [String] {
        var existing = URL(fileURLWithPath: path).standardizedFileURL.pathComponents
        var missing = [String]()
        while existing.count > 1 {
            let joined = "/" + existing.dropFirst().joined(separator: "/")
            if let resolved = realpath(joined, nil) {
                defer { free(resolved) }
                return URL(fileURLWithPath: String(cString: resolved)).pathComponents + missing.reversed()
            }
            missing.append(existing.removeLast())
        }
        return ["/"] + missing.reversed()
    }

    /// A working-tree file's bytes; nil when it does not exist, is not a regular file, is
    /// a symbolic link, or lies outside the work tree through a linked directory: capture
    /// never copies a file from outside the work tree by following a link.
    package func readWorkingFile(_ path: String) -> [UInt8]? {
        guard let (descriptor, size) = openWorkingFile(path) else { return nil }
        defer { close(descriptor) }
        var bytes = [UInt8](repeating: 0, count: size)
        var filled = 0
        while filled < bytes.count {
            let count = bytes.withUnsafeMutableBytes { read(descriptor, $0.baseAddress! + filled, $0.count - filled) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { break }
            filled += count
        }
        return filled == bytes.count ? bytes : Array(bytes.prefix(filled))
    }

    /// Whether `readWorkingFile` would find a file at `path`, without reading it (it
    /// may be large).
    package func hasWorkingFile(_ path: String) -> Bool {
        guard let (descriptor, _) = openWorkingFile(path) else { return false }
        close(descriptor)
        return true
    }

    /// The working-tree file at `path` opened for reading, with its size, under the rules
    /// of `readWorkingFile`; nil when they refuse it.
    private func openWorkingFile(_ path: String) -> (descriptor: Int32, size: Int)? {
        // The path's own bytes (GitPath), not its text's: a name that is not UTF-8 too.
        let full =
            (Array(workTree.utf8) + [UInt8(ascii: "/")] + GitPath.bytes(path)).map { CChar(bitPattern: $0) } + [0]
        guard let resolved = realpath(full, nil) else { return nil }
        let resolvedPath = String(cString: resolved)
        free(resolved)
        let root = resolvedWorkTree.count == 1 ? "/" : "/" + resolvedWorkTree.dropFirst().joined(separator: "/") + "/"
        guard resolvedPath.hasPrefix(root), resolvedPath.count > root.count else { return nil }
        let descriptor = open(full, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK)
        guard descriptor >= 0 else { return nil }
        var status = stat()
        guard fstat(descriptor, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG else {
            close(descriptor)
            return nil
        }
        return (descriptor, Int(status.st_size))
    }
}
