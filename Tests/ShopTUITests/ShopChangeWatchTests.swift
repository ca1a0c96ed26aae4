import Foundation
import Testing
@testable import ShopEngine
@testable import ShopTUI

/// "Lists and dialogs refresh when opened and when the shop changes": two sessions on one
/// SQLite file, as two terminals would be.
@Suite("Open screens follow changes made elsewhere")
struct ShopChangeWatchTests {
    @Test("an open product list shows stock another terminal changed, within a couple of ticks")
    func listFollowsOtherTerminal() throws {
        let f = try StaffFixture()
        let other = try f.temporary.openAgain()
        let app = AppDriver(f.session(f.staff))
        app.openStaff("Products")
        #expect(app.screen().contains { $0.contains("Lemon tart") && $0.contains(" 0") })
        app.tick(); app.tick()                       // the first check sets the baseline
        _ = try other.catalog.adjustStock(productID: f.tart.id, delta: 7, reason: "delivery", caller: f.staff.caller)
        #expect(!app.screen().contains { $0.contains("Lemon tart") && $0.contains(" 7") }, "not yet checked")
        app.tick(); app.tick()
        #expect(app.screen().contains { $0.contains("Lemon tart") && $0.contains(" 7") }, "the list reloaded: \(app.text)")
    }

    @Test("the stock dialog reads the product when it opens, not the row it was opened from")
    func dialogReloadsOnOpen() throws {
        let f = try StaffFixture()
        let other = try f.temporary.openAgain()
        let app = AppDriver(f.session(f.staff))
        app.openStaff("Products")
        let row = try #require(app.screen().firstIndex { $0.contains("Lemon tart") })
        let first = try #require(app.screen().firstIndex { $0.contains("Butter") })   // first row (by name)
        for _ in 0..<(row - first) { app.press(.down) }
        _ = try other.catalog.adjustStock(productID: f.tart.id, delta: 7, reason: "delivery", caller: f.staff.caller)
        app.press(.char("s"))
        #expect(app.text.contains("Stock of Lemon tart"))
        #expect(app.text.contains("7 in stock"), "the dialog shows the stock as it is now: \(app.text)")
    }
}
