import Foundation

/// A block's features (spec/classifier.md §3): hashed token and byte n-grams, 21 style
/// numbers, and the same of its file context with two more (§3.4). Computed on bytes,
/// in the order Tests/Classifier/features.py uses, so that both give the same numbers
/// to the last bit.
public struct BlockFeatures {
    public static let hashBits = 18
    public static let hashSize = 1 << hashBits
    public static let styleCount = 21
    public static let styleNames = [
        "log_lines", "mean_line_length", "log_max_line_length", "blank_fraction", "trailing_space_fraction",
        "tab_indent_fraction", "comment_fraction", "comment_period_fraction", "comment_capital_fraction",
        "dash_arrow_per_line", "mean_identifier_length", "snake_case_fraction", "camel_case_fraction",
        "non_ascii_fraction", "semicolon_end_fraction", "mean_indent", "tokens_per_line", "number_fraction",
        "quote_fraction", "unique_token_fraction", "log_longest_comment",
    ]
    /// How many lines of the parent version on each side of the block's start (§3.4).
    public static let contextRadius = 100
    /// The dense numbers: the block's style, its context's, the difference, whether
    /// there is a context, and the share of the block's identifiers new to it.
    public static let denseNames =
        styleNames + styleNames.map { "context_" + $0 } + styleNames.map { "change_" + $0 }
        + ["has_context", "new_identifier_fraction"]
    public static let denseCount = denseNames.count

    /// Non-zero buckets in increasing order, with their values (unit length overall).
    public var buckets: [(bucket: Int, value: Double)]
    /// The `denseNames` numbers, in that order.
    public var dense: [Double]

    /// `context`: the parent version's lines around the block (`contextWindow`), nil
    /// when it has none. `scratch`: the tables features are counted in, reused.
    public init(lines: [ArraySlice<UInt8>], context: [ArraySlice<UInt8>]?, scratch: inout FeatureScratch) {
        let text = Self.text(lines)
        let tokens = Self.tokens(text)
        scratch.buckets.reset()
        Self.countTokenGrams(tokens, text: text, into: &scratch.buckets)
        Self.countByteGrams(Self.collapsed(text), into: &scratch.buckets)
        buckets = scratch.buckets.normalized()
        let own = Self.style(lines: lines, text: text, tokens: tokens, distinct: &scratch.tokens)
        guard let context else {
            dense = own + [Double](repeating: 0, count: 2 * Self.styleCount + 2)
            return
        }
        let contextText = Self.text(context)
        let contextTokens = Self.tokens(contextText)
        let theirs = Self.style(lines: context, text: contextText, tokens: contextTokens, distinct: &scratch.tokens)
        scratch.tokens.begin(text: contextText, capacity: contextTokens.count)
        for range in contextTokens where Self.isIdentifierStart(contextText[range.lowerBound]) {
            scratch.tokens.insert(range)
        }
        var identifiers = 0
        var new = 0
        for range in tokens where Self.isIdentifierStart(text[range.lowerBound]) {
            identifiers += 1
            if !scratch.tokens.contains(text[range]) { new += 1 }
        }
        dense =
            own + theirs + zip(own, theirs).map { $0 - $1 }
            + [1, identifiers == 0 ? 0 : Double(new) / Double(identifiers)]
    }

    /// The parent version's lines from `start` − 1 − `contextRadius` to `start` − 1 +
    /// `contextRadius` (0-based, the end left out, cut at the file's ends; the file split
    /// at every LF, so a final LF leaves an empty last line), or nil when none of them
    /// holds more than white space.
    public static func contextWindow(parent: [UInt8], start: Int) -> [ArraySlice<UInt8>]? {
        let low = max(0, start - 1 - contextRadius)
        let high = max(0, start - 1 + contextRadius)
        var window = [ArraySlice<UInt8>]()
        // Only as far into the file as the window goes (files run to many thousand lines).
        parent.withUnsafeBufferPointer { bytes in
            var line = 0
            var lineStart = 0
            while line < high {
                var end = bytes.count
                if lineStart < bytes.count, let base = bytes.baseAddress,
                    let found = memchr(base + lineStart, 0x0A, bytes.count - lineStart)
                {
                    end = UnsafePointer(found.assumingMemoryBound(to: UInt8.self)) - base
                }
                if line >= low { window.append(parent[lineStart..<end]) }
                if end == bytes.count { break }
                line += 1
                lineStart = end + 1
            }
        }
        return window.contains(where: { !stripped($0).isEmpty }) ? window : nil
    }

    static func text(_ lines: [ArraySlice<UInt8>]) -> [UInt8] {
        var text = [UInt8]()
        text.reserveCapacity(lines.reduce(0) { $0 + $1.count + 1 })
        for line in lines {
            text.append(contentsOf: line)
            text.append(0x0A)
        }
        return text
    }

    @inline(__always) static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || (byte >= 0x09 && byte <= 0x0D)
    }

    @inline(__always) static func isWordByte(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
            || byte == 0x5F || byte >= 0x80
    }

    /// Token boundaries in `text`: maximal runs of word bytes, and each other byte that
    /// is not white space.
    static func tokens(_ text: [UInt8]) -> [Range<Int>] {
        var tokens = [Range<Int>]()
        var index = 0
        while index < text.count {
            let byte = text[index]
            if isWhitespace(byte) {
                index += 1
            } else if isWordByte(byte) {
                var end = index + 1
                while end < text.count && isWordByte(text[end]) { end += 1 }
                tokens.append(index..<end)
                index = end
            } else {
                tokens.append(index..<(index + 1))
                index += 1
            }
        }
        return tokens
    }

    static func collapsed(_ text: [UInt8]) -> [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(text.count)
        var inSpace = false
        for byte in text {
            if isWhitespace(byte) {
                if !inSpace { out.append(0x20) }
                inSpace = true
            } else {
                out.append(byte)
                inSpace = false
            }
        }
        return out
    }

    static let fnvOffset: UInt64 = 0xcbf2_9ce4_8422_2325
    static let fnvPrime: UInt64 = 0x100_0000_01b3

    @inline(__always) static func fnv(_ byte: UInt8, _ hash: UInt64) -> UInt64 {
        (hash ^ UInt64(byte)) &* fnvPrime
    }

    @inline(__always) static func fnv(_ bytes: ArraySlice<UInt8>, _ hash: UInt64) -> UInt64 {
        var hash = hash
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* fnvPrime }
        return hash
    }

    static func seed(_ letter: UInt8) -> UInt64 { fnv(0, fnv(letter, fnvOffset)) }

    static func countTokenGrams(_ tokens: [Range<Int>], text: [UInt8], into buckets: inout BucketSet) {
        let seeds = [seed(UInt8(ascii: "u")), seed(UInt8(ascii: "b")), seed(UInt8(ascii: "t"))]
        for index in tokens.indices {
            for width in 1...3 {
                guard index + width <= tokens.count else { break }
                var hash = fnv(text[tokens[index]], seeds[width - 1])
                for next in 1..<width { hash = fnv(text[tokens[index + next]], fnv(0, hash)) }
                buckets.add(hash)
            }
        }
    }

    static func countByteGrams(_ flat: [UInt8], into buckets: inout BucketSet) {
        let seed = seed(UInt8(ascii: "c"))
        flat.withUnsafeBufferPointer { bytes in
            for width in 3...5 where bytes.count >= width {
                for start in 0...(bytes.count - width) {
                    var hash = seed
                    for offset in 0..<width { hash = (hash ^ UInt64(bytes[start + offset])) &* fnvPrime }
                    buckets.add(hash)
                }
            }
        }
    }

    // MARK: Style (spec/classifier.md §3.3)

    static let commentStarts: [[UInt8]] = ["//", "#", "/*", "*", "--", ";;", "\"\"\"", "'''"].map { Array($0.utf8) }
    static let dashesAndArrows: [[UInt8]] = ["\u{2014}", "\u{2013}", "\u{2192}", "\u{21D2}", "\u{2190}"].map {
        Array($0.utf8)
    }

    static func stripped(_ line: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        var line = line
        while let first = line.first, isWhitespace(first) { line.removeFirst() }
        while let last = line.last, isWhitespace(last) { line.removeLast() }
        return line
    }

    /// The comment of a comment line (stripped), or nil.
    static func comment(_ stripped: ArraySlice<UInt8>) -> ArraySlice<UInt8>? {
        for start in commentStarts where stripped.starts(with: start) {
            return Self.stripped(stripped.dropFirst(start.count))
        }
        return nil
    }

    @inline(__always) static func isUpper(_ byte: UInt8) -> Bool { byte >= 0x41 && byte <= 0x5A }
    @inline(__always) static func isLower(_ byte: UInt8) -> Bool { byte >= 0x61 && byte <= 0x7A }
    /// An identifier token starts with a letter or an underscore.
    @inline(__always) static func isIdentifierStart(_ byte: UInt8) -> Bool {
        isUpper(byte) || isLower(byte) || byte == 0x5F
    }

    /// The 21 style numbers, in one pass over the lines, one over the bytes and one over
    /// the tokens (the definitions are spec/classifier.md §3.3's; features.py spells
    /// them one list at a time). `distinct`: the table the distinct tokens are counted in.
    static func style(lines: [ArraySlice<UInt8>], text: [UInt8], tokens: [Range<Int>], distinct: inout TokenTable)
        -> [Double]
    {
        let n = Double(lines.count)
        var blank = 0
        var trailing = 0
        var tabIndent = 0
        var comments = 0
        var commentPeriod = 0
        var commentCapital = 0
        var longestComment = 0
        var semicolons = 0
        var indentTotal = 0
        var lineBytes = 0
        var longestLine = 0
        for line in lines {
            lineBytes += line.count
            longestLine = max(longestLine, line.count)
            if line.last == 0x20 || line.last == 0x09 { trailing += 1 }
            if line.first == 0x09 { tabIndent += 1 }
            let strippedLine = stripped(line)
            guard !strippedLine.isEmpty else {
                blank += 1
                continue
            }
            if strippedLine.last == UInt8(ascii: ";") { semicolons += 1 }
            indentTotal += line.prefix { $0 == 0x20 }.count
            if let comment = comment(strippedLine) {
                comments += 1
                if comment.last == UInt8(ascii: ".") { commentPeriod += 1 }
                if comment.first.map(isUpper) ?? false { commentCapital += 1 }
                longestComment = max(longestComment, comment.count)
            }
        }
        var dashes = 0
        var nonASCII = 0
        var quotes = 0
        for index in text.indices {
            let byte = text[index]
            if byte >= 0x80 {
                nonASCII += 1
                // Each dash or arrow is three bytes from 0xE2 on, none of them 0xE2 after
                // the first: no two matches overlap, so one count per position where
                // any of them starts is the sum of their counts.
                if byte == 0xE2,
                    dashesAndArrows.contains(where: { text[index...].starts(with: $0) })
                {
                    dashes += 1
                }
            } else if byte == 0x22 || byte == 0x27 || byte == 0x60 {
                quotes += 1
            }
        }
        var identifiers = 0
        var numbers = 0
        var snake = 0
        var camel = 0
        var identifierBytes = 0
        distinct.begin(text: text, capacity: tokens.count)
        for range in tokens {
            distinct.insert(range)
            let first = text[range.lowerBound]
            if first >= 0x30 && first <= 0x39 { numbers += 1 }
            guard isIdentifierStart(first) else { continue }
            let token = text[range]
            identifiers += 1
            identifierBytes += token.count
            let hasUpper = token.contains(where: isUpper)
            var inner = token[...]
            while inner.first == 0x5F { inner.removeFirst() }
            while inner.last == 0x5F { inner.removeLast() }
            if inner.contains(0x5F) && !hasUpper { snake += 1 }
            if !token.contains(0x5F) && isLower(first) && hasUpper { camel += 1 }
        }
        let nonblank = lines.count - blank
        func ratio(_ a: Int, _ b: Int) -> Double { b == 0 ? 0 : Double(a) / Double(b) }
        let textLength = Double(text.count)
        return [
            log1p(n),
            Double(lineBytes) / n,
            log1p(Double(longestLine)),
            Double(blank) / n,
            Double(trailing) / n,
            Double(tabIndent) / n,
            Double(comments) / n,
            ratio(commentPeriod, comments),
            ratio(commentCapital, comments),
            Double(dashes) / n,
            ratio(identifierBytes, identifiers),
            ratio(snake, identifiers),
            ratio(camel, identifiers),
            Double(nonASCII) / textLength,
            ratio(semicolons, nonblank),
            ratio(indentTotal, nonblank),
            Double(tokens.count) / n,
            ratio(numbers, tokens.count),
            Double(quotes) / textLength,
            ratio(distinct.count, tokens.count),
            log1p(Double(longestComment)),
        ]
    }
}

/// The scratch space features are computed in, reused from block to block: the
/// n-gram buckets present and a table of distinct tokens (spec/classifier.md §3). Its
/// tables are large; making them once per run, not once per block, is most of what
/// scoring a history costs in memory traffic.
public struct FeatureScratch {
    var buckets = BucketSet()
    var tokens = TokenTable()

    public init() {}
}

/// The n-gram buckets a block has (2^18 of them as a bitmap, so that listing them in
/// increasing order is a scan, not a sort), cleared by the buckets touched.
struct BucketSet {
    private var present = [UInt64](repeating: 0, count: BlockFeatures.hashSize / 64)
    /// The buckets present, in the order first added.
    private var touched = [Int]()

    mutating func reset() {
        for bucket in touched { present[bucket >> 6] = 0 }
        touched.removeAll(keepingCapacity: true)
    }

    @inline(__always) mutating func add(_ hash: UInt64) {
        let bucket = Int(truncatingIfNeeded: hash & UInt64(BlockFeatures.hashSize - 1))
        let bit: UInt64 = 1 << UInt64(bucket & 63)
        if present[bucket >> 6] & bit == 0 {
            present[bucket >> 6] |= bit
            touched.append(bucket)
        }
    }

    /// 1 for each bucket present, divided by the vector's length: 1 / √buckets, in
    /// increasing bucket order (the order the training code sums in). Presence, not
    /// counts: a block that repeats one line many times says no more about its author
    /// than one that writes it once (spec/classifier.md §3.2).
    func normalized() -> [(bucket: Int, value: Double)] {
        guard !touched.isEmpty else { return [] }
        let value = 1.0 / Double(touched.count).squareRoot()
        var result = [(bucket: Int, value: Double)]()
        result.reserveCapacity(touched.count)
        present.withUnsafeBufferPointer { words in
            for index in words.indices where words[index] != 0 {
                var word = words[index]
                while word != 0 {
                    result.append((bucket: index << 6 | word.trailingZeroBitCount, value: value))
                    word &= word - 1
                }
            }
        }
        return result
    }
}

/// A set of tokens, emptied at no cost between uses (each entry carries the generation
/// it was added in): open addressing on the tokens' FNV-1a hashes, a match confirmed
/// byte for byte. Set<ArraySlice<UInt8>> fed every byte to SipHash and grew a table for
/// every block; this was most of what reading a file context cost.
struct TokenTable {
    private struct Entry {
        var hash: UInt64 = 0
        var start = 0
        var end = 0
        var generation: UInt32 = 0
    }

    private var entries = [Entry](repeating: Entry(), count: 1024)
    private var generation: UInt32 = 0
    /// The text the entries' ranges are in.
    private var text = [UInt8]()
    private(set) var count = 0

    /// Empties the set for up to `capacity` tokens of `text`.
    mutating func begin(text: [UInt8], capacity: Int) {
        self.text = text
        count = 0
        var size = entries.count
        while size < 2 * capacity { size *= 2 }
        if size != entries.count || generation == .max {
            entries = [Entry](repeating: Entry(), count: size)
            generation = 0
        }
        generation += 1
    }

    @inline(__always) private func slot(_ hash: UInt64) -> Int {
        // The high bits of a Fibonacci product: FNV-1a's low bits mix poorly.
        Int(truncatingIfNeeded: (hash &* 0x9E37_79B9_7F4A_7C15) >> UInt64(64 - entries.count.trailingZeroBitCount))
    }

    /// Adds the token `range` of the text given to `begin`; false if it was there.
    @discardableResult
    mutating func insert(_ range: Range<Int>) -> Bool {
        let (index, found, hash) = find(text[range])
        guard !found else { return false }
        entries[index] = Entry(hash: hash, start: range.lowerBound, end: range.upperBound, generation: generation)
        count += 1
        return true
    }

    /// Whether `token` (bytes of any text) is in the set.
    func contains(_ token: ArraySlice<UInt8>) -> Bool { find(token).found }

    /// The slot holding `token`, or the empty one that would; and the token's hash.
    private func find(_ token: ArraySlice<UInt8>) -> (index: Int, found: Bool, hash: UInt64) {
        let hash = BlockFeatures.fnv(token, BlockFeatures.fnvOffset)
        let mask = entries.count - 1
        var index = slot(hash)
        while entries[index].generation == generation {
            let entry = entries[index]
            if entry.hash == hash && text[entry.start..<entry.end].elementsEqual(token) { return (index, true, hash) }
            index = (index + 1) & mask
        }
        return (index, false, hash)
    }
}
