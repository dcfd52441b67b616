/// Parses line-range lists such as `3-20,40-41,7` (1-based, inclusive).
package enum LineRangeList {
    package static func parse(_ text: String) -> [ClosedRange<Int>]? {
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
