import Foundation
import ShopEngine

/// How screens, receipts and reports write the values they share, in one place (money goes
/// through `Currency.format`, or `Session.money` for the session's currency).
///
///     Format.timestamp(order.createdAt)   // "2026-11-21 14:05", local time
enum Format {
    // MARK: - Dates: Gregorian in English, Solar Hijri (Jalali) with Persian digits in Persian

    /// A moment in local time: `2026-11-29 14:30` / `۱۴۰۵/۰۹/۰۸ ۱۴:۳۰`.
    static func timestamp(_ seconds: Int64) -> String {
        L.language == .fa ? JalaliDate.localTimestamp(seconds) : CivilDate.localTimestamp(seconds)
    }

    /// A stored day (`YYYY-MM-DD`, as orders keep a delivery date) as the language writes it:
    /// `2026-12-01` / `۱۴۰۵/۰۹/۱۰`. Text that is not a date is shown as it is.
    static func day(_ stored: String) -> String {
        guard L.language == .fa, let date = CivilDate(stored) else { return stored }
        return JalaliDate(date).formatted()
    }

    /// A day a person typed, as the engine stores it (`YYYY-MM-DD`): in Persian a Solar Hijri
    /// date (`۱۴۰۵/۰۹/۱۰`, any digits) converted to Gregorian; in English the text as typed (the
    /// engine checks it). Empty stays empty. Throws the engine's `invalid_jalali_date` /
    /// `no_such_date` with `field`.
    ///
    ///     try Format.enteredDay("۱۴۰۵/۰۹/۱۰", field: "delivery_date")   // "2026-12-01" in fa
    static func enteredDay(_ text: String, field: String) throws -> String {
        let text = text.trimmingCharacters(in: .whitespaces)
        guard L.language == .fa, !text.isEmpty else { return text }
        return try JalaliDate.parse(text, field: field).civilDate.description
    }

    /// A day typed by staff: Solar Hijri in Persian (`۱۴۰۵/۰۹/۰۸`, any digits), `YYYY-MM-DD` in
    /// English; the engine's `YYYY-MM-DD`. Throws the engine's clear error otherwise.
    static func parseDay(_ text: String, field: String = "day") throws -> String {
        if L.language == .fa { return try JalaliDate.parse(text, field: field).civilDate.description }
        guard let date = CivilDate(Numerals.ascii(text).trimmingCharacters(in: .whitespaces)) else {
            throw ShopError(.invalid, "invalid_day", "Day must look like 2026-11-21", field: field)
        }
        return date.description
    }

    // MARK: - Numbers in the session's language

    /// A count or quantity as the language writes it: `1234` in English, `۱۲۳۴` in Persian.
    ///
    ///     Format.number(12)    // "12" / "۱۲"
    static func number(_ n: some BinaryInteger) -> String { Numerals.localized(String(n)) }

    /// An amount in minor units in `currency`: `1,199,999.80` in English (as `Currency.format`),
    /// `۱٬۱۹۹٬۹۹۹٫۸۰` in Persian. Columns of amounts stay as wide as their widest value
    /// (`leftPadded`), in either language: each digit takes one column.
    ///
    ///     Format.money(119_999_980, currency)    // "1,199,999.80" / "۱٬۱۹۹٬۹۹۹٫۸۰"
    static func money(_ amount: Int64, _ currency: Currency, withCode: Bool = false) -> String {
        Numerals.localized(currency.format(amount, withCode: withCode))
    }

    /// Any number already written the English way ("12.50", "3/5") in the language's digits.
    static func digits(_ text: String) -> String { Numerals.localized(text) }

    /// How many things a cart, order or sale holds, counted the same on every screen: items are
    /// units (2 × cake + 2 × bread is "4 items"); `lines` adds " on 2 lines" when there are several.
    ///
    ///     Format.items(4, lines: 2)   // "4 items on 2 lines"
    static func items(_ units: Int64, lines: Int? = nil) -> String {
        let count = L.plural("format.items", count: Int(clamping: units))
        guard let lines, lines > 1 else { return count }
        return L.t("format.items_on_lines", ["items": count, "lines": Format.number(lines)])
    }

    /// The units of an order's lines (see `items`).
    static func units(of order: Order) -> Int64 { order.items.reduce(0) { Money.saturatingSum($0, $1.quantity) } }

}

extension String {
    /// Right-aligned in `width` columns (wide characters count two), for amounts in columns.
    func leftPadded(_ width: Int) -> String {
        let w = TextWidth.of(self)
        return w >= width ? self : String(repeating: " ", count: width - w) + self
    }
}

extension Result {
    /// The error of a failure, nil for a success: `Done(error: Result { try … }.failureValue)`.
    var failureValue: Failure? { if case .failure(let e) = self { e } else { nil } }
}
