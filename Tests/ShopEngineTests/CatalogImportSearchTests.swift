import Foundation
import Testing
@testable import ShopEngine

/// A CSV import writes the search postings of every product it touched in one pass at the end
/// (`SearchPostings.Bulk`); searches after it page exactly as the reference says, by every plan.
@Suite("Catalog search after a CSV import")
struct CatalogImportSearchTests {
    typealias Item = CatalogSearchPlanTests.Item
    let reference = CatalogSearchPlanTests()

    static let header = "sku,name,description,category,price,stock,variant,active\n"

    /// One product's CSV rows: every tenth has two variants (its price is the lower one's).
    static func rows(_ item: Item) -> String {
        func amount(_ minor: Int64) -> String { "\(minor / 100)." + String(format: "%02d", minor % 100) }
        let cells = "S-\(item.id),\"\(item.name)\",\(item.description),\(item.category)"
        let active = item.active ? "yes" : "no"
        guard item.id % 10 == 0 else { return "\(cells),\(amount(item.price)),3,,\(active)\n" }
        return "\(cells),\(amount(item.price)),1,small,\(active)\n\(cells),\(amount(item.price + 40)),2,large,\(active)\n"
    }

    /// The plan tests' catalog: early and late in name order, Persian.
    static func item(_ i: Int) -> Item { CatalogSearchPlanTests.item(i) }

    func importCSV(_ t: TestShop, _ items: [Item], staff: Caller) throws {
        let csv = Self.header + items.map(Self.rows).joined()
        let report = try t.shop.catalog.importProducts(csv: Array(csv.utf8), caller: staff)
        #expect(report.problems == [] && report.written)
        for item in items {
            #expect(try t.shop.store.read { try $0.scalarInt("SELECT id FROM products WHERE sku = ?", "S-\(item.id)") } == item.id)
        }
        let indexes = try t.shop.store.read { db in
            try db.query(db.dialect == .postgres
                ? "SELECT indexname AS name FROM pg_indexes WHERE tablename = 'search_postings' AND indexname LIKE 'search_postings_by_%' ORDER BY indexname"
                : "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'search_postings' AND name LIKE 'search_postings_by_%' ORDER BY name") { $0.string(0) }
        }
        #expect(indexes == ["search_postings_by_name", "search_postings_by_price"], "the sort indexes are there after the import")
        let listed = Set(try t.shop.store.read { db in try db.query("SELECT term FROM search_terms") { $0.string(0) } })
        let missing = Set(items.flatMap { $0.words.map(String.init) }).subtracting(listed)
        #expect(missing.isEmpty, "every word of an imported product is a listed word (a prefix search spells it out)")
    }

    @Test("after importing a new catalog, then a file with new products, renamed, repriced, recategorised and deactivated ones, and deletions, every plan pages as the reference",
          arguments: ["common", "zulu", "zul", "alp", "کیک", "نان", "renamed", "fresh", "toys", "common zulu", "s 2"])
    func importedCatalogPagesAsReference(_ query: String) throws {
        let t = try TestShop()
        let staff = try t.staff().caller
        var items = (1...240).map(Self.item)
        try importCSV(t, items, staff: staff)
        try reference.checkEveryPlan(t, items, query, when: "after importing a new catalog")

        // A second file: a quarter of the products changed (fewer postings than those kept, so the
        // indexes stay), 20 new ones; and three deleted through the catalog before it.
        for id: Int64 in [2, 130, 190] {
            #expect(try t.shop.catalog.delete(id: id, caller: staff) == .deleted)
        }
        items.removeAll { [2, 130, 190].contains($0.id) }
        var changed: [Item] = []
        for index in items.indices where items[index].id % 4 == 2 {
            var item = items[index]
            switch item.id / 4 % 5 { // the products with variants (every tenth) are repriced
            case 0: item.name = "Zulu renamed \(item.id)"
            case 1: item.name = "کیک renamed \(item.id)"
            case 2: item.price = 299 - item.price
            case 3: item.category = item.category == "Toys" ? "نانوایی" : "Toys"; item.description = "fresh"
            default: item.active.toggle()
            }
            items[index] = item
            changed.append(item)
        }
        let added = (241...260).map { i in
            var item = Self.item(i - 200)
            item = Item(id: Int64(i), name: "fresh " + item.name, description: item.description, category: item.category, price: item.price, active: true)
            return item
        }
        items += added
        try importCSV(t, changed + added, staff: staff)
        try reference.checkEveryPlan(t, items, query, when: "after importing changes")
    }

    @Test("an import with a bad line writes no postings, and a check writes none either")
    func nothingWrittenOnProblems() throws {
        let t = try TestShop()
        let staff = try t.staff().caller
        let good = Self.header + Self.rows(Self.item(1))
        #expect(try t.shop.catalog.importProducts(csv: Array(good.utf8), check: true, caller: staff).written == false)
        let bad = good + "S-2,Bad,,Toys,not a price,1,,yes\n"
        #expect(try t.shop.catalog.importProducts(csv: Array(bad.utf8), caller: staff).problems.map(\.line) == [3])
        #expect(try t.shop.store.read { try $0.scalarInt("SELECT count(*) FROM search_postings") } == 0)
        #expect(try t.shop.catalog.list(ProductQuery(text: "alpha"), caller: t.guest).items.isEmpty)
    }
}
