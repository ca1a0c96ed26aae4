import Testing
@testable import ShopEngine

@Suite("Civil dates")
struct CivilDateTests {
    @Test("civil dates parse strictly and convert without a calendar library")
    func civilDates() {
        #expect(CivilDate("2027-02-28")?.description == "2027-02-28")
        #expect(CivilDate("2027-02-30") == nil)
        #expect(CivilDate("2027-2-3") == nil)
        #expect(CivilDate("tomorrow") == nil)
        #expect(CivilDate("2024-02-29") != nil && CivilDate("2023-02-29") == nil)
        #expect(CivilDate(utc: 1_800_000_000).description == "2027-01-15")
        #expect(CivilDate(year: 2027, month: 1, day: 15).startUTC == 1_799_971_200)
    }
}
