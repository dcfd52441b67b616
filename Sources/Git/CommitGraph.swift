import Foundation

/// The commit times recorded in git's commit-graph files (`objects/info/commit-graph`,
/// or the split chain in `objects/info/commit-graphs/`), which `git gc` writes: a
/// commit's time without inflating and parsing the commit.
///
/// The files are a cache anyone with the repository can write, so what they say is
/// used only where a lie costs speed, never a verdict (verification orders its work
/// by these times). Every offset is checked against the file's size: a file that is
/// not a well-formed version 1 graph of SHA-1 ids is ignored, never trusted in part.
package struct CommitGraph: Sendable {
    /// One graph file: its sorted ids and the commit time of each.
    private struct Layer: Sendable {
        let fanout: [UInt32]  // 256 cumulative counts by first byte
        let ids: Data  // count × 20 bytes, sorted
        let times: [Int64]

        func time(of id: ObjectID) -> Int64? {
            withUnsafeBytes(of: id.oid.id) { raw -> Int64? in
                let first = Int(raw[0])
                var low = first == 0 ? 0 : Int(fanout[first - 1])
                var high = Int(fanout[first])
                return ids.withUnsafeBytes { bytes -> Int64? in
                    while low < high {
                        let middle = (low + high) / 2
                        let order = memcmp(bytes.baseAddress! + middle * 20, raw.baseAddress!, 20)
                        if order == 0 { return times[middle] }
                        if order < 0 { low = middle + 1 } else { high = middle }
                    }
                    return nil
                }
            }
        }
    }

    private let layers: [Layer]

    /// The graph of the repository whose objects are in `objectsDirectory`; nil when it
    /// has none, or none that reads as a well-formed graph.
    package init?(objectsDirectory: String) {
        let info = objectsDirectory + "/info/"
        var paths = [String]()
        if let chain = FileManager.default.contents(atPath: info + "commit-graphs/commit-graph-chain") {
            for line in String(decoding: chain, as: UTF8.self).split(whereSeparator: \.isNewline) {
                let hash = line.trimmingCharacters(in: .whitespaces)
                guard hash.count == 40, hash.allSatisfy(\.isHexDigit) else { return nil }
                paths.append(info + "commit-graphs/graph-\(hash).graph")
            }
        } else {
            paths = [info + "commit-graph"]
        }
        var layers = [Layer]()
        for path in paths {
            guard let data = try? Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped),
                let layer = CommitGraph.layer(data)
            else { return nil }
            layers.append(layer)
        }
        guard !layers.isEmpty else { return nil }
        self.layers = layers
    }

    /// The commit time the graph records for `id`, or nil when no layer has it.
    package func time(of id: ObjectID) -> Int64? {
        for layer in layers {
            if let time = layer.time(of: id) { return time }
        }
        return nil
    }

    /// Reads one graph file (git's gitformat-commit-graph, version 1, SHA-1).
    private static func layer(_ data: Data) -> Layer? {
        let bytes = [UInt8](data.prefix(8))
        // "CGPH", version 1, hash version 1 (SHA-1), chunk count, base count.
        guard bytes.count == 8, bytes[0..<4].elementsEqual("CGPH".utf8), bytes[4] == 1, bytes[5] == 1 else {
            return nil
        }
        let chunkCount = Int(bytes[6])
        func u32(_ offset: Int) -> UInt32? {
            guard offset >= 0, offset + 4 <= data.count else { return nil }
            return data.withUnsafeBytes { UInt32(bigEndian: $0.loadUnaligned(fromByteOffset: offset, as: UInt32.self)) }
        }
        func u64(_ offset: Int) -> UInt64? {
            guard offset >= 0, offset + 8 <= data.count else { return nil }
            return data.withUnsafeBytes { UInt64(bigEndian: $0.loadUnaligned(fromByteOffset: offset, as: UInt64.self)) }
        }
        // The table of contents: (chunk id, offset) pairs, then a terminating entry
        // whose offset is where the last chunk ends.
        var chunks = [UInt32: Range<Int>]()
        for index in 0..<chunkCount {
            let entry = 8 + index * 12
            guard let id = u32(entry), let start = u64(entry + 4), let end = u64(entry + 16),
                start <= end, end <= UInt64(data.count)
            else { return nil }
            chunks[id] = Int(start)..<Int(end)
        }
        // The chunks end where the file's trailing hash (20 bytes) begins.
        guard let chunksEnd = u64(8 + chunkCount * 12 + 4), chunksEnd + 20 == UInt64(data.count) else { return nil }
        let oidFanout: UInt32 = 0x4F49_4446, oidLookup: UInt32 = 0x4F49_444C, commitData: UInt32 = 0x4344_4154
        guard let fanoutRange = chunks[oidFanout], fanoutRange.count == 256 * 4,
            let lookupRange = chunks[oidLookup], let dataRange = chunks[commitData]
        else { return nil }
        let fanout = (0..<256).compactMap { u32(fanoutRange.lowerBound + $0 * 4) }
        guard fanout.count == 256, zip(fanout, fanout.dropFirst()).allSatisfy({ $0 <= $1 }) else { return nil }
        let count = Int(fanout[255])
        guard lookupRange.count == count * 20, dataRange.count == count * 36 else { return nil }
        // Each commit's data: tree id (20), two parent positions (4 + 4), then the
        // generation (upper 30 bits) and the commit time (lower 34 bits).
        let times = (0..<count).map { index -> Int64 in
            let word = u64(dataRange.lowerBound + index * 36 + 28) ?? 0
            return Int64(word & 0x3_FFFF_FFFF)
        }
        return Layer(fanout: fanout, ids: data.subdata(in: lookupRange), times: times)
    }
}
