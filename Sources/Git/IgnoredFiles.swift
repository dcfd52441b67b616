import Foundation

/// Whether git ignores a working-tree path, asked of git itself (`git check-ignore`:
/// nested `.gitignore` files, `info/exclude`, `core.excludesFile`, negations, tracked
/// files never ignored) — but only when some ignore pattern could match at all. An
/// agent hook cannot afford a git process for every edit (spec/capture.md §2), and most
/// paths match no pattern: a pattern test more permissive than git's (`*` crossing
/// `/`, case folded, negations and `**` taken as "maybe") rules them out without one.
package struct IgnoredFiles {
    let layout: GitLayout

    package init(layout: GitLayout) {
        self.layout = layout
    }

    package func isIgnored(_ path: String) -> Bool {
        guard mayBeIgnored(path) else { return false }
        let git = GitCommand(directory: layout.workTree)
        guard let result = try? git.run(["check-ignore", "-q", "--", path]) else { return false }
        return result.status == 0
    }

    /// False only when no ignore pattern that applies to `path` can match it.
    func mayBeIgnored(_ path: String) -> Bool {
        let components = path.split(separator: "/").map(String.init)
        guard !components.isEmpty else { return false }
        // Each directory's .gitignore applies to the paths below it, relative to it.
        var directory = ""
        for depth in 0..<components.count {
            let file = layout.workTree + (directory.isEmpty ? "" : "/" + directory) + "/.gitignore"
            if Self.anyPatternMatches(file, Array(components[depth...])) { return true }
            directory += (directory.isEmpty ? "" : "/") + components[depth]
        }
        for file in globalFiles() where Self.anyPatternMatches(file, components) { return true }
        return false
    }

    /// `info/exclude` (of the common git directory too, for a linked worktree) and the
    /// user's excludes file: `core.excludesFile` when a config sets it, else git's default.
    private func globalFiles() -> [String] {
        var files = [layout.gitDirectory + "/info/exclude"]
        if let common = Self.text(of: layout.gitDirectory + "/commondir") {
            let trimmed = common.trimmingCharacters(in: .whitespacesAndNewlines)
            files.append((trimmed.hasPrefix("/") ? trimmed : layout.gitDirectory + "/" + trimmed) + "/info/exclude")
        }
        let home = getenv("HOME").map { String(cString: $0) } ?? NSHomeDirectory()
        let xdg =
            getenv("XDG_CONFIG_HOME").map { String(cString: $0) }.flatMap { $0.isEmpty ? nil : $0 } ?? home + "/.config"
        files.append(xdg + "/git/ignore")
        for config in [home + "/.gitconfig", xdg + "/git/config", layout.gitDirectory + "/config", "/etc/gitconfig"] {
            guard let text = Self.text(of: config), text.range(of: "excludesfile", options: .caseInsensitive) != nil
            else { continue }
            for line in text.split(whereSeparator: \.isNewline) {
                let parts = line.split(separator: "=", maxSplits: 1)
                guard parts.count == 2, parts[0].trimmingCharacters(in: .whitespaces).lowercased() == "excludesfile"
                else { continue }
                var value = parts[1].trimmingCharacters(in: .whitespaces)
                if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 {
                    value = String(value.dropFirst().dropLast())
                }
                if value.hasPrefix("~/") { value = home + value.dropFirst() }
                files.append(value)
            }
        }
        return files
    }

    /// Whether a pattern of `file` may match `components` (relative to the file's
    /// directory), or any directory on the way to it.
    static func anyPatternMatches(_ file: String, _ components: [String]) -> Bool {
        guard let text = text(of: file) else { return false }
        let prefixes = components.indices.map { components[...$0].joined(separator: "/") }
        for rawLine in text.split(whereSeparator: \.isNewline) {
            var pattern = rawLine.trimmingCharacters(in: .whitespaces)
            if pattern.isEmpty || pattern.hasPrefix("#") { continue }
            // A negation can only un-ignore; `**` is left to git.
            if pattern.hasPrefix("!") { continue }
            if pattern.contains("**") { return true }
            if pattern.hasPrefix("\\") { pattern.removeFirst() }
            while pattern.hasSuffix("/") { pattern.removeLast() }
            if pattern.isEmpty { continue }
            let anchored = pattern.contains("/")
            if pattern.hasPrefix("/") { pattern.removeFirst() }
            // Both sides lower-cased: case folded, as core.ignoreCase may ask.
            let candidates = anchored ? prefixes : components
            let folded = pattern.lowercased()
            if candidates.contains(where: { fnmatch(folded, $0.lowercased(), 0) == 0 }) { return true }
        }
        return false
    }

    /// A small file's text, read with one open and read (most of these files do not
    /// exist, and an agent hook reads several on every call).
    static func text(of path: String) -> String? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        return String(decoding: readToEnd(descriptor), as: UTF8.self)
    }
}
