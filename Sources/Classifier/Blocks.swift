import Git

/// The added blocks of a commit's `-U0` diff, and which of them are scored
/// (spec/classifier.md §1). Tests/Classifier/blocks.py does the same.
public struct AddedBlock: Sendable, Equatable {
    public var path: String
    public var startLine: Int
    public var lines: [ArraySlice<UInt8>]
    /// The `.gitattributes` mark (`linguist-generated`, `linguist-vendored`) the
    /// commit's tree gives the file, when it gives one.
    public var attributeMark: String?
    /// The file's lines around the block in the commit's first parent
    /// (`BlockFeatures.contextWindow`), set for blocks that are scored; nil without one.
    public var context: [ArraySlice<UInt8>]?

    public var endLine: Int { startLine + lines.count - 1 }

    public static let minimumLines = 8
    /// The attributes that mark a file as not written here (GitHub Linguist's).
    public static let excludingAttributes = ["linguist-generated", "linguist-vendored"]

    static let codeExtensions: Set<String> = [
        "c", "h", "cc", "cpp", "cxx", "hpp", "hh", "m", "mm", "cs", "java", "kt", "kts", "scala", "swift", "go",
        "rs", "py", "pyi", "rb", "php", "js", "jsx", "mjs", "cjs", "ts", "tsx", "vue", "svelte", "dart", "lua",
        "pl", "pm", "sh", "bash", "zsh", "ex", "exs", "erl", "hs", "ml", "clj", "r", "jl", "zig", "nim", "groovy",
        "ps1",
    ]
    static let excludedFolders: Set<String> = [
        "vendor", "vendored", "third_party", "third-party", "node_modules", "dist", "build", "generated",
        "__generated__", "gen", "external", "deps",
    ]
    static let excludedSuffixes = [
        ".min.js", ".min.mjs", ".min.cjs", ".min.css", ".bundle.js", ".pb.go", "_pb2.py", "_pb2_grpc.py", ".pb.h",
        ".pb.cc", ".pb.swift", ".g.dart", ".d.ts",
    ]
    /// Parts of a file name that generators leave (`client.generated.mjs`, `api_generated.rs`).
    static let generatedNameParts = [".generated.", "_generated.", "-generated.", ".gen."]
    /// Bytes of an encoded line (base64, hex, URL-safe base64, a line-continuation
    /// backslash), as a table indexed by byte.
    static let isEncodedByte: [Bool] = {
        var table = [Bool](repeating: false, count: 256)
        for byte in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=_-\\".utf8 {
            table[Int(byte)] = true
        }
        return table
    }()
    static let importStarts: [[UInt8]] = [
        "import ", "from ", "#include", "use ", "using ", "require", "package ", "@import", "extern crate",
    ].map { Array($0.utf8) }

    /// Whether the file is code someone in the repository wrote (not vendored,
    /// generated or minified).
    public static func isScoreable(path: String) -> Bool {
        let lower = (GitPath.isQuoted(path) ? String(decoding: GitPath.bytes(path), as: UTF8.self) : path).lowercased()
        let parts = lower.split(separator: "/", omittingEmptySubsequences: false)
        if parts.dropLast().contains(where: { excludedFolders.contains(String($0)) }) { return false }
        if excludedSuffixes.contains(where: { lower.hasSuffix($0) }) { return false }
        guard let name = parts.last, let dot = name.lastIndex(of: ".") else { return false }
        if generatedNameParts.contains(where: { name.contains($0) }) { return false }
        return codeExtensions.contains(String(name[name.index(after: dot)...]))
    }

    /// Why the block is not scored, or nil when it is.
    public var unscoredReason: String? {
        if lines.count < Self.minimumLines { return "fewer than \(Self.minimumLines) lines" }
        if !Self.isScoreable(path: path) { return "not hand-written code (by its path)" }
        if let attributeMark { return "marked \(attributeMark) in .gitattributes" }
        let stripped = lines.map(BlockFeatures.stripped)
        if stripped.allSatisfy(\.isEmpty) { return "blank lines only" }
        if Self.isImportsOnly(stripped) { return "imports only" }
        if Self.isMostlyData(stripped) { return "data, not code (long or encoded lines)" }
        return nil
    }

    /// Whether every non-blank line belongs to an import: one that starts like one, or
    /// is a name listed inside one whose line ended by opening a bracket (`from a
    /// import (` … `)`, Go's `import (` … `)`, `import {` … `} from "x"`, `use a::{` …
    /// `};`), until its brackets close. A listed name has no `=` and no `(`, so that a
    /// statement such as C#'s `using (var s = open()) {` is not read as an import list.
    static func isImportsOnly(_ stripped: [ArraySlice<UInt8>]) -> Bool {
        var depth = 0
        for line in stripped where !line.isEmpty {
            let hasAssignment = line.contains(UInt8(ascii: "="))
            if depth > 0 {
                if hasAssignment || line.contains(UInt8(ascii: "(")) { return false }
                depth = max(0, depth + bracketBalance(line))
                continue
            }
            if !importStarts.contains(where: { line.starts(with: $0) }) { return false }
            if !hasAssignment && (line.last == UInt8(ascii: "(") || line.last == UInt8(ascii: "{")) {
                depth = max(1, bracketBalance(line))
            }
        }
        return true
    }

    /// Opening round and curly brackets less closing ones.
    static func bracketBalance(_ line: ArraySlice<UInt8>) -> Int {
        line.reduce(0) { balance, byte in
            switch byte {
            case UInt8(ascii: "("), UInt8(ascii: "{"): balance + 1
            case UInt8(ascii: ")"), UInt8(ascii: "}"): balance - 1
            default: balance
            }
        }
    }

    /// Whether at least half the block's bytes are in data lines: 1,000 bytes or more
    /// (minified code, embedded documents), or 60 or more of nothing but the bytes of
    /// an encoding (base64, hex). Such lines say nothing of who wrote the code.
    static func isMostlyData(_ stripped: [ArraySlice<UInt8>]) -> Bool {
        var total = 0
        var data = 0
        for line in stripped {
            total += line.count
            if line.count >= 1000 || (line.count >= 60 && line.allSatisfy { isEncodedByte[Int($0)] }) {
                data += line.count
            }
        }
        return total > 0 && 2 * data >= total
    }
}

/// Reads a `git diff -U0` (or `git log -p -U0`) one line at a time into added blocks.
/// A hunk is read for as many lines as its header counts, so that an added line that
/// looks like a header (`+++ x`, `@@`) is read as the line it is.
public struct DiffBlockReader {
    private var blocks = [AddedBlock]()
    private var path: String?
    /// The path of the file whose diff is being read, from its `diff --git` line.
    private var headerPath: String?
    /// Files git printed as `Binary files … differ` since the last `finish`: by their
    /// attributes or by their content, which git does not say (`binaryByGit`).
    public private(set) var binaryByGit = [String]()
    private var oldLeft = 0
    private var newLeft = 0
    /// Whether the hunk being read has a block (its file is not deleted).
    private var collecting = false

    public init() {}

    public mutating func read(_ line: ArraySlice<UInt8>) {
        if oldLeft > 0 || newLeft > 0 {
            switch line.first {
            case UInt8(ascii: "+"):
                if collecting { blocks[blocks.count - 1].lines.append(line.dropFirst()) }
                newLeft -= 1
                return
            case UInt8(ascii: "-"):
                oldLeft -= 1
                return
            case UInt8(ascii: "\\"):
                return
            default:
                oldLeft = 0  // not a hunk's line: the hunk ended early
                newLeft = 0
            }
        }
        if line.starts(with: Array("diff --git ".utf8)) {
            path = nil
            headerPath = Self.headerPath(line.dropFirst("diff --git ".utf8.count))
        } else if line.starts(with: Array("Binary files ".utf8)), line.suffix(7).elementsEqual(" differ".utf8),
            let headerPath
        {
            binaryByGit.append(headerPath)
        } else if line.starts(with: Array("+++ ".utf8)) {
            var target = Self.unquoted(line.dropFirst(4))
            while target.last == 0x09 { target.removeLast() }
            // Spelt as records spell paths (spec/records.md §4.1): a name that is not UTF-8
            // stays git's quoted form, so an estimate names the file the commit has.
            path = target.starts(with: Array("b/".utf8)) ? GitPath.string(bytes: target.dropFirst(2)) : nil
        } else if line.starts(with: Array("@@ ".utf8)), let header = Self.hunkHeader(line) {
            oldLeft = header.oldCount
            newLeft = header.newCount
            collecting = path != nil
            if let path { blocks.append(AddedBlock(path: path, startLine: header.newStart, lines: [])) }
        }
    }

    /// The blocks read since the last call, those without lines dropped.
    public mutating func finish() -> [AddedBlock] {
        defer {
            blocks = []
            binaryByGit = []
            path = nil
            headerPath = nil
            oldLeft = 0
            newLeft = 0
        }
        return blocks.filter { !$0.lines.isEmpty }
    }

    /// The path of `a/P b/P` (or `"a/P" "b/P"`, quoted) after `diff --git `: without
    /// rename detection both halves name the same path, so the line splits in its middle
    /// whatever spaces the path holds. Nil for any other shape.
    static func headerPath(_ pair: ArraySlice<UInt8>) -> String? {
        guard pair.count % 2 == 1 else { return nil }
        let half = pair.count / 2
        let old = pair.prefix(half), new = pair.suffix(half)
        guard pair[pair.startIndex + half] == 0x20 else { return nil }
        let oldPath = unquoted(old), newPath = unquoted(new)
        guard oldPath.starts(with: Array("a/".utf8)), newPath.starts(with: Array("b/".utf8)),
            oldPath.dropFirst(2).elementsEqual(newPath.dropFirst(2))
        else { return nil }
        return GitPath.string(bytes: newPath.dropFirst(2))
    }

    /// `a`, `b`, `c`, `d` of `@@ -a,b +c,d @@` (a missing count is 1).
    static func hunkHeader(_ line: ArraySlice<UInt8>) -> (oldCount: Int, newStart: Int, newCount: Int)? {
        var index = line.startIndex + 3
        func number() -> Int? {
            var value = 0
            var digits = 0
            while index < line.endIndex, line[index] >= 0x30, line[index] <= 0x39 {
                value = value * 10 + Int(line[index] - 0x30)
                index += 1
                digits += 1
            }
            return digits > 0 ? value : nil
        }
        func count() -> Int? {
            guard index < line.endIndex, line[index] == UInt8(ascii: ",") else { return 1 }
            index += 1
            return number()
        }
        guard index < line.endIndex, line[index] == UInt8(ascii: "-") else { return nil }
        index += 1
        guard number() != nil, let oldCount = count(), index < line.endIndex, line[index] == 0x20 else { return nil }
        index += 1
        guard index < line.endIndex, line[index] == UInt8(ascii: "+") else { return nil }
        index += 1
        guard let newStart = number(), let newCount = count() else { return nil }
        return (oldCount, newStart, newCount)
    }

    /// git's C-style quoting of an unusual path (`"b/na\303\257ve.py"`).
    static func unquoted(_ path: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        guard path.first == 0x22, path.count >= 2, path.last == 0x22 else { return path }
        let body = path.dropFirst().dropLast()
        var out = [UInt8]()
        var index = body.startIndex
        let escapes: [UInt8: UInt8] = [
            UInt8(ascii: "n"): 10, UInt8(ascii: "t"): 9, 0x22: 0x22, 0x5C: 0x5C, UInt8(ascii: "a"): 7,
            UInt8(ascii: "b"): 8, UInt8(ascii: "f"): 12, UInt8(ascii: "r"): 13, UInt8(ascii: "v"): 11,
        ]
        while index < body.endIndex {
            let byte = body[index]
            let next = body.index(after: index)
            if byte == 0x5C, next < body.endIndex {
                let escaped = body[next]
                if escaped >= 0x30 && escaped <= 0x37 {
                    var value: UInt32 = 0
                    var end = next
                    while end < body.endIndex, end < next + 3, body[end] >= 0x30, body[end] <= 0x37 {
                        value = value * 8 + UInt32(body[end] - 0x30)
                        end += 1
                    }
                    out.append(UInt8(truncatingIfNeeded: value))
                    index = end
                    continue
                }
                out.append(escapes[escaped] ?? escaped)
                index = body.index(after: next)
                continue
            }
            out.append(byte)
            index = next
        }
        return out[...]
    }
}
