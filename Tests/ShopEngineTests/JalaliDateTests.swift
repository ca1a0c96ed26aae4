import Testing
@testable import ShopEngine

@Suite("Solar Hijri (Jalali) calendar")
struct JalaliDateTests {
    private func jalali(_ gregorian: String) -> JalaliDate { JalaliDate(CivilDate(gregorian)!) }

    @Test("Nowruz falls on the known Gregorian days, across leap years")
    func nowruz() {
        // 1 Farvardin of each year, from Iran's official calendar.
        let nowruz = [(1399, "2020-03-20"), (1400, "2021-03-21"), (1403, "2024-03-20"), (1404, "2025-03-21"),
                      (1405, "2026-03-21"), (1408, "2029-03-20"), (1409, "2030-03-21"), (1354, "1975-03-21"), (1300, "1921-03-21")]
        for (year, day) in nowruz {
            #expect(jalali(day) == JalaliDate(year: year, month: 1, day: 1), "\(day)")
            #expect(JalaliDate(year: year, month: 1, day: 1)!.civilDate.description == day, "\(year)")
        }
        #expect(jalali("2026-11-29").description == "1405/09/08")
        #expect(jalali("1979-02-11").description == "1357/11/22")
    }

    @Test("30 Esfand exists only in leap years, and is the day before Nowruz")
    func leapYears() {
        for year in [1399, 1403, 1408] {
            #expect(JalaliDate.isLeap(year), "\(year)")
            let last = JalaliDate(year: year, month: 12, day: 30)!
            #expect(JalaliDate(CivilDate(utc: last.civilDate.startUTC + 86_400)) == JalaliDate(year: year + 1, month: 1, day: 1))
        }
        #expect(JalaliDate(year: 1403, month: 12, day: 30)!.civilDate.description == "2025-03-20")
        #expect(JalaliDate(year: 1399, month: 12, day: 30)!.civilDate.description == "2021-03-20")
        for year in [1400, 1402, 1404, 1405] {
            #expect(!JalaliDate.isLeap(year), "\(year)")
            #expect(JalaliDate(year: year, month: 12, day: 30) == nil, "\(year)")
        }
        #expect(JalaliDate(year: 1403, month: 12, day: 31) == nil)
        #expect(JalaliDate(year: 1403, month: 7, day: 31) == nil)
        #expect(JalaliDate(year: 1403, month: 6, day: 31) != nil)
        #expect(JalaliDate(year: 1403, month: 13, day: 1) == nil)
    }

    @Test("every day from 1900 to 2100 converts to the next Jalali day and back")
    func roundTrip() {
        var day = CivilDate(year: 1900, month: 1, day: 1).startUTC
        let end = CivilDate(year: 2100, month: 12, day: 31).startUTC
        var previous = JalaliDate(CivilDate(utc: day))
        var count = 0, failures = 0
        while day < end {
            day += 86_400
            let gregorian = CivilDate(utc: day)
            let date = JalaliDate(gregorian)
            let expected = previous.day < JalaliDate.daysIn(month: previous.month, year: previous.year)
                ? JalaliDate(year: previous.year, month: previous.month, day: previous.day + 1)
                : previous.month < 12 ? JalaliDate(year: previous.year, month: previous.month + 1, day: 1) : JalaliDate(year: previous.year + 1, month: 1, day: 1)
            if date != expected || date.civilDate != gregorian {
                failures += 1
                if failures < 5 { Issue.record("\(gregorian) → \(date), expected \(expected.map(\.description) ?? "?"), back \(date.civilDate)") }
            }
            previous = date
            count += 1
        }
        #expect(failures == 0)
        #expect(count == 73_413)
    }

    @Test("dates are written in Persian digits, and in long form with the month's name")
    func formatting() {
        let date = jalali("2026-11-29")
        #expect(date.formatted() == "۱۴۰۵/۰۹/۰۸")
        #expect(date.formatted(.long) == "۸ آذر ۱۴۰۵")
        #expect(jalali("2025-03-20").formatted(.long) == "۳۰ اسفند ۱۴۰۳")
        let noon = CivilDate(year: 2026, month: 11, day: 29).startLocal + 14 * 3600 + 30 * 60
        #expect(JalaliDate.localTimestamp(noon) == "۱۴۰۵/۰۹/۰۸ ۱۴:۳۰")
        #expect(JalaliDate.monthNames.count == 12 && JalaliDate.monthNames.first == "فروردین" && JalaliDate.monthNames.last == "اسفند")
    }

    @Test("an entered date reads Persian, Arabic-Indic and ASCII digits and month names")
    func parsing() throws {
        let expected = JalaliDate(year: 1405, month: 9, day: 8)
        for text in ["۱۴۰۵/۰۹/۰۸", "1405/9/8", "١٤٠٥-٠٩-٠٨", " 1405.09.08 ", "۸ آذر ۱۴۰۵", "۱۴۰۵/۹/۸"] {
            #expect(try JalaliDate.parse(text) == expected, "\(text)")
        }
        #expect(try JalaliDate.parse("1403/12/30").civilDate.description == "2025-03-20")
    }

    @Test("an impossible or malformed date is refused with a clear error naming the field")
    func refusals() {
        #expect {
            try JalaliDate.parse("1403/12/31", field: "delivery_date")
        } throws: { error in
            let e = error as! ShopError
            return e.code == "no_such_date" && e.field == "delivery_date" && e.message == "Esfand 1403 has 30 days; there is no day 31"
                && e.parameters["month"] == "اسفند"
        }
        #expect { try JalaliDate.parse("1404/12/30") } throws: { ($0 as! ShopError).message == "Esfand 1404 has 29 days; there is no day 30" }
        for bad in ["", "1405", "1405/13/01", "1405/00/10", "tomorrow", "1405/09", "1405/09/08/01", "12345/1/1", "۸ آبانی ۱۴۰۵"] {
            #expect(throws: ShopError.self, "\(bad)") { try JalaliDate.parse(bad) }
        }
        #expect { try JalaliDate.parse("1405/13/01") } throws: { ($0 as! ShopError).code == "invalid_jalali_date" }
    }
}
