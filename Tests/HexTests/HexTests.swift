import Hex
import Testing

@Suite struct HexTests {
    @Test func encodesLowerCaseAndDecodesEitherCase() {
        let bytes: [UInt8] = [0x00, 0x01, 0x7f, 0x80, 0xab, 0xff]
        #expect(bytes.hexString == "00017f80abff")
        #expect([UInt8](hex: "00017f80abff") == bytes)
        #expect([UInt8](hex: "00017F80ABFF") == bytes)
        #expect([UInt8](hex: "") == [])
        #expect([UInt8]().hexString == "")
        // A sequence without contiguous storage encodes the same way.
        #expect(bytes.lazy.map { $0 }.hexString == "00017f80abff")
    }

    @Test func refusesWhatIsNotHex() {
        for bad in ["0", "abc", "0g", "g0", " 00", "00 ", "0x00", "é0", "\u{0}0"] {
            #expect([UInt8](hex: bad) == nil, "\(bad)")
        }
        for byte in UInt8.min...UInt8.max {
            let isDigit = (48...57).contains(byte) || (65...70).contains(byte) || (97...102).contains(byte)
            #expect(Hex.isDigit(byte) == isDigit, "\(byte)")
            #expect((Hex.value(byte) != nil) == isDigit, "\(byte)")
        }
    }

    @Test func everyByteRoundTrips() {
        let all = Array(UInt8.min...UInt8.max)
        #expect([UInt8](hex: all.hexString) == all)
    }
}
