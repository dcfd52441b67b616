import CanonicalJSON
import Foundation
import TestSupport
import Testing

/// Canonical JSON (spec/records.md §2) against spec/vectors/canonical-json.json.
@Suite struct CanonicalJSONVectorTests {
    @Test func canonicalJSONVectors() throws {
        let document =
            try JSONSerialization.jsonObject(with: try SpecVectors.data("canonical-json.json"))
            as! [String: [[String: String]]]
        for case_ in document["canonical"]! {
            let parsed = try JSONValue(parsing: case_["input"]!)
            #expect(parsed.canonicalString == case_["output"]!, "input \(case_["input"]!)")
            // The one-pass check agrees with serialising again, both ways.
            #expect(
                try JSONValue.parseCheckingCanonical(Array(case_["input"]!.utf8)).canonical
                    == (case_["input"]! == case_["output"]!))
            #expect(try JSONValue.parseCheckingCanonical(Array(case_["output"]!.utf8)).canonical)
        }
        for text in [#""\u0041""#, #""\u001F""#, #""\u0009""#, #"-0"#, #"{"b":1,"a":2}"#, #"[1, 2]"#, #""a\/b""#] {
            #expect(try JSONValue.parseCheckingCanonical(Array(text.utf8)).canonical == false, "\(text)")
        }
        for case_ in document["rejected"]! {
            #expect(throws: JSONParseError.self, "\(case_["why"]!)") { try JSONValue(parsing: case_["input"]!) }
        }
    }
}
