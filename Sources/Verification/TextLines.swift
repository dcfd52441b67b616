import Foundation

/// The lines of a configuration-like text file (trust files, revoked keys), as
/// OpenSSH reads them: LF or CRLF ends a line, and each line is trimmed of white
/// space (spaces, tabs, a stray CR). Swift treats CRLF as one Character, so
/// splitting a String at "\n" would leave a CRLF file as one line.
enum TextLines {
    /// (1-based line number, trimmed text), blank lines and `#` comments left out.
    static func meaningful(_ text: String) -> [(number: Int, text: String)] {
        var lines = [(number: Int, text: String)]()
        var number = 0
        for raw in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            number += 1
            let line = raw.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !line.isEmpty, !line.hasPrefix("#") else { continue }
            lines.append((number, line))
        }
        return lines
    }

    /// The line's fields, split at any run of white space.
    static func fields(_ line: String) -> [Substring] {
        line.split(whereSeparator: { $0 == " " || $0 == "\t" })
    }
}
