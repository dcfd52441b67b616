/// A small seedable generator (SplitMix64), so that a seed rebuilds the same history
/// or ledger: a failing random test can be replayed.
package struct SplitMix: RandomNumberGenerator {
    package var state: UInt64

    package init(state: UInt64) { self.state = state }

    package mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    package mutating func next(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &self) }
}
