import Foundation

/// Where a repository's working tree and git directories are, found by walking up
/// from a directory as git does (a `.git` directory, or a `.git` file naming the git
/// directory of a linked worktree or submodule). Pure file-system work: the agent
/// hooks use it to avoid starting libgit2, whose start-up loads the system's TLS
/// certificates (spec/capture.md §2).
public struct GitLayout: Sendable, Equatable {
    /// The top of the working tree, without a trailing slash.
    public let workTree: String
    /// This worktree's git directory, without a trailing slash.
    public let gitDirectory: String

    public init(workTree: String, gitDirectory: String) {
        self.workTree = workTree
        self.gitDirectory = gitDirectory
    }

    public static func discover(from start: String) -> GitLayout? {
        let manager = FileManager.default
        var directory = URL(fileURLWithPath: start).standardizedFileURL.path
        while true {
            let dotGit = directory == "/" ? "/.git" : directory + "/.git"
            var isDirectory: ObjCBool = false
            if manager.fileExists(atPath: dotGit, isDirectory: &isDirectory) {
                if isDirectory.boolValue { return GitLayout(workTree: directory, gitDirectory: dotGit) }
                if let text = try? String(contentsOfFile: dotGit, encoding: .utf8),
                   let line = text.split(separator: "\n").first, line.hasPrefix("gitdir: ") {
                    var target = String(line.dropFirst(8)).trimmingCharacters(in: .whitespaces)
                    if !target.hasPrefix("/") { target = directory + "/" + target }
                    return GitLayout(workTree: directory, gitDirectory: URL(fileURLWithPath: target).standardizedFileURL.path)
                }
            }
            if directory == "/" { return nil }
            directory = (directory as NSString).deletingLastPathComponent
        }
    }

    /// The repository-relative path (with `/`) of a path a user or agent gave, read
    /// relative to `currentDirectory`; nil when it lies outside the working tree.
    public func repositoryPath(forUserPath userPath: String, currentDirectory: String) -> String? {
        GitLayout.relativePath(userPath, currentDirectory: currentDirectory, workTree: workTree)
    }

    static func relativePath(_ userPath: String, currentDirectory: String, workTree: String) -> String? {
        func resolved(_ path: String) -> [String] {
            URL(fileURLWithPath: path).resolvingSymlinksInPath().standardizedFileURL.pathComponents
        }
        let root = resolved(workTree)
        var components = userPath.hasPrefix("/") ? resolved("/") : resolved(currentDirectory)
        for part in userPath.split(separator: "/") {
            switch part {
            case ".": continue
            case "..": if components.count > 1 { components.removeLast() }
            default: components.append(String(part))
            }
        }
        guard components.count > root.count, Array(components.prefix(root.count)) == root else { return nil }
        return components.dropFirst(root.count).joined(separator: "/")
    }

    /// A working-tree file's bytes; nil when it does not exist or is not a regular file.
    public func readWorkingFile(_ path: String) -> [UInt8]? {
        let full = workTree + "/" + path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: full, isDirectory: &isDirectory), !isDirectory.boolValue,
              let data = FileManager.default.contents(atPath: full)
        else { return nil }
        return Array(data)
    }
}
