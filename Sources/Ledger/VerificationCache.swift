import Foundation
import Signing

/// Notes already verified under one trust configuration (spec/records.md §7, cache):
/// keyed by the annotated commit and the note's blob ids, so any change to a note —
/// or to the trust file, the revoked keys or the tool — means checking it again.
/// Kept in `<git dir>/sessiontrace/verify-cache/<configuration digest>`; losing it
/// costs time, never correctness.
public final class VerificationCache: @unchecked Sendable {
    private let path: String
    private var entries: [String: Int] = [:]
    private var added: [(String, Int)] = []
    private let lock = NSLock()

    /// `configuration` is everything the result depends on besides the note itself.
    public init(gitDirectory: String, configuration: String) {
        let directory = (gitDirectory.hasSuffix("/") ? String(gitDirectory.dropLast()) : gitDirectory) + "/sessiontrace/verify-cache"
        path = directory + "/" + SHA256.hexDigest(configuration)
        guard let data = FileManager.default.contents(atPath: path) else { return }
        // Read as bytes: the file has a line per note of a long history.
        let bytes = [UInt8](data)
        entries.reserveCapacity(bytes.count / 100)
        for line in bytes.split(separator: 0x0A) {
            guard let tab = line.lastIndex(of: 0x09), tab > line.startIndex, tab + 1 < line.endIndex else { continue }
            var count = 0
            var valid = true
            for digit in line[(tab + 1)...] {
                guard digit >= 0x30 && digit <= 0x39, count < 1 << 40 else { valid = false; break }
                count = count * 10 + Int(digit - 0x30)
            }
            if valid { entries[String(decoding: line[..<tab], as: UTF8.self)] = count }
        }
    }

    /// The cache for verification with `trust` and `revoked` (and content checks or
    /// not) by this version of the tool: `git trace verify --cache` and `git trace
    /// report --cache` share it.
    public convenience init(gitDirectory: String, trust: AllowedSigners, revoked: Set<String>, checksContent: Bool) {
        self.init(gitDirectory: gitDirectory,
                  configuration: "git-trace \(RecordBuilder.toolVersion)\n\(trust.fingerprint)\n\(revoked.sorted().joined(separator: ","))"
                      + (checksContent ? "\ncontent" : ""))
    }

    /// How many records the note with this key held when it verified, if it did.
    func records(for key: String) -> Int? { entries[key] }

    func insert(_ key: String, records: Int) {
        lock.lock()
        defer { lock.unlock() }
        guard entries[key] == nil else { return }
        entries[key] = records
        added.append((key, records))
    }

    /// Appends the new entries (a torn write loses at most the last line, which then
    /// fails to parse and is checked again next time).
    public func save() {
        guard !added.isEmpty else { return }
        let directory = (path as NSString).deletingLastPathComponent
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        if !FileManager.default.fileExists(atPath: path) { _ = FileManager.default.createFile(atPath: path, contents: nil) }
        guard let handle = FileHandle(forWritingAtPath: path) else { return }
        defer { try? handle.close() }
        _ = try? handle.seekToEnd()
        try? handle.write(contentsOf: Data(added.map { "\($0.0)\t\($0.1)\n" }.joined().utf8))
        added.removeAll()
    }
}
