import Git
import Signing

/// A file's bytes split into lines as spec/records.md §4.1 counts them: every LF ends
/// a line, and a final line without LF counts too.
public struct FileLines {
    public let bytes: [UInt8]
    /// Byte offset where each line starts; `lineStarts.count` is the line count.
    private let lineStarts: [Int]

    public init(_ bytes: [UInt8]) {
        self.bytes = bytes
        // memchr, not a loop over the bytes: files of 50 MB are read at commit time.
        lineStarts = LineDiff.lineStarts(bytes)
    }

    public var count: Int { lineStarts.count }

    /// The bytes of lines `range` (1-based, inclusive), each with its LF when it has one.
    public func bytes(ofLines range: ClosedRange<Int>) -> ArraySlice<UInt8> {
        precondition(range.lowerBound >= 1 && range.upperBound <= count, "line range outside the file")
        let start = lineStarts[range.lowerBound - 1]
        let end = range.upperBound < count ? lineStarts[range.upperBound] : bytes.count
        return bytes[start..<end]
    }

    /// `sha256:<hex>` of lines `range`: a range's `content_hash`.
    public func contentHash(ofLines range: ClosedRange<Int>) -> String {
        "sha256:" + SHA256.hexDigest(Array(bytes(ofLines: range)))
    }
}

/// Parses line-range lists such as `3-20,40-41,7` (1-based, inclusive).
public enum LineRangeList {
    public static func parse(_ text: String) -> [ClosedRange<Int>]? {
        var ranges = [ClosedRange<Int>]()
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            let bounds = part.split(separator: "-", omittingEmptySubsequences: false)
            guard (1...2).contains(bounds.count),
                  let start = Int(bounds[0]), let end = Int(bounds.last!),
                  start >= 1, end >= start
            else { return nil }
            ranges.append(start...end)
        }
        return ranges.isEmpty ? nil : ranges
    }
}

/// Model names as the Agent Trace spec writes them: `provider/model`.
public enum ModelID {
    private static let providers: [(prefix: String, provider: String)] = [
        ("claude", "anthropic"), ("gpt", "openai"), ("o1", "openai"), ("o3", "openai"), ("o4", "openai"),
        ("codex", "openai"), ("gemini", "google"), ("gemma", "google"), ("grok", "xai"), ("llama", "meta"),
        ("mistral", "mistral"), ("codestral", "mistral"), ("devstral", "mistral"), ("deepseek", "deepseek"),
        ("qwen", "alibaba"), ("kimi", "moonshot"), ("glm", "zhipu"),
    ]

    /// `claude-sonnet-4-5` → `anthropic/claude-sonnet-4-5`; names that already carry a
    /// provider are kept; unknown families get `unknown/`. Nil for what cannot be a
    /// model id (spec/records.md §4.1: `provider/model`, both parts non-empty): empty
    /// or blank text, `x/`, `/gpt-4`.
    public static func qualified(_ model: String) -> String? {
        guard !model.isEmpty, !model.contains(where: { $0.isWhitespace || $0.isNewline }) else { return nil }
        if let slash = model.firstIndex(of: "/") {
            return isValid(model) && slash != model.startIndex ? model : nil
        }
        let lower = model.lowercased()
        let provider = providers.first { lower.hasPrefix($0.prefix) }?.provider ?? "unknown"
        return "\(provider)/\(model)"
    }

    /// Whether `model` has the form verification accepts: `provider/model`.
    public static func isValid(_ model: String) -> Bool {
        guard let slash = model.firstIndex(of: "/") else { return false }
        return slash != model.startIndex && model.index(after: slash) != model.endIndex
    }
}
