import Diagnostics
import Foundation

/// Files replaced atomically: the bytes go to a new file beside the target (never
/// through a link: O_EXCL, O_NOFOLLOW), synced, then renamed into place, so a reader,
/// or a process killed halfway, sees the old file or the new one, never half; a link
/// at the target is replaced, not written through. Private by default (keys, caches,
/// capture's copies of the user's files: 0600). Foundation's `.atomic` writing is not
/// used: on Linux it goes through a directory in /tmp that it leaves behind, and is a
/// copy, not a rename, when /tmp is another file system.
package enum AtomicFile {
    package struct WriteError: UserFacingError {
        package let description: String
    }

    /// `mode` is given to the new file as open(2) does (the umask applies).
    package static func replace(_ path: String, with bytes: [UInt8], mode: mode_t = 0o600) throws {
        let temporary = path + ".tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode)
        guard descriptor >= 0 else {
            throw WriteError(description: "cannot write \(path): \(String(cString: strerror(errno)))")
        }
        var written = 0
        while written < bytes.count {
            let count = bytes.withUnsafeBytes {
                Foundation.write(descriptor, $0.baseAddress! + written, $0.count - written)
            }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { break }
            written += count
        }
        let failure = written < bytes.count ? errno : fsync(descriptor) != 0 ? errno : 0
        close(descriptor)
        guard failure == 0, rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(failure != 0 ? failure : errno))
            unlink(temporary)
            throw WriteError(description: "cannot write \(path): \(reason)")
        }
    }

    /// Creates `directory` and its parents (mode as for mkdir(2), the umask applies);
    /// nothing to do when it exists. A failure is one line naming the path in the way,
    /// not Foundation's nested NSError text.
    package static func makeDirectory(_ directory: String, mode: mode_t = 0o755) throws {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue {
            return
        }
        do {
            try FileManager.default.createDirectory(
                atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: mode])
        } catch {
            var prefix = directory.hasPrefix("/") ? "" : "."
            for component in directory.split(separator: "/") {
                prefix += "/" + component
                if FileManager.default.fileExists(atPath: prefix, isDirectory: &isDirectory), !isDirectory.boolValue {
                    throw WriteError(description: "cannot create directory \(directory): \(prefix) is not a directory")
                }
            }
            throw WriteError(description: "cannot create directory \(directory): \(error.localizedDescription)")
        }
    }

    /// Creates `directory` (and its parents) for private files: 0700, also when it
    /// existed with a wider mode.
    package static func makePrivateDirectory(_ directory: String) throws {
        try makeDirectory(directory, mode: 0o700)
        chmod(directory, 0o700)
    }
}
