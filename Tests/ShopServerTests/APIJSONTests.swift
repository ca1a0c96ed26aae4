import Foundation
import Testing
@testable import ShopServer

@Suite("API JSON writer")
struct APIJSONTests {
    @Test("strings with quotes, backslashes, controls and non-ASCII, and every kind of integer round-trip through JSONSerialization")
    func roundTrip() throws {
        let strings = ["", "plain", "quote \" and \\ backslash", "line\nbreak\r\ttab", "\u{01}\u{1F}\u{7F}", "نیما جوان", "emoji 🎂", "\"", "\\", "a\u{0}b"]
        let ints: [Int64] = [0, 1, -1, 9, 10, 99, 100, 1_600_000, -42, .max, .min, .max - 1, .min + 1]
        let value = JSON.object([("strings", .array(strings.map { JSON.string($0) })), ("ints", .array(ints.map { JSON.int($0) })),
                                 ("flags", .array([.bool(true), .bool(false), .null]))])
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(value.bytes)) as? [String: Any])
        #expect(parsed["strings"] as? [String] == strings)
        #expect((parsed["ints"] as? [NSNumber])?.map { $0.int64Value } == ints)
        #expect(String(decoding: JSON.int(-1_600_000).bytes, as: UTF8.self) == "-1600000")
        #expect(String(decoding: JSON.object([("a", .null), ("b", .bool(true))]).bytes, as: UTF8.self) == #"{"a":null,"b":true}"#)
    }
}
