import Foundation
import Git
import Hex
import Signing

/// Secrets that make local state unforgeable and records unguessable, kept where no
/// repository carries them: the verification cache's key (per user), the prompt key
/// (per repository, spec/records.md §4.1).
package enum SecretFile {
    /// The secret at `path`: read when it is a regular file of this user's that nobody
    /// else can read or write (never through a link), created (32 random bytes as hex,
    /// 0600, in a 0700 directory) when missing. `what` names it in errors.
    package static func loadOrCreate(at path: String, describing what: String) throws -> [UInt8] {
        var status = stat()
        if lstat(path, &status) != 0 {
            guard errno == ENOENT else {
                throw KeyFileError(message: "cannot read \(what) \(path): \(String(cString: strerror(errno)))")
            }
            let directory = (path as NSString).deletingLastPathComponent
            try? AtomicFile.makeDirectory(directory, mode: 0o700)
            let secret = HMACSHA256.randomKey()
            let hex = Array((secret.hexString + "\n").utf8)
            let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o600)
            if descriptor >= 0 {
                let written = hex.withUnsafeBytes { Foundation.write(descriptor, $0.baseAddress, $0.count) }
                close(descriptor)
                if written == hex.count { return secret }
                unlink(path)
                throw KeyFileError(message: "cannot write \(what) \(path)")
            }
            guard errno == EEXIST else {
                throw KeyFileError(message: "cannot create \(what) \(path): \(String(cString: strerror(errno)))")
            }
            // Another process created it first: read theirs.
            guard lstat(path, &status) == 0 else { throw KeyFileError(message: "cannot read \(what) \(path)") }
        }
        guard status.st_mode & S_IFMT == S_IFREG else {
            throw KeyFileError(message: "\(what) \(path) is not a regular file (a link?): not used")
        }
        guard status.st_uid == geteuid(), status.st_mode & 0o077 == 0 else {
            throw KeyFileError(
                message: "\(what) \(path) is not private to you (mode or owner): not used; remove it to get a new one")
        }
        guard let data = FileManager.default.contents(atPath: path),
            let secret = [UInt8](
                hex: String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)),
            secret.count >= 32
        else {
            throw KeyFileError(
                message: "\(what) \(path) is not 32 or more bytes in hexadecimal: remove it to get a new one")
        }
        return secret
    }
}
