/// A day of the Solar Hijri (Jalali) calendar, Iran's civil calendar. Dates are stored
/// Gregorian (`CivilDate`); this converts for display and input in Persian.
///
/// ```swift
/// JalaliDate(CivilDate(year: 2024, month: 3, day: 20)).formatted()   // "۱۴۰۳/۰۱/۰۱"
/// try JalaliDate.parse("۱۴۰۵/۹/۸").civilDate                          // 2026-11-29
/// ```
///
/// The arithmetic is Borkowski's (as in jalaali-js): leap years follow the table of 33-year
/// cycle breaks, which agrees with the astronomical calendar for years 1–3177.
public struct JalaliDate: Equatable, Comparable, Hashable, Sendable, CustomStringConvertible {
    public let year: Int, month: Int, day: Int

    /// The years the conversion is exact for.
    public static let supportedYears = 1...3177

    /// nil for a day that does not exist (1403/12/31, 1404/12/30, month 13) or a year out of range.
    public init?(year: Int, month: Int, day: Int) {
        guard Self.supportedYears.contains(year), (1...12).contains(month),
              (1...Self.daysIn(month: month, year: year)).contains(day) else { return nil }
        self.year = year; self.month = month; self.day = day
    }

    /// The Jalali day of a Gregorian day.
    public init(_ date: CivilDate) {
        (year, month, day) = Self.jalali(dayNumber: Self.dayNumber(gregorian: date))
    }

    /// The same day in the Gregorian calendar, as stored.
    public var civilDate: CivilDate {
        let (y, m, d) = Self.gregorian(dayNumber: Self.dayNumber(jalali: self))
        return CivilDate(year: y, month: m, day: d)
    }

    /// `1405/09/08` in ASCII digits (logs, tests); `formatted()` is the Persian form.
    public var description: String {
        "\(year)/\(month < 10 ? "0" : "")\(month)/\(day < 10 ? "0" : "")\(day)"
    }

    public static func < (a: JalaliDate, b: JalaliDate) -> Bool {
        (a.year, a.month, a.day) < (b.year, b.month, b.day)
    }

    // MARK: - Calendar rules

    /// Farvardin…Shahrivar have 31 days, Mehr…Bahman 30, Esfand 29 (30 in a leap year).
    public static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 1...6: 31
        case 7...11: 30
        default: isLeap(year) ? 30 : 29
        }
    }

    public static func isLeap(_ year: Int) -> Bool {
        supportedYears.contains(year) && calendar(year).leap == 0
    }

    /// The Persian month names, Farvardin first.
    public static let monthNames = ["فروردین", "اردیبهشت", "خرداد", "تیر", "مرداد", "شهریور",
                                    "مهر", "آبان", "آذر", "دی", "بهمن", "اسفند"]

    /// The same names in Latin letters, for English text.
    public static let englishMonthNames = ["Farvardin", "Ordibehesht", "Khordad", "Tir", "Mordad", "Shahrivar",
                                           "Mehr", "Aban", "Azar", "Dey", "Bahman", "Esfand"]

    public var monthName: String { Self.monthNames[month - 1] }

    // MARK: - Formatting and parsing

    /// The local (shop time zone) Jalali day and time of a Unix time, as `CivilDate.localTimestamp`
    /// in Persian: `۱۴۰۵/۰۹/۰۸ ۱۴:۳۰`.
    public static func localTimestamp(_ seconds: Int64) -> String {
        let gregorian = CivilDate.localTimestamp(seconds)   // "2026-11-29 14:30"
        let time = gregorian.split(separator: " ").last.map(String.init) ?? ""
        return JalaliDate(CivilDate(local: seconds)).formatted() + " " + Text.persianDigits(time)
    }

    public enum Style: Sendable {
        /// `۱۴۰۵/۰۹/۰۸`: fixed width, for tables and receipts.
        case short
        /// `۸ آذر ۱۴۰۵`: for sentences and headings.
        case long
    }

    /// The date in Persian digits.
    public func formatted(_ style: Style = .short) -> String {
        switch style {
        case .short: Text.persianDigits(description)
        case .long: Text.persianDigits("\(day)") + " " + monthName + " " + Text.persianDigits("\(year)")
        }
    }

    /// Reads a date as a person types it: year/month/day with `/`, `-` or `.` between, in
    /// Persian, Arabic-Indic or ASCII digits (`۱۴۰۳/۱۲/۳۰`, `1403-1-5`), or with the month's
    /// name (`۸ آذر ۱۴۰۵`). Throws `invalid_jalali_date` (not a date) or `no_such_date`
    /// (1403/12/31), with `field`.
    public static func parse(_ text: String, field: String = "date") throws -> JalaliDate {
        let folded = Text.foldDigits(text).trimmingCharacters(in: .whitespaces)
        let (y, m, d): (Int, Int, Int)
        let numeric = folded.split(whereSeparator: { "/-.".contains($0) }).map(String.init)
        let words = folded.split(separator: " ").map(String.init)
        if numeric.count == 3, numeric.allSatisfy({ !$0.isEmpty && $0.count <= 4 && $0.allSatisfy(\.isASCIIDigit) }) {
            (y, m, d) = (Int(numeric[0])!, Int(numeric[1])!, Int(numeric[2])!)
        } else if words.count == 3, let month = monthNames.firstIndex(where: { Text.searchFold($0) == Text.searchFold(words[1]) }),
                  let day = Int(words[0]), let year = Int(words[2]), words[0].allSatisfy(\.isASCIIDigit), words[2].allSatisfy(\.isASCIIDigit) {
            (y, m, d) = (year, month + 1, day)
        } else {
            throw ShopError(.invalid, "invalid_jalali_date", "Enter a Solar Hijri date as year/month/day, e.g. 1405/09/08", field: field)
        }
        guard (1...12).contains(m), supportedYears.contains(y) else {
            throw ShopError(.invalid, "invalid_jalali_date", "Enter a Solar Hijri date as year/month/day, e.g. 1405/09/08", field: field)
        }
        guard let date = JalaliDate(year: y, month: m, day: d) else {
            let days = daysIn(month: m, year: y)
            throw ShopError(.invalid, "no_such_date", "\(englishMonthNames[m - 1]) \(y) has \(days) days; there is no day \(d)", field: field,
                            parameters: ["day": "\(d)", "month": monthNames[m - 1], "year": "\(y)", "days": "\(days)"])
        }
        return date
    }

    // MARK: - Arithmetic (day numbers are Julian Day Numbers)

    /// Years at which the 33-year cycle pattern changes (Borkowski).
    private static let breaks = [-61, 9, 38, 199, 426, 686, 756, 818, 1111, 1181, 1210, 1635, 2060, 2097, 2192, 2262, 2324, 2394, 2456, 3178]

    /// For Jalali year `jy`: `leap` (0 for a leap year), the Gregorian year its 1 Farvardin falls
    /// in, and the March day of that 1 Farvardin.
    private static func calendar(_ jy: Int) -> (leap: Int, gy: Int, march: Int) {
        let gy = jy + 621
        var leapJ = -14, jp = breaks[0], jump = 0
        for jm in breaks.dropFirst() {
            jump = jm - jp
            if jy < jm { break }
            leapJ += jump / 33 * 8 + jump % 33 / 4
            jp = jm
        }
        var n = jy - jp
        leapJ += n / 33 * 8 + (n % 33 + 3) / 4
        if jump % 33 == 4 && jump - n == 4 { leapJ += 1 }
        let leapG = gy / 4 - (gy / 100 + 1) * 3 / 4 - 150
        let march = 20 + leapJ - leapG
        if jump - n < 6 { n = n - jump + (jump + 4) / 33 * 33 }
        var leap = ((n + 1) % 33 - 1) % 4
        if leap == -1 { leap = 4 }
        return (leap, gy, march)
    }

    private static func dayNumber(jalali d: JalaliDate) -> Int {
        let c = calendar(d.year)
        return dayNumber(gregorian: CivilDate(year: c.gy, month: 3, day: c.march)) + (d.month - 1) * 31 - d.month / 7 * (d.month - 7) + d.day - 1
    }

    private static func jalali(dayNumber jdn: Int) -> (Int, Int, Int) {
        let gy = gregorian(dayNumber: jdn).0
        var jy = gy - 621
        let c = calendar(jy)
        var k = jdn - dayNumber(gregorian: CivilDate(year: gy, month: 3, day: c.march))
        if k >= 0 {
            if k <= 185 { return (jy, 1 + k / 31, k % 31 + 1) }
            k -= 186
        } else {
            jy -= 1
            k += 179
            if c.leap == 1 { k += 1 }
        }
        return (jy, 7 + k / 30, k % 30 + 1)
    }

    private static func dayNumber(gregorian d: CivilDate) -> Int {
        let (gy, gm, gd) = (d.year, d.month, d.day)
        var n = (gy + (gm - 8) / 6 + 100_100) * 1461 / 4 + (153 * ((gm + 9) % 12) + 2) / 5 + gd - 34_840_408
        n = n - (gy + 100_100 + (gm - 8) / 6) / 100 * 3 / 4 + 752
        return n
    }

    private static func gregorian(dayNumber jdn: Int) -> (Int, Int, Int) {
        var j = 4 * jdn + 139_361_631
        j = j + (4 * jdn + 183_187_720) / 146_097 * 3 / 4 * 4 - 3908
        let i = (j % 1461) / 4 * 5 + 308
        let gd = (i % 153) / 5 + 1
        let gm = (i / 153) % 12 + 1
        let gy = j / 1461 - 100_100 + (8 - gm) / 6
        return (gy, gm, gd)
    }
}

private extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}
