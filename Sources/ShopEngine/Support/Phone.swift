/// Phone numbers in E.164: `+` and 8–15 digits.
///
/// ```swift
/// try Phone.normalize("0914 188 3291", defaultCountry: "+98")  // "+989141883291"
/// ```
public enum Phone {
    public static func normalize(_ raw: String, defaultCountry: String?) throws -> String {
        // At most 32 characters as sent (the API document's maxLength), then trimmed.
        guard raw.unicodeScalars.count <= 32 else { throw ShopError.invalid("invalid_phone", "Enter a phone number like +15551234567", field: "phone") }
        var text = Text.foldDigits(raw).trimmingCharacters(in: .whitespacesAndNewlines)
        let invalid = ShopError.invalid("invalid_phone", "Enter a phone number like +15551234567\(defaultCountry != nil ? " or 0…" : "")", field: "phone")
        guard !text.isEmpty, text.count <= 32 else { throw invalid }
        text.removeAll { " -().\u{00A0}".contains($0) }
        var digits: Substring
        if text.hasPrefix("+") {
            digits = text.dropFirst()
        } else if text.hasPrefix("00") {
            digits = text.dropFirst(2)
        } else if let country = defaultCountry {
            let national = text.hasPrefix("0") ? text.dropFirst() : Substring(text)
            digits = Substring(country.dropFirst() + national)
        } else {
            throw ShopError.invalid("invalid_phone", "Include the country code, e.g. +15551234567", field: "phone")
        }
        guard digits.allSatisfy({ $0.isASCII && $0.isNumber }), (8...15).contains(digits.count), digits.first != "0" else {
            throw invalid
        }
        return "+" + digits
    }

    /// Validates a configured country prefix such as `+98`.
    public static func validateCountryPrefix(_ prefix: String) -> Bool {
        prefix.hasPrefix("+") && (2...4).contains(prefix.count) && prefix.dropFirst().allSatisfy { $0.isASCII && $0.isNumber } && prefix.dropFirst().first != "0"
    }
}

import Foundation

/// Text helpers shared by validation and search.
public enum Text {
    /// Persian (۰–۹) and Arabic-Indic (٠–٩) digits become ASCII digits.
    public static func foldDigits(_ s: String) -> String {
        // Every such digit starts with byte 0xD9 or 0xDB in UTF-8: most text has neither (imports fold 100,000s of cells).
        guard s.utf8.contains(where: { $0 == 0xD9 || $0 == 0xDB }) else { return s }
        return String(String.UnicodeScalarView(s.unicodeScalars.map { scalar in
            switch scalar.value {
            case 0x06F0...0x06F9: Unicode.Scalar(scalar.value - 0x06F0 + 0x30)!
            case 0x0660...0x0669: Unicode.Scalar(scalar.value - 0x0660 + 0x30)!
            default: scalar
            }
        }))
    }

    /// Folding for search and sorting: lowercase, digits unified, Arabic Yeh/Kaf as Persian ones.
    public static func searchFold(_ s: String) -> String {
        if s.utf8.allSatisfy({ $0 < 0x80 }) { return s.lowercased() } // ASCII: nothing else to fold
        // One pass, scalar by scalar (as `lowercased()` maps them); an import folds 100,000s of names.
        var folded = ""
        folded.reserveCapacity(s.utf8.count)
        for scalar in s.unicodeScalars {
            switch scalar.value {
            case 0x41...0x5A: folded.unicodeScalars.append(Unicode.Scalar(scalar.value + 0x20)!)
            case 0x00...0x7F: folded.unicodeScalars.append(scalar)
            case 0x06F0...0x06F9: folded.unicodeScalars.append(Unicode.Scalar(scalar.value - 0x06F0 + 0x30)!) // Persian digits
            case 0x0660...0x0669: folded.unicodeScalars.append(Unicode.Scalar(scalar.value - 0x0660 + 0x30)!) // Arabic-Indic digits
            case 0x064A, 0x0649: folded.unicodeScalars.append("\u{06CC}") // Arabic Yeh / Alef Maksura → Persian Yeh
            case 0x0643: folded.unicodeScalars.append("\u{06A9}")         // Arabic Kaf → Persian Keheh
            case 0x200C: folded.unicodeScalars.append(" ")                // ZWNJ separates word parts
            default:
                if scalar.properties.changesWhenLowercased {
                    folded.unicodeScalars.append(contentsOf: scalar.properties.lowercaseMapping.unicodeScalars)
                } else {
                    folded.unicodeScalars.append(scalar)
                }
            }
        }
        return folded
    }

    /// Trims and rejects control characters; nil when the value has any.
    static func clean(_ s: String) -> String? {
        let trimmed = trimmed(s)
        // The control characters (general category Cc) are exactly U+0000–001F and U+007F–009F.
        let hasControl = trimmed.unicodeScalars.contains { ($0.value < 0x20 || (0x7F...0x9F).contains($0.value)) && $0 != "\n" }
        return hasControl ? nil : trimmed
    }

    /// Without white space and line breaks at either end; Foundation only when an end may be some.
    /// `newlines: false` keeps line breaks (trims spaces and tabs only).
    static func trimmed(_ s: String, newlines: Bool = true) -> String {
        guard let first = s.utf8.first, let last = s.utf8.last else { return s }
        func plain(_ b: UInt8) -> Bool { b > 0x20 && b < 0x7F } // visible ASCII: surely not white space
        if plain(first) && plain(last) { return s }
        return s.trimmingCharacters(in: newlines ? .whitespacesAndNewlines : .whitespaces)
    }
}
