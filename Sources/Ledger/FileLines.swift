import Git
import Signing

/// A file's bytes split into lines as spec/records.md §4.1 counts them: every LF ends
/// a line, and a final line without LF counts too.
package struct FileLines {
    package let bytes: [UInt8]
    /// Byte offset where each line starts; `lineStarts.count` is the line count.
    private let lineStarts: [Int]

    package init(_ bytes: [UInt8]) {
        self.bytes = bytes
        // memchr, not a loop over the bytes: files of 50 MB are read at commit time.
        lineStarts = LineDiff.lineStarts(bytes)
    }

    package var count: Int { lineStarts.count }

    /// The bytes of lines `range` (1-based, inclusive), each with its LF when it has one.
    package func bytes(ofLines range: ClosedRange<Int>) -> ArraySlice<UInt8> {
        precondition(range.lowerBound >= 1 && range.upperBound <= count, "line range outside the file")
        let start = lineStarts[range.lowerBound - 1]
        let end = range.upperBound < count ? lineStarts[range.upperBound] : bytes.count
        return bytes[start..<end]
    }

    /// `sha256:<hex>` of lines `range`: a range's `content_hash`.
    package func contentHash(ofLines range: ClosedRange<Int>) -> String {
        "sha256:" + SHA256.hexDigest(Array(bytes(ofLines: range)))
    }
}
