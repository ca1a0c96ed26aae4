/// The store's currency: an ISO code and how many minor digits it has (`IRR:0`, `USD:2`).
/// Money is always an `Int64` count of minor units.
public struct Currency: Codable, Sendable, Equatable {
    public let code: String
    public let minorDigits: Int

    public init(code: String, minorDigits: Int) {
        self.code = code
        self.minorDigits = minorDigits
    }

    public static let usd = Currency(code: "USD", minorDigits: 2)

    /// Parses `CODE:DIGITS`, e.g. `IRR:0`.
    public static func parse(_ spec: String) throws -> Currency {
        let parts = spec.split(separator: ":")
        guard parts.count == 2, parts[0].count == 3, parts[0].allSatisfy({ $0.isASCII && $0.isLetter }),
              let digits = Int(parts[1]), (0...4).contains(digits) else {
            throw ShopError.invalid("invalid_currency", "Currency must look like USD:2 or IRR:0 (code and minor digits 0–4), got \"\(spec)\"")
        }
        return Currency(code: parts[0].uppercased(), minorDigits: digits)
    }

    public var spec: String { "\(code):\(minorDigits)" }

    /// `1250` → `"12.50"` for USD, `"1,250"` for IRR.
    public func format(_ amount: Int64, withCode: Bool = false) -> String {
        let negative = amount < 0
        let magnitude = amount.magnitude
        var divisor: UInt64 = 1
        for _ in 0..<minorDigits { divisor *= 10 }
        let whole = String(magnitude / divisor)
        var grouped = ""
        for (i, ch) in whole.reversed().enumerated() {
            if i > 0 && i % 3 == 0 { grouped.append(",") }
            grouped.append(ch)
        }
        var text = String(grouped.reversed())
        if minorDigits > 0 {
            let fraction = String(magnitude % divisor)
            text += "." + String(repeating: "0", count: minorDigits - fraction.count) + fraction
        }
        return (negative ? "-" : "") + text + (withCode ? " \(code)" : "")
    }

    /// `1250` → `"12.50"` for USD, `"1250"` for IRR: no grouping, for files a program or a
    /// spreadsheet reads back (`parseAmount` reads it).
    public func plain(_ amount: Int64) -> String {
        guard minorDigits > 0 else { return String(amount) }
        var divisor: UInt64 = 1
        for _ in 0..<minorDigits { divisor *= 10 }
        let magnitude = amount.magnitude
        let fraction = String(magnitude % divisor)
        return (amount < 0 ? "-" : "") + String(magnitude / divisor) + "." + String(repeating: "0", count: minorDigits - fraction.count) + fraction
    }

    /// Parses a decimal amount typed by a person (`"12.5"`) into minor units.
    public func parseAmount(_ text: String) -> Int64? {
        let folded = Text.foldDigits(text)
        let cleaned = Text.trimmed(folded.utf8.contains(0x2C) ? folded.replacingOccurrences(of: ",", with: "") : folded, newlines: false)
        let parts = cleaned.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), !parts[0].isEmpty || parts.count == 2,
              parts.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }) else { return nil }
        let fraction = parts.count == 2 ? String(parts[1]) : ""
        guard fraction.count <= minorDigits, parts[0].count <= 15 else { return nil }
        let padded = fraction + String(repeating: "0", count: minorDigits - fraction.count)
        return Int64(String(parts[0]) + padded) ?? (parts[0].isEmpty ? Int64(padded) : nil)
    }
}
