import Foundation
import ShopEngine

/// Digits as the language writes them, and back.
///
///     Numerals.localized("1,199,999.80", for: .fa)   // "۱٬۱۹۹٬۹۹۹٫۸۰"
///     Numerals.ascii("۱۲٣")                          // "123" (Persian and Arabic-Indic digits)
public enum Numerals {
    /// `text` (a number as English writes it) with Persian digits, `٬` for thousands and `٫` for
    /// the decimal point in Persian; unchanged in English.
    public static func localized(_ text: String, for language: Language = L.language) -> String {
        guard language == .fa else { return text }
        return Text.persianDigits(text).replacingOccurrences(of: ",", with: "\u{066C}").replacingOccurrences(of: ".", with: "\u{066B}")
    }

    /// Persian (۰–۹) and Arabic-Indic (٠–٩) digits folded to ASCII, and Persian separators back
    /// to `,` and `.`: what every number typed into a field goes through before it is parsed.
    public static func ascii(_ text: String) -> String {
        Text.foldDigits(text).replacingOccurrences(of: "\u{066B}", with: ".").replacingOccurrences(of: "\u{066C}", with: ",")
    }

    /// A whole number typed in any of the three digit sets (surrounding spaces allowed).
    ///
    ///     Numerals.int("۱۲")   // 12
    public static func int(_ text: String) -> Int? { Int(ascii(text).trimmingCharacters(in: .whitespaces)) }
}
