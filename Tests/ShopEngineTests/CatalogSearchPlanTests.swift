import Foundation
import Testing
import ShopTestSupport
@testable import ShopEngine

/// Search answers the same pages whichever way it reads them: from the matches (few), from the
/// words' postings in sort order (many), walking the sort order, or walking and then falling back.
@Suite("Catalog search plans")
struct CatalogSearchPlanTests {
    /// One way to read a page, forced by tiny limits on a small catalog.
    struct Plan: CustomStringConvertible {
        let name: String
        let driveLimit: Int64
        let limits: SearchRace.Limits
        var description: String { name }

        static let all = [
            Plan(name: "reading every match", driveLimit: 10_000, limits: SearchRace.Limits(postings: 0, leapfrog: 0, walk: 0, index: 0)),
            Plan(name: "reading every match as SQLite chooses", driveLimit: 10_000, limits: SearchRace.Limits(postings: 0, leapfrog: 0, walk: 0, index: 0, lookUpEach: 0)),
            Plan(name: "few matches: walking first, then every match", driveLimit: 10_000, limits: .standard),
            Plan(name: "every match, a word in 40 products or more tested on each match's words", driveLimit: 10_000,
                 limits: SearchRace.Limits(postings: 0, leapfrog: 0, walk: 0, index: 0, commonWord: 40)),
            Plan(name: "few matches: walking 40, then every match", driveLimit: 10_000, limits: SearchRace.Limits(postings: 0, leapfrog: 0, walk: 40, index: 0)),
            Plan(name: "the race of every way", driveLimit: 10, limits: .standard),
            Plan(name: "postings alone", driveLimit: 10, limits: SearchRace.Limits(postings: 8_000, leapfrog: 0, walk: 0, index: 0)),
            Plan(name: "postings and the category word's skipping ahead to each other, alone", driveLimit: 10,
                 limits: SearchRace.Limits(postings: 0, leapfrog: 8_000, walk: 0, index: 0)),
            Plan(name: "newest first: the search index backwards, alone", driveLimit: 10, limits: SearchRace.Limits(postings: 0, leapfrog: 0, walk: 0, index: 8_000)),
            Plan(name: "every way over budget, then every match", driveLimit: 10, limits: SearchRace.Limits(postings: 3, leapfrog: 3, walk: 3, index: 3)),
            Plan(name: "walking 30, then every match", driveLimit: 10, limits: SearchRace.Limits(postings: 0, leapfrog: 0, walk: 30, index: 0)),
            Plan(name: "walking 1,000", driveLimit: 10, limits: SearchRace.Limits(postings: 0, leapfrog: 0, walk: 1_000, index: 0)),
        ]

        func page(_ db: Connection, search: SearchTerms.Search, filter: CatalogService.SQLFilter, order: String,
                  sort: ProductQuery.Sort, after: PageCursor?, category: String?, count: Int) throws -> [PageCursor] {
            try CatalogService.searchPage(db, search: search, filter: filter, order: order, sort: sort, after: after, category: category, count: count,
                                          driveLimit: driveLimit, limits: limits)
        }
    }

    /// Product `i` of the test catalog (1…240): names early and late in name order, Persian ones,
    /// two categories, prices out of order, a few inactive.
    static func item(_ i: Int) -> Item {
        let (name, description) = i <= 100 ? ("alpha widget \(i)", "common")
            : i <= 150 ? ("zulu gadget \(i)", "common") : i <= 170 ? ("mid thing \(i)", "common zulu inside")
            : i <= 205 ? ("کیک شکلاتی \(i)", "common") : ("نان تازه \(i)", "common zulu")
        var item = Item(id: Int64(i), name: name, description: description, category: i % 3 == 0 ? "Toys" : "نانوایی",
                        price: Int64((i * 7919) % 300))
        item.active = i % 37 != 0
        return item
    }

    struct Item {
        let id: Int64
        var name: String
        var description: String
        var category: String
        var price: Int64
        var active = true
        var sortName: String { Text.searchFold(name) }
        var words: [Substring] { Text.searchFold("\(name) \(description) s-\(id) \(category)").split { !($0.isLetter || $0.isNumber) } }
    }

    /// 240 products: "alpha widget" names (early in name order), "zulu gadget" names (late), "mid
    /// thing" names whose description says zulu, and Persian names (after every Latin one);
    /// every description says "common"; two categories; some inactive; prices repeat (ties by id).
    func seeded() throws -> (TestShop, [Item]) {
        let t = try TestShop()
        var items: [Item] = []
        try t.shop.store.write { db in
            for i in 1...240 {
                let item = Self.item(i), name = item.name, description = item.description
                try db.run("INSERT INTO products(id, sku, name, sort_name, description, category, price, stock, active, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?, 0, 0)",
                           item.id, "S-\(i)", name, item.sortName, description, item.category, item.price, item.active)
                try CatalogService.index(db, productID: item.id, name: name, description: description, sku: "S-\(i)", category: item.category, barcode: nil, replacing: false)
                items.append(item)
            }
        }
        return (t, items)
    }

    /// Every product for sale matching `query` (each word begins a word), in `sort` order.
    static func expected(_ items: [Item], _ query: String, category: String?, _ sort: ProductQuery.Sort) -> [Int64] {
        let words = Text.searchFold(query).split { !($0.isLetter || $0.isNumber) }
        let matching = items.filter { item in
            item.active && (category == nil || item.category == category)
                && words.allSatisfy { w in item.words.contains { $0.hasPrefix(w) } }
        }
        let sorted = switch sort {
        case .name: matching.sorted { $0.sortName == $1.sortName ? $0.id < $1.id : Array($0.sortName.utf8).lexicographicallyPrecedes(Array($1.sortName.utf8)) }
        case .price: matching.sorted { ($0.price, $0.id) < ($1.price, $1.id) }
        case .priceDesc: matching.sorted { ($0.price, $0.id) > ($1.price, $1.id) }
        case .newest: matching.sorted { $0.id > $1.id }
        }
        return sorted.map(\.id)
    }

    static let queries = ["common", "zulu", "zul", "z", "alp", "widg", "gadget", "common zulu", "thing", "zulu common",
                          "کیک", "ک", "شک", "تا", "نان", "کیک common", "1", "s 2", "toys"]

    /// Pages of `size` through every match of `query` by `plan`, each after the last one's last product.
    func pages(_ t: TestShop, _ query: String, category: String?, sort: ProductQuery.Sort, size: Int, plan: Plan) throws -> [Int64] {
        var seen: [Int64] = []
        var after: PageCursor?
        while true {
            let rows = try t.shop.store.read { db in
                let (filter, order) = CatalogService.browse(ProductQuery(category: category, sort: sort), after: after)
                let search = try #require(try SearchTerms.search(query, db)).within(category: category)
                return try plan.page(db, search: search, filter: filter, order: order, sort: sort, after: after, category: category, count: size + 1)
            }
            seen += rows.prefix(size).map(\.id)
            guard rows.count > size, seen.count < 1_000 else { return seen }
            after = rows[size - 1]
        }
    }

    func checkEveryPlan(_ t: TestShop, _ items: [Item], _ query: String, when: String) throws {
        for sort in ProductQuery.Sort.allCases {
            for category in [nil, "Toys", "نانوایی"] {
                let want = Self.expected(items, query, category: category, sort)
                for plan in Plan.all {
                    for size in [5, 500] {
                        let got = try pages(t, query, category: category, sort: sort, size: size, plan: plan)
                        #expect(got == want, "\(when): \(query) in \(category ?? "every category") by \(sort), pages of \(size), \(plan)")
                    }
                }
            }
        }
    }

    @Test("every plan pages through the same matches in every sort order, in and out of a category: Latin, Persian, late-sorting, prefixes",
          arguments: queries)
    func plansAgree(_ query: String) throws {
        let (t, items) = try seeded()
        #expect(!Self.expected(items, query, category: nil, .name).isEmpty)
        try checkEveryPlan(t, items, query, when: "as seeded")
    }

    @Test("a product renamed, repriced, moved to another category, deactivated or deleted is found (or not) by its new self, in order, by every plan",
          arguments: ["zulu", "alp", "کیک", "renamed", "common", "toys"])
    func changesAfterIndexing(_ query: String) throws {
        let (t, seededItems) = try seeded()
        var items = seededItems
        let staff = try t.staff().caller
        func change(_ id: Int64, _ changes: ProductChanges, _ edit: (inout Item) -> Void) throws {
            _ = try t.shop.catalog.update(id: id, changes, caller: staff)
            edit(&items[Int(id) - 1])
        }
        try change(5, ProductChanges(name: "Zulu renamed")) { $0.name = "Zulu renamed" }
        try change(120, ProductChanges(name: "کیک renamed")) { $0.name = "کیک renamed" }
        try change(7, ProductChanges(price: 999)) { $0.price = 999 }
        try change(180, ProductChanges(price: 0)) { $0.price = 0 }
        try change(11, ProductChanges(category: "Toys")) { $0.category = "Toys" }
        try change(13, ProductChanges(description: "now zulu too")) { $0.description = "now zulu too" }
        try change(14, ProductChanges(active: false)) { $0.active = false }
        for id: Int64 in [2, 130, 190] {
            #expect(try t.shop.catalog.delete(id: id, caller: staff) == .deleted)
        }
        items.removeAll { [2, 130, 190].contains($0.id) }
        try checkEveryPlan(t, items, query, when: "after changes")
    }

    @Test("the postings of an existing catalog are filled when the database is upgraded, and pages read from them are in order")
    func upgradeFillsPostings() throws {
        let t = try TestShop()
        let path = t.directory.appendingPathComponent("old.sqlite").path
        let old = try Store(path: path, migrations: Array(Schema.migrations.prefix(9)))
        try old.write { db in
            for (id, name, price) in [(Int64(1), "Zulu cake", Int64(300)), (2, "Alpha cake", 200), (3, "کیک", 100), (4, "Alpha bread", 50)] {
                try db.run("INSERT INTO products(id, sku, name, sort_name, description, category, price, stock, created_at, updated_at) VALUES (?, ?, ?, ?, '', 'C', ?, 1, 0, 0)",
                           id, "S-\(id)", name, Text.searchFold(name), price)
                try db.run("INSERT INTO products_fts(rowid, search) VALUES (?, ?)", id, Text.searchFold("\(name) S-\(id) C"))
                let words = try #require(SearchTerms.plainWords(Text.searchFold("\(name) S-\(id) C")))
                try db.run("INSERT INTO product_words(product_id, words) VALUES (?, ?)", id, " " + words.joined(separator: " ") + " ")
                for word in words { try db.run("INSERT OR IGNORE INTO search_terms(term) VALUES (?)", word) }
            }
        }
        old.close()
        let store = try Store(path: path)
        defer { store.close() }
        for (sort, want) in [(ProductQuery.Sort.name, [Int64(2), 1]), (.price, [2, 1]), (.priceDesc, [1, 2]), (.newest, [2, 1])] {
            let got = try store.read { db in
                let (filter, _) = CatalogService.browse(ProductQuery(sort: sort), after: nil)
                return try #require(try SearchPostings.page(db, words: ["cak"], filter: filter, sort: sort, after: nil, count: 10)).map(\.id)
            }
            #expect(got == want, "\(sort)")
        }
        #expect(try store.read { try $0.scalarInt("SELECT count(*) FROM search_postings WHERE term = 'کیک'") } == 1)
    }

    @Test("a page from the postings is read from an index in its order, never sorted", .disabled(if: TestDatabase.isPostgres, "SQLite's query plan (PostgreSQL searches product_words)"),
          arguments: ProductQuery.Sort.allCases)
    func postingsNeverSorted(_ sort: ProductQuery.Sort) throws {
        let (t, _) = try seeded()
        let sql = SearchPostings.Merge.sql(sort)
        let plan = try t.shop.store.read { db in
            try db.query("EXPLAIN QUERY PLAN " + sql, arguments: ["common"] + SearchPostings.Merge.after(sort, nil) + [21]) { $0.string("detail") }
        }.joined(separator: "\n")
        #expect(!plan.contains("TEMP B-TREE") && plan.contains("search_postings"), "\(sort): \(plan)")
    }

    @Test("reading every match looks each one up by id and keeps the first page while sorting, never walking the order's index",
          .disabled(if: TestDatabase.isPostgres, "SQLite's query plan (PostgreSQL has no FTS5)"), arguments: ProductQuery.Sort.allCases)
    func everyMatchDrivenFromTheIndex(_ sort: ProductQuery.Sort) throws {
        let (t, _) = try seeded()
        let (filter, order) = CatalogService.browse(ProductQuery(category: "Toys", minPrice: 10, sort: sort), after: PageCursor(id: 50, text: "m", number: 150))
        let plan = try t.shop.store.read { db in
            try db.query("EXPLAIN QUERY PLAN " + CatalogService.everyMatchSQL(filter, order: order), arguments: ["\"common\""] + filter.arguments + [21]) { $0.string("detail") }
        }
        #expect(plan.first?.hasPrefix("SCAN products_fts") == true && plan.contains { $0.contains("INTEGER PRIMARY KEY") }
                && !plan.contains { $0.contains("USING INDEX") || $0.contains("COVERING INDEX") }, "\(sort): \(plan.joined(separator: "; "))")
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
        if !TestDatabase.isPostgres { // the FTS5 expression (PostgreSQL has none)
            let expression = try t.shop.store.read { try SearchTerms.expression("numb", $0) }
            #expect(expression == #"("number" OR "numbers")"#)
        }
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
