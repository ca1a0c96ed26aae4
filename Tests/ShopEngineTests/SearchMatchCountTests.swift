import Foundation
import Testing
import ShopTestSupport
@testable import ShopEngine

/// A search's match count (which plan finds its page) is kept until the database changes; the
/// pages customers see stay exact and current whatever was kept.
@Suite("Search match counts", .disabled(if: TestDatabase.isPostgres, "SQLite's FTS5 count (PostgreSQL searches product_words)"))
struct SearchMatchCountTests {
    private func addTea(_ t: TestShop, _ staff: SignIn, _ n: Int) throws {
        _ = try t.shop.catalog.create(ProductDraft(sku: "TEA-\(n)", name: "Green tea \(n)", category: "Drinks", price: Int64(100 + n)), caller: staff.caller)
    }

    @Test("a count is kept for its version and counted again once the store's change counter moves")
    func keptUntilChange() throws {
        let t = try TestShop()
        let staff = try t.staff()
        for n in 1...3 { try addTea(t, staff, n) }
        let counts = SearchMatchCounts()
        let store = t.shop.store
        let expression = try #require(try store.read { try SearchTerms.expression("tea", $0) })
        func count(_ version: Int64) throws -> Int64 {
            try store.read { try SearchMatchCounts.count($0, expression, upTo: 4_000, snapshot: .init(counts: counts, version: version)) }
        }
        let before = try store.changeCounter()
        #expect(try count(before) == 3)

        // Another process adds a fourth tea: the counter moves.
        #expect(try t.runSQLInAnotherProcess("INSERT INTO products_fts(rowid, search) VALUES (999, 'green tea 999');") == 0)
        let after = try store.changeCounter()
        #expect(after != before, "a commit in another process moves the change counter")
        #expect(try count(before) == 3, "the count kept for the old version (it only chooses a plan)")
        #expect(try count(after) == 4, "a new version counts again")
        #expect(try store.read { try SearchMatchCounts.count($0, expression, upTo: 2, snapshot: nil) } == 2, "counted up to the limit")
    }

    @Test("searches show products added or archived in another process on the very next page, with counts kept in between")
    func pagesStayCurrent() throws {
        let t = try TestShop()
        let staff = try t.staff()
        for n in 1...3 { try addTea(t, staff, n) }
        func teas(_ sort: ProductQuery.Sort = .name, category: String? = nil) throws -> [String] {
            try t.shop.catalog.list(ProductQuery(text: "tea", category: category, sort: sort, limit: 20), caller: t.guest).items.map(\.name)
        }
        for sort in ProductQuery.Sort.allCases { #expect(try teas(sort).count == 3) }
        #expect(try teas(category: "Drinks") == ["Green tea 1", "Green tea 2", "Green tea 3"])

        let other = try t.openAgain()
        defer { other.store.close() }
        let otherStaff = try other.admin.localSignIn(phone: "+15550009999").caller
        _ = try other.catalog.create(ProductDraft(sku: "TEA-9", name: "Black tea 9", category: "Drinks", price: 1), caller: otherStaff)
        #expect(try teas() == ["Black tea 9", "Green tea 1", "Green tea 2", "Green tea 3"])
        #expect(try teas(.price, category: "Drinks").first == "Black tea 9")

        let first = try #require(try t.shop.catalog.list(ProductQuery(text: "green"), caller: t.guest).items.first)
        _ = try other.catalog.delete(id: first.id, caller: otherStaff)
        #expect(try teas() == ["Black tea 9", "Green tea 2", "Green tea 3"], "a product deleted elsewhere is gone from the next page")
    }
}
