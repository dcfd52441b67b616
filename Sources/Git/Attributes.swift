internal import CLibGit2
import Foundation

/// git's test of content for binary, the only one capture and reports apply (never
/// attributes, which differ from clone to clone): a NUL byte among the first 8,000.
package func isBinaryContent(_ bytes: [UInt8]) -> Bool { bytes.prefix(8000).contains(0) }

/// The same of bytes in place (a blob read without a copy).
package func isBinaryContent(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool { bytes.prefix(8000).contains(0) }

extension Repository {
    /// Whether this blob is binary by git's and capture's test (`isBinaryContent`).
    /// Not libgit2's `git_blob_is_binary`, which also calls binary a file with a byte
    /// order mark other than UTF-8's or with control characters (one per 128
    /// printable): capture records lines of such a file, and reports count them.
    package func isBinaryBlob(_ id: ObjectID) throws -> Bool {
        try withBlobBytes(id) { isBinaryContent($0) }
    }

    /// `path` at `commit` and the first parent's version (at `oldPath` when the file was
    /// renamed from there; nil when the parent has none, or for a root commit), when
    /// both are text by content (`isBinaryContent`), else nil: how a file git calls
    /// binary by its attributes is read again by those who decide by content alone.
    package func textVersions(_ path: String, inCommit commit: ObjectID, from oldPath: String? = nil) throws
        -> (new: [UInt8], old: [UInt8]?)?
    {
        guard case .blob(let new) = try content(ofPath: path, inCommit: commit), !isBinaryContent(new) else {
            return nil
        }
        guard let parent = try firstParentID(of: commit),
            case .blob(let old) = try content(ofPath: oldPath ?? path, inCommit: parent)
        else { return (new, nil) }
        return isBinaryContent(old) ? nil : (new, old)
    }
}

/// Which paths git calls binary or text by their `diff` attribute rather than by
/// content — set, unset, or naming a driver whose `diff.<driver>.binary` is configured
/// (builtin drivers such as `diff=cpp` leave it to content) — asked of git itself:
/// `git check-attr` run by the same `GitCommand` reads the attribute files `git log`
/// reads (the work tree's or index's `.gitattributes`, `info/attributes`,
/// `core.attributesFile`). Those differ from clone to clone and a commit can set them:
/// `*.png diff` made git count lines of images. Where an attribute decides, readers
/// decide by content instead (`isBinaryContent`); elsewhere git's verdict already is
/// the content's. Safe to share between threads (one asks at a time).
package final class DiffAttributes: @unchecked Sendable {
    private let git: GitCommand
    /// Held by `ask` and `attributeDecides`: everything below is theirs.
    private let lock = NSLock()
    /// Asks about paths one at a time, started at the first not asked in advance.
    private var conversation: ChildProcess?
    private var decided = [String: Bool]()
    /// git could not be asked (it would not start, or stopped): every path then counts
    /// as decided by an attribute, which costs reading it, never a wrong verdict.
    private var unanswerable = false

    /// The drivers whose `diff.<driver>.binary` is configured (nil until asked).
    private var configuredDrivers: Set<[UInt8]>?

    private static let arguments = ["check-attr", "-z", "--stdin", "diff"]

    package init(git: GitCommand) { self.git = git }

    deinit { if let conversation { _ = conversation.wait(consumingOutput: readToEnd) } }

    /// Asks about all of `paths` with one `check-attr` (what `attributeDecides` then
    /// answers without asking again).
    package func ask(_ paths: some Sequence<String>) {
        lock.lock()
        defer { lock.unlock() }
        let unasked = Set(paths).subtracting(decided.keys)
        guard !unasked.isEmpty, !unanswerable else { return }
        // -z: each path's bytes then NUL in; path NUL attribute NUL value NUL out.
        guard let result = try? git.run(Self.arguments, input: unasked.flatMap { GitPath.bytes($0) + [0] }),
            result.status == 0
        else { return unanswerable = true }
        let fields = result.output.split(separator: 0, omittingEmptySubsequences: false)
        for index in stride(from: 0, to: fields.count - 2, by: 3) {
            decided[GitPath.string(bytes: fields[index])] = decides(fields[index + 2])
        }
    }

    /// Whether git's binary-or-text verdict on `path` comes from its `diff` attribute.
    package func attributeDecides(_ path: String) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        if let known = decided[path] { return known }
        let answer = asked(path).map(decides) ?? true
        decided[path] = answer
        return answer
    }

    /// Whether a `diff` attribute of this value (as check-attr prints it) decides.
    private func decides(_ value: some Collection<UInt8>) -> Bool {
        if value.elementsEqual("unspecified".utf8) { return false }
        if value.elementsEqual("set".utf8) || value.elementsEqual("unset".utf8) { return true }
        if configuredDrivers == nil {
            // --null: each entry is the name, LF, the value, NUL (a driver's name may hold
            // dots and spaces). None configured: status 1.
            guard let listed = try? git.run(["config", "--null", "--get-regexp", "^diff\\..*\\.binary$"]),
                listed.status == 0 || listed.status == 1
            else { return true }  // not known: read by content
            configuredDrivers = Set(
                (listed.status == 0 ? listed.output : []).split(separator: 0).compactMap { entry in
                    let name = entry.prefix { $0 != 0x0A }
                    guard name.count > "diff..binary".count else { return nil }
                    return Array(name.dropFirst("diff.".count).dropLast(".binary".count))
                })
        }
        return configuredDrivers!.contains(Array(value))
    }

    /// The `diff` attribute's value git prints for `path`, or nil when it cannot say.
    private func asked(_ path: String) -> [UInt8]? {
        guard !unanswerable else { return nil }
        let bytes = GitPath.bytes(path)
        do {
            // GIT_FLUSH: each answer is written as it is made, not when a buffer fills.
            let conversation = try self.conversation ?? git.start(Self.arguments, environment: ["GIT_FLUSH": "1"])
            self.conversation = conversation
            try conversation.send(bytes + [0])
            if conversation.readLine(until: 0) == bytes, conversation.readLine(until: 0) == Array("diff".utf8),
                let value = conversation.readLine(until: 0)
            {
                return value
            }
        } catch {}
        unanswerable = true
        return nil
    }
}
