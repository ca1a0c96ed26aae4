import Foundation
import Testing
import ShopTestSupport
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

    /// Words Swift's `==` takes for one (canonically equivalent) but FTS5 keeps apart, and two it folds together.
    static let lookAlikes: [(sku: String, word: String)] = [
        ("HANGUL-COMPOSED", "\u{AC00}\u{BC29}"), ("HANGUL-JAMO", "\u{1100}\u{1161}\u{1107}\u{1161}\u{11BC}"), // 가방 both ways
        ("CJK-COMPAT", "\u{F900}"), ("CJK-UNIFIED", "\u{8C48}"),                                          // 豈 both ways
        ("CAFE-COMPOSED", "caf\u{E9}"), ("CAFE-COMBINING", "cafe\u{301}"),                                 // FTS5: both "cafe"
    ]

    /// The SKUs a search for `word` finds by every plan, from the postings (a page of one) to every match.
    func skusFound(_ t: TestShop, _ word: String) throws -> Set<String> {
        let fromOne = CatalogSearchPlanTests.Plan(name: "the postings from one match on", driveLimit: 1,
                                                  limits: SearchRace.Limits(postings: 8_000, leapfrog: 0, walk: 0, index: 0))
        var found: Set<Set<String>> = []
        for plan in CatalogSearchPlanTests.Plan.all + [fromOne] {
            let ids = try reference.pages(t, word, category: nil, sort: .name, size: 5, plan: plan)
            found.insert(Set(try t.shop.store.read { db in try ids.map { try #require(try db.first("SELECT sku FROM products WHERE id = ?", $0) { $0.string(0) }) } }))
        }
        #expect(found.count == 1, "\(word): every plan finds the same products (\(found))")
        return found.first ?? []
    }

    @Test("words FTS5 keeps apart but Swift takes for one (a composed and a decomposed Hangul syllable, a CJK compatibility ideograph) each find their own product after an import and after a rename, as FTS5 does")
    func canonicallyEquivalentWordsStayApart() throws {
        let t = try TestShop()
        let staff = try t.staff().caller
        let csv = "sku,name,category,price,stock\n" + Self.lookAlikes.map { "\($0.sku),\($0.word) look,Same,1.00,1\n" }.joined()
        let report = try t.shop.catalog.importProducts(csv: Array(csv.utf8), caller: staff)
        #expect(report.problems == [] && report.written)
        let expected: [String: Set<String>] = [
            "HANGUL-COMPOSED": ["HANGUL-COMPOSED"], "HANGUL-JAMO": ["HANGUL-JAMO"],
            "CJK-COMPAT": ["CJK-COMPAT"], "CJK-UNIFIED": ["CJK-UNIFIED"],
            "CAFE-COMPOSED": ["CAFE-COMPOSED", "CAFE-COMBINING"], "CAFE-COMBINING": ["CAFE-COMPOSED", "CAFE-COMBINING"],
        ]
        func checkEveryWord(_ when: String, _ expected: [String: Set<String>]) throws {
            for (sku, word) in Self.lookAlikes {
                if !TestDatabase.isPostgres { // what FTS5 itself finds
                    let fts = Set(try t.shop.store.read { db in
                        try db.query("SELECT p.sku FROM products_fts f JOIN products p ON p.id = f.rowid WHERE products_fts MATCH ?", SearchTerms.quoted(word) + "*") { $0.string(0) }
                    })
                    #expect(fts == expected[sku], "\(when): FTS5 finds \(word) in \(fts)")
                }
                #expect(try skusFound(t, word) == expected[sku], "\(when): a search for \(sku)'s word")
                #expect(Set(try t.shop.catalog.list(ProductQuery(text: word), caller: t.guest).items.map(\.sku)) == expected[sku], "\(when): the catalog's search for \(sku)'s word")
            }
        }
        try checkEveryWord("after the import", expected)

        // The composed Hangul product renamed to the decomposed word: its old word's posting goes.
        let composed = try #require(try t.shop.store.read { try $0.scalarInt("SELECT id FROM products WHERE sku = 'HANGUL-COMPOSED'") })
        _ = try t.shop.catalog.update(id: composed, ProductChanges(name: Self.lookAlikes[1].word + " look"), caller: staff)
        var renamed = expected
        renamed["HANGUL-COMPOSED"] = []
        renamed["HANGUL-JAMO"] = ["HANGUL-COMPOSED", "HANGUL-JAMO"]
        try checkEveryWord("after renaming the composed one to the decomposed word", renamed)

        // And back by an import: the file's bytes are what the shop keeps and finds.
        let back = "sku,name,price\nHANGUL-COMPOSED,\(Self.lookAlikes[0].word) look,1.00\n"
        #expect(try t.shop.catalog.importProducts(csv: Array(back.utf8), caller: staff).updated == 1)
        try checkEveryWord("after importing the composed name back", expected)
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
