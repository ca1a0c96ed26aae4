import Foundation
import Testing
import ShopTestSupport
@testable import ShopEngine

/// Search answers the same pages whichever way it reads them: from the matches (few), walking
/// the sort order (many), or walking and then falling back (many, but not where the walk looked).
@Suite("Catalog search plans")
struct CatalogSearchPlanTests {
    struct Item { let id: Int64; let name: String; let price: Int64; let text: String }

    /// 200 products: "alpha widget" names (early in name order), "zulu gadget" names (at the end),
    /// and "mid thing" names whose description says zulu; every description says "common".
    func seeded() throws -> (TestShop, [Item]) {
        let t = try TestShop()
        var items: [Item] = []
        try t.shop.store.write { db in
            for i in 1...200 {
                let (name, description) = i <= 120 ? ("alpha widget \(i)", "common")
                    : i <= 180 ? ("zulu gadget \(i)", "common") : ("mid thing \(i)", "common zulu inside")
                let price = Int64((i * 7919) % 1000)
                try db.run("INSERT INTO products(id, sku, name, sort_name, description, category, price, stock, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 'C', ?, 1, 0, 0)",
                           Int64(i), "S-\(i)", name, Text.searchFold(name), description, price)
                try CatalogService.index(db, productID: Int64(i), name: name, description: description, sku: "S-\(i)", category: "C", barcode: nil, replacing: false)
                items.append(Item(id: Int64(i), name: name, price: price, text: "\(name) \(description) s-\(i) c"))
            }
        }
        return (t, items)
    }

    enum Sort: String, CaseIterable { case name, priceDesc }

    func expected(_ items: [Item], _ query: String, _ sort: Sort, _ count: Int) -> [Int64] {
        let words = query.split(separator: " ").map(String.init)
        let matching = items.filter { item in
            let tokens = item.text.split { !($0.isLetter || $0.isNumber) }
            return words.allSatisfy { w in tokens.contains { $0.hasPrefix(w) } }
        }
        let sorted = sort == .name
            ? matching.sorted { ($0.name, $0.id) < ($1.name, $1.id) }
            : matching.sorted { ($0.price, $0.id) > ($1.price, $1.id) }
        return Array(sorted.prefix(count).map(\.id))
    }

    @Test("every plan gives the first matches in sort order: many matches, clustered ones, a prefix spelled out, short prefixes",
          arguments: ["common", "zulu", "zul", "alp", "widg", "gadget", "common zulu", "thing"])
    func plansAgree(_ query: String) throws {
        let (t, items) = try seeded()
        for sort in Sort.allCases {
            for count in [5, 21, 500] {
                let want = expected(items, query, sort, count)
                #expect(!want.isEmpty)
                let order = sort == .name ? "p.sort_name, p.id" : "p.price DESC, p.id DESC"
                let filter = CatalogService.SQLFilter(conditions: ["p.active = 1 AND p.archived_at IS NULL"], arguments: [])
                // Tiny limits force each plan on 200 products: reading the matches, walking 30, and the fallback.
                for (driveLimit, window) in [(Int64(10_000), Int64(30)), (10, 30), (10, 1_000)] {
                    let got = try t.shop.store.read { db in
                        try CatalogService.searchPage(db, search: try #require(try SearchTerms.search(query, db)), filter: filter, order: order,
                                                      count: count, driveLimit: driveLimit, walkWindow: window).map(\.id)
                    }
                    #expect(got == want, "\(query) by \(sort), \(count) rows, drive below \(driveLimit), walk \(window)")
                }
            }
        }
    }

    /// The words FTS5's own tokenizer makes of `text` (through the scratch index).
    func ftsWords(_ t: TestShop, _ text: String) throws -> Set<String> {
        try t.shop.store.read { db -> Set<String> in
            _ = try SearchTerms.folded(db, "ü") // creates this connection's scratch index
            try db.run("INSERT INTO temp.search_scratch(search) VALUES (?)", text)
            defer { _ = try? db.run("INSERT INTO temp.search_scratch(search_scratch) VALUES ('delete-all')") }
            return Set(try db.query("SELECT term FROM temp.search_scratch_words") { $0.string(0) })
        }
    }

    @Test("the words listed without FTS5 (ASCII, Arabic-block letters and digits) are exactly the words FTS5 makes", .disabled(if: TestDatabase.isPostgres, "compares with SQLite's FTS5 tokenizer"))
    func plainWordsAgreeWithFTS5() throws {
        let t = try TestShop()
        for text in ["Golden-Cake_2 x'y SKU-0042 a.b,c  (MiXeD) 10%off e-mail@example.com",
                     Text.searchFold("کیک شکلاتی نان سنگک تازه آب‌میوه ی ك ۱۲۳ cake-کیک")] { // as indexed: folded (ZWNJ, Kaf, digits)
            #expect(try Set(#require(SearchTerms.plainWords(text))) == ftsWords(t, text), "\(text)")
        }
        // Every letter and digit of the Arabic block the fast path takes is one FTS5 keeps as is.
        for value in 0x0600...0x06FF {
            let letter = String(Unicode.Scalar(value)!)
            guard let words = SearchTerms.plainWords("x\(letter)x") else { continue }
            #expect(Set(words) == (try ftsWords(t, "x\(letter)x")), "U+\(String(value, radix: 16))")
        }
        #expect(SearchTerms.plainWords("café") == nil, "accents: FTS5 decides")
        #expect(SearchTerms.plainWords("کِیک") == nil, "a mark: FTS5 decides")
    }

    @Test("a prefix is spelled out as its indexed words; one the index folds differently (an accent) still finds the product")
    func expansion() throws {
        let t = try TestShop()
        let staff = try t.staff()
        for (sku, name) in [("N1", "Numbers game"), ("N2", "Number one"), ("N3", "Numeral clock"), ("C1", "Café crème")] {
            _ = try t.shop.catalog.create(ProductDraft(sku: sku, name: name, category: "X", price: 100, stock: 1), caller: staff.caller)
        }
        let expression = try t.shop.store.read { try SearchTerms.expression("numb", $0) }
        #expect(expression == #"("number" OR "numbers")"#)
        func names(_ q: String) throws -> [String] { try t.shop.catalog.list(ProductQuery(text: q), caller: t.guest).items.map(\.name) }
        #expect(try names("numb") == ["Number one", "Numbers game"])
        #expect(try names("nume") == ["Numeral clock"])
        #expect(try names("num") == ["Number one", "Numbers game", "Numeral clock"])
        #expect(try names("crème") == ["Café crème"], "not in the word list as typed: the index decides")
        #expect(try names("creme") == ["Café crème"])
        #expect(try names("numbx").isEmpty)
        // A product renamed later is found by its new words.
        let clock = try #require(try t.shop.catalog.list(ProductQuery(text: "numeral"), caller: t.guest).items.first)
        _ = try t.shop.catalog.update(id: clock.id, ProductChanges(name: "Quartzite clock"), caller: staff.caller)
        #expect(try names("quartz") == ["Quartzite clock"])
    }
}
