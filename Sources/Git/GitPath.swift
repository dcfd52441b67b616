import Foundation

/// A path as git stores it is bytes; records, reports and the code between hold paths
/// as text. A path that is valid UTF-8 and does not begin with `"` is held as that text;
/// any other in git's quoted form, the one `git diff --name-only` prints by default
/// (`"caf\351.txt"`: in double quotes, `\\`, `\"`, `\a\b\t\n\v\f\r` and every other byte
/// below 0x20, 0x7F or above as three octal digits). The quoted form is ASCII, never
/// valid as a path of the first kind, and turns back into exactly the bytes
/// (spec/records.md §4.1).
package enum GitPath {
    /// The text of a path libgit2 hands over (NUL-terminated bytes).
    package static func string(_ pointer: UnsafePointer<CChar>) -> String {
        let length = strlen(pointer)
        return pointer.withMemoryRebound(to: UInt8.self, capacity: length) {
            string(bytes: UnsafeBufferPointer(start: $0, count: length))
        }
    }

    package static func string<Bytes: Collection<UInt8>>(bytes: Bytes) -> String {
        if bytes.first != UInt8(ascii: "\""), let text = String(validating: bytes, as: UTF8.self) { return text }
        var quoted = "\""
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "\""): quoted += "\\\""
            case UInt8(ascii: "\\"): quoted += "\\\\"
            case 0x07: quoted += "\\a"
            case 0x08: quoted += "\\b"
            case 0x09: quoted += "\\t"
            case 0x0A: quoted += "\\n"
            case 0x0B: quoted += "\\v"
            case 0x0C: quoted += "\\f"
            case 0x0D: quoted += "\\r"
            case 0x20..<0x7F: quoted.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                quoted += "\\" + String(byte >> 6) + String((byte >> 3) & 7) + String(byte & 7)
            }
        }
        return quoted + "\""
    }

    /// Whether `path` is held in the quoted form (its bytes are not its text's UTF-8).
    package static func isQuoted(_ path: String) -> Bool {
        path.utf8.count >= 2 && path.hasPrefix("\"") && path.hasSuffix("\"") && unquoted(path) != nil
    }

    /// The path's bytes.
    package static func bytes(_ path: String) -> [UInt8] {
        if path.hasPrefix("\""), let raw = unquoted(path) { return raw }
        return Array(path.utf8)
    }

    /// Calls `body` with the path's bytes as a C string, for libgit2 and the kernel.
    package static func withCString<T>(_ path: String, _ body: (UnsafePointer<CChar>) throws -> T) rethrows -> T {
        guard isQuoted(path) else { return try path.withCString(body) }
        let raw = bytes(path).map { CChar(bitPattern: $0) } + [0]
        return try raw.withUnsafeBufferPointer { try body($0.baseAddress!) }
    }

    private static func unquoted(_ path: String) -> [UInt8]? {
        guard let result = unquoting(Array(path.utf8)) else { return nil }
        // Held quoted only when the plain form would not do: anything else is not ours.
        guard !result.isEmpty, !result.contains(0),
            result.first == UInt8(ascii: "\"") || String(validating: result, as: UTF8.self) == nil
        else { return nil }
        return result
    }

    /// The text of a path git printed (`git blame`'s `filename`, `ls-files` without
    /// `-z`): in its C-style quotes when it has special bytes, else as it is.
    package static func string(printedByGit printed: some Collection<UInt8>) -> String {
        let text = Array(printed)
        return string(bytes: text.first == UInt8(ascii: "\"") ? unquoting(text) ?? text : text)
    }

    /// The bytes of a C-style quoted string as git writes one; nil when it is not one.
    static func unquoting(_ text: [UInt8]) -> [UInt8]? {
        guard text.count >= 2, text.first == UInt8(ascii: "\""), text.last == UInt8(ascii: "\"") else { return nil }
        var result = [UInt8]()
        var index = 1
        let end = text.count - 1
        while index < end {
            let byte = text[index]
            guard byte == UInt8(ascii: "\\") else {
                guard byte != UInt8(ascii: "\"") else { return nil }
                result.append(byte)
                index += 1
                continue
            }
            guard index + 1 < end else { return nil }
            let escape = text[index + 1]
            let simple: [UInt8: UInt8] = [
                0x22: 0x22, 0x5C: 0x5C, 0x61: 0x07, 0x62: 0x08, 0x74: 0x09, 0x6E: 0x0A, 0x76: 0x0B, 0x66: 0x0C,
                0x72: 0x0D,
            ]
            if let value = simple[escape] {
                result.append(value)
                index += 2
            } else if index + 3 < end, (0x30...0x33).contains(escape), (0x30...0x37).contains(text[index + 2]),
                (0x30...0x37).contains(text[index + 3])
            {
                result.append((escape - 0x30) << 6 | (text[index + 2] - 0x30) << 3 | (text[index + 3] - 0x30))
                index += 4
            } else {
                return nil
            }
        }
        return result
    }
}
