import Records
import Testing

@Suite struct TimestampTests {
    @Test func formatsAndParsesRFC3339() {
        #expect(Timestamp.format(unixSeconds: 0) == "1970-01-01T00:00:00Z")
        #expect(Timestamp.format(unixSeconds: 951_782_400) == "2000-02-29T00:00:00Z")
        #expect(Timestamp.format(unixSeconds: 1_795_916_096) == "2026-11-29T01:34:56Z")
        #expect(Timestamp.format(unixSeconds: -1) == "1969-12-31T23:59:59Z")
        for seconds: Int64 in [0, 1, 86_399, 951_782_400, 1_795_916_096, 4_102_444_800] {
            #expect(Timestamp.parse(Timestamp.format(unixSeconds: seconds)) == seconds)
        }
    }

    @Test func rejectsOtherFormsAndImpossibleDates() {
        for text in [
            "2026-02-30T00:00:00Z", "2026-11-29T01:40:00+00:00", "2026-11-29 01:40:00Z", "2026-11-29T24:00:00Z",
            "2026-13-01T00:00:00Z", "",
        ] {
            #expect(Timestamp.parse(text) == nil, "\(text)")
        }
    }
}
