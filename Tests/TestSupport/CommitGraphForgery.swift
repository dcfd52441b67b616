import Foundation
import Hex

/// Rewrites the repository's commit-graph (`objects/info/commit-graph`, which `git
/// commit-graph write` or `git gc` made) so that it gives `commit` the tree `tree`, or
/// (`root`) no parents: the
/// cache git takes a commit's tree and parents from without reading the commit, and
/// anyone holding the repository can write (gitformat-commit-graph: a chunk table, the
/// fanout `OIDF`, the sorted ids `OIDL`, then per commit in `CDAT` its tree and its two
/// parents' positions, 0x70000000 for none).
public func forgeCommitGraph(gitDirectory: URL, commit: String, tree: String? = nil, root: Bool = false) throws {
    let url = gitDirectory.appendingPathComponent("objects/info/commit-graph")
    var bytes = [UInt8](try Data(contentsOf: url))
    func failure(_ what: String) -> SandboxError { SandboxError(description: "\(url.path): \(what)") }
    guard bytes.count > 8, bytes[0..<4].elementsEqual("CGPH".utf8) else { throw failure("not a commit-graph") }
    func number(at offset: Int, bytes width: Int) -> Int {
        bytes[offset..<(offset + width)].reduce(0) { $0 << 8 | Int($1) }
    }
    var chunks = [String: Int]()
    for index in 0..<Int(bytes[6]) {
        let entry = 8 + 12 * index
        chunks[String(decoding: bytes[entry..<(entry + 4)], as: UTF8.self)] = number(at: entry + 4, bytes: 8)
    }
    guard let fanout = chunks["OIDF"], let ids = chunks["OIDL"], let data = chunks["CDAT"] else {
        throw failure("no OIDF, OIDL or CDAT chunk")
    }
    guard let target = [UInt8](hex: commit) else { throw failure("\(commit) is not an object id") }
    let count = number(at: fanout + 255 * 4, bytes: 4)
    guard let index = (0..<count).first(where: { bytes[(ids + 20 * $0)..<(ids + 20 * $0 + 20)].elementsEqual(target) })
    else { throw failure("\(commit) is not in the graph") }
    let entry = data + 36 * index
    if let tree {
        guard let treeBytes = [UInt8](hex: tree) else { throw failure("\(tree) is not an object id") }
        bytes.replaceSubrange(entry..<(entry + 20), with: treeBytes)
    }
    if root { bytes.replaceSubrange((entry + 20)..<(entry + 28), with: [0x70, 0, 0, 0, 0x70, 0, 0, 0]) }
    // git writes the file read-only: replace it.
    try FileManager.default.removeItem(at: url)
    try Data(bytes).write(to: url)
}
