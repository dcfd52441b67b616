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
    /// when it has none.
    public init(lines: [ArraySlice<UInt8>], context: [ArraySlice<UInt8>]?, counter: inout BucketCounter) {
        let text = Self.text(lines)
        let tokens = Self.tokens(text)
        counter.reset()
        Self.countTokenGrams(tokens, text: text, into: &counter)
        Self.countByteGrams(Self.collapsed(text), into: &counter)
        buckets = counter.normalized()
        let own = Self.style(lines: lines, text: text, tokens: tokens)
        guard let context else {
            dense = own + [Double](repeating: 0, count: 2 * Self.styleCount + 2)
            return
        }
        let contextText = Self.text(context)
        let contextTokens = Self.tokens(contextText)
        let theirs = Self.style(lines: context, text: contextText, tokens: contextTokens)
        var known = Set<Token>()
        for range in contextTokens where Self.isIdentifierStart(contextText[range.lowerBound]) {
            known.insert(Token(contextText[range]))
        }
        var identifiers = 0
        var new = 0
        for range in tokens where Self.isIdentifierStart(text[range.lowerBound]) {
            identifiers += 1
            if !known.contains(Token(text[range])) { new += 1 }
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

    static func countTokenGrams(_ tokens: [Range<Int>], text: [UInt8], into counter: inout BucketCounter) {
        let seeds = [seed(UInt8(ascii: "u")), seed(UInt8(ascii: "b")), seed(UInt8(ascii: "t"))]
        for index in tokens.indices {
            for width in 1...3 {
                guard index + width <= tokens.count else { break }
                var hash = fnv(text[tokens[index]], seeds[width - 1])
                for next in 1..<width { hash = fnv(text[tokens[index + next]], fnv(0, hash)) }
                counter.add(hash)
            }
        }
    }

    static func countByteGrams(_ flat: [UInt8], into counter: inout BucketCounter) {
        let seed = seed(UInt8(ascii: "c"))
        flat.withUnsafeBufferPointer { bytes in
            for width in 3...5 where bytes.count >= width {
                for start in 0...(bytes.count - width) {
                    var hash = seed
                    for offset in 0..<width { hash = (hash ^ UInt64(bytes[start + offset])) &* fnvPrime }
                    counter.add(hash)
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

    static func occurrences(of needle: [UInt8], in text: [UInt8]) -> Int {
        guard text.count >= needle.count else { return 0 }
        var count = 0
        var index = 0
        while index <= text.count - needle.count {
            if text[index] == needle[0] && text[index..<(index + needle.count)].elementsEqual(needle) {
                count += 1
                index += needle.count
            } else {
                index += 1
            }
        }
        return count
    }

    static func style(lines: [ArraySlice<UInt8>], text: [UInt8], tokens: [Range<Int>]) -> [Double] {
        let n = Double(lines.count)
        let strippedLines = lines.map(stripped)
        let blank = strippedLines.filter(\.isEmpty).count
        let trailing = lines.filter { $0.last == 0x20 || $0.last == 0x09 }.count
        let tabIndent = lines.filter { $0.first == 0x09 }.count
        let comments = strippedLines.compactMap { $0.isEmpty ? nil : comment($0) }
        let commentPeriod = comments.filter { $0.last == UInt8(ascii: ".") }.count
        let commentCapital = comments.filter { $0.first.map(isUpper) ?? false }.count
        let dashes = dashesAndArrows.reduce(0) { $0 + occurrences(of: $1, in: text) }
        let identifiers = tokens.filter { isIdentifierStart(text[$0.lowerBound]) }
        let numbers = tokens.filter { text[$0.lowerBound] >= 0x30 && text[$0.lowerBound] <= 0x39 }.count
        var snake = 0
        var camel = 0
        var identifierBytes = 0
        for range in identifiers {
            let token = text[range]
            identifierBytes += token.count
            let hasUpper = token.contains(where: isUpper)
            var inner = token[...]
            while inner.first == 0x5F { inner.removeFirst() }
            while inner.last == 0x5F { inner.removeLast() }
            if inner.contains(0x5F) && !hasUpper { snake += 1 }
            if !token.contains(0x5F) && isLower(token[token.startIndex]) && hasUpper { camel += 1 }
        }
        var nonASCII = 0
        var quotes = 0
        for byte in text {
            if byte >= 0x80 { nonASCII += 1 } else if byte == 0x22 || byte == 0x27 || byte == 0x60 { quotes += 1 }
        }
        let nonblank = lines.count - blank
        let semicolons = strippedLines.filter { $0.last == UInt8(ascii: ";") }.count
        var indentTotal = 0
        var indented = 0
        for (line, strippedLine) in zip(lines, strippedLines) where !strippedLine.isEmpty {
            indentTotal += line.prefix { $0 == 0x20 }.count
            indented += 1
        }
        let longestComment = comments.map(\.count).max() ?? 0
        var distinct = Set<Token>()
        distinct.reserveCapacity(tokens.count)
        for range in tokens { distinct.insert(Token(text[range])) }
        func ratio(_ a: Int, _ b: Int) -> Double { b == 0 ? 0 : Double(a) / Double(b) }
        let textLength = Double(text.count)
        return [
            log1p(n),
            Double(lines.reduce(0) { $0 + $1.count }) / n,
            log1p(Double(lines.map(\.count).max() ?? 0)),
            Double(blank) / n,
            Double(trailing) / n,
            Double(tabIndent) / n,
            Double(comments.count) / n,
            ratio(commentPeriod, comments.count),
            ratio(commentCapital, comments.count),
            Double(dashes) / n,
            ratio(identifierBytes, identifiers.count),
            ratio(snake, identifiers.count),
            ratio(camel, identifiers.count),
            Double(nonASCII) / textLength,
            ratio(semicolons, nonblank),
            ratio(indentTotal, indented),
            Double(tokens.count) / n,
            ratio(numbers, tokens.count),
            Double(quotes) / textLength,
            ratio(distinct.count, tokens.count),
            log1p(Double(longestComment)),
        ]
    }
}

/// A token's bytes as a set member: hashed once with FNV-1a, compared byte for byte (a
/// Set of slices feeds every byte to the hasher, the most of scoring a file context).
struct Token: Hashable {
    let bytes: ArraySlice<UInt8>
    let fnv: UInt64

    init(_ bytes: ArraySlice<UInt8>) {
        self.bytes = bytes
        fnv = BlockFeatures.fnv(bytes, BlockFeatures.fnvOffset)
    }

    static func == (left: Token, right: Token) -> Bool {
        left.fnv == right.fnv && left.bytes.elementsEqual(right.bytes)
    }
    func hash(into hasher: inout Hasher) { hasher.combine(fnv) }
}

/// Counts per bucket, reused from block to block (2^18 counters, reset by the buckets
/// touched).
public struct BucketCounter {
    private var counts = [Int32](repeating: 0, count: BlockFeatures.hashSize)
    private var touched = [Int]()

    public init() {}

    mutating func reset() {
        for bucket in touched { counts[bucket] = 0 }
        touched.removeAll(keepingCapacity: true)
    }

    @inline(__always) mutating func add(_ hash: UInt64) {
        let bucket = Int(hash & UInt64(BlockFeatures.hashSize - 1))
        if counts[bucket] == 0 { touched.append(bucket) }
        counts[bucket] += 1
    }

    /// 1 for each bucket present, divided by the vector's length: 1 / √buckets.
    /// Presence, not counts: a block that repeats one line many times says no more
    /// about its author than one that writes it once (spec/classifier.md §3.2).
    func normalized() -> [(bucket: Int, value: Double)] {
        guard !touched.isEmpty else { return [] }
        let value = 1.0 / Double(touched.count).squareRoot()
        return touched.sorted().map { (bucket: $0, value: value) }
    }
}
