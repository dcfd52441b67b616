import Foundation
import Git
import Hex
import Keys
import Ledger
import Signing

/// Notes already verified under one trust configuration (spec/records.md §7, cache):
/// keyed by the annotated commit and the note's blob ids, so any change to a note —
/// or to the trust file, the revoked keys or the tool — means checking it again.
///
/// The file lives in `<git dir>/sessiontrace/verify-cache/`, where whoever supplied the
/// repository (a tarball, a CI cache) could have written it. So it vouches for nothing
/// unless it carries an HMAC-SHA-256 under a secret of this user's that never enters a
/// repository (`~/.config/sessiontrace/cache-key`, 0600): a cache that does not
/// authenticate is ignored whole. Losing it costs time, never correctness.
package final class VerificationCache: @unchecked Sendable {
    /// Where the cache is, nil when there is no secret to authenticate it with.
    private let path: String?
    private let secret: [UInt8]
    private let configurationDigest: String
    private var entries: [String: Int] = [:]
    private var added = false
    private let lock = NSLock()
    /// Why the cache on disk was not used, for a warning line (nil when it was, or there was none).
    package private(set) var ignoredBecause: String?

    static let header = "sessiontrace verify-cache 2"

    /// `configuration` is everything the result depends on besides the note itself;
    /// nil when that cannot be told (nothing is then cached).
    package init(gitDirectory: String, configuration: String?, secretPath: String = AuthenticatedFile.defaultKeyPath) {
        configurationDigest = SHA256.hexDigest(configuration ?? "")
        guard configuration != nil else {
            secret = []
            path = nil
            ignoredBecause = "cannot tell which build of git-trace this is: no verification cache is used"
            return
        }
        do {
            secret = try AuthenticatedFile.loadKey(at: secretPath)
        } catch {
            secret = []
            path = nil
            ignoredBecause = "\(error)"
            return
        }
        let directory = StateDirectory.path(inGitDirectory: gitDirectory, "verify-cache")
        // Named by the secret too: nobody else can tell which file a configuration uses.
        path =
            directory + "/"
            + HMACSHA256.authenticationCode(key: secret, data: Array(configurationDigest.utf8)).hexString
        guard let data = FileManager.default.contents(atPath: path!) else { return }
        let bytes = [UInt8](data)
        guard let body = AuthenticatedFile.open(bytes, context: configurationDigest, key: secret),
            body.starts(with: Array((VerificationCache.header + "\n").utf8))
        else {
            ignoredBecause =
                "the verification cache \(path!) is not authenticated by your cache key: ignored, every note is checked"
            return
        }
        entries.reserveCapacity(body.count / 100)
        for line in body.split(separator: 0x0A).dropFirst() {
            guard let tab = line.lastIndex(of: 0x09), tab > line.startIndex, tab + 1 < line.endIndex,
                let count = Int(String(decoding: line[(tab + 1)...], as: UTF8.self)), count >= 0
            else { continue }
            entries[String(decoding: line[..<tab], as: UTF8.self)] = count
        }
    }

    /// The cache for verification with `trust` and `revoked` (and content checks or
    /// not) by this build of the tool: `git trace verify --cache` and `git trace
    /// report --cache` share it.
    package convenience init(gitDirectory: String, trust: AllowedSigners, revoked: Set<String>, checksContent: Bool) {
        self.init(
            gitDirectory: gitDirectory,
            configuration: Self.buildIdentity.map {
                "git-trace \(RecordBuilder.toolVersion) \($0)\n\(trust.fingerprint)\n\(revoked.sorted().joined(separator: ","))"
                    + (checksContent ? "\ncontent" : "")
            })
    }

    /// This build of git-trace, as far as a cache must tell builds apart: its
    /// executable file (device, inode, size, modification time). Another build — a
    /// check fixed, another way of reading history, another classifier model — may
    /// fail a note this one passed, and the version (`RecordBuilder.toolVersion`) does
    /// not change with every build: a cache kept across builds would vouch for notes by
    /// rules no longer applied. Nil when the executable cannot be found.
    static let buildIdentity: String? = {
        guard let path = Bundle.main.executablePath else { return nil }
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        #if os(Linux)
            let modified = info.st_mtim
        #else
            let modified = info.st_mtimespec
        #endif
        return "build \(info.st_dev):\(info.st_ino):\(info.st_size):\(modified.tv_sec).\(modified.tv_nsec)"
    }()

    /// How many records the note with this key held when it verified, if it did.
    func records(for key: String) -> Int? { entries[key] }

    func insert(_ key: String, records: Int) {
        lock.lock()
        defer { lock.unlock() }
        guard path != nil, entries[key] == nil else { return }
        entries[key] = records
        added = true
    }

    /// Writes the whole cache with its code, atomically (a new file renamed into place,
    /// 0600): a reader sees the old cache or the new one, never half of one.
    package func save() {
        guard added, let path else { return }
        let directory = (path as NSString).deletingLastPathComponent
        try? AtomicFile.makePrivateDirectory(directory)
        var body = Array((VerificationCache.header + "\n").utf8)
        for (key, count) in entries.sorted(by: { $0.key < $1.key }) { body += Array("\(key)\t\(count)\n".utf8) }
        // A cache that cannot be written costs the next run time, nothing else.
        try? AtomicFile.replace(path, with: AuthenticatedFile.seal(body, context: configurationDigest, key: secret))
        added = false
    }
}
