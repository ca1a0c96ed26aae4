import Foundation
import Testing
import ShopTestSupport
@testable import ShopEngine

/// Text outside ASCII and the Arabic block — accented Latin, Cyrillic, Greek, CJK and Hangul,
/// marks, digits of other kinds — is searched as FTS5 would on either backend: PostgreSQL lists
/// a product's words with `Unicode61`, which is checked here against FTS5 code point by code point,
/// and, with `SHOP_TEST_POSTGRES`, page by page against a SQLite file holding the same catalog.
extension CatalogSearchPlanTests {
    /// Product `240 + i` (1…48): names in several scripts, three categories (one Cyrillic, one
    /// CJK), prices out of order, a few inactive.
    static func scriptItem(_ i: Int) -> Item {
        let names = ["Crème brûlée", "CAFÉ au lait", "Ångström bar", "Straße Œuf", "Хлеб ржаной", "Ёжик печенье", "Ψωμί χωριάτικο", "ΚΑΦΈΣ φρέντο",
                     "蛋糕 草莓", "抹茶ケーキ", "우유 빵", "x² 3½ №5 Ⅻ", "１２３ fullwidth", "٣٤ kaak", "phở Hà Nội", "کِیک خامه‌ای"]
        let categories = ["Pâtisserie", "Хлеб и выпечка", "甜点"]
        let id = 240 + i
        var item = Item(id: Int64(id), name: "\(names[i % names.count]) \(id)", description: i % 4 == 0 ? "déjà vu" : "plain",
                        category: categories[i % categories.count], price: Int64((i * 7919) % 50))
        item.active = i % 13 != 0
        return item
    }

    static let scriptItems = (1...48).map(scriptItem)

    static let scriptQueries = ["creme", "crème", "CRÈME br", "cafe", "café", "ångs", "angstrom", "strasse", "straße", "œuf", "хлеб", "хл", "ЁЖИК", "ежик",
                                "ψωμί", "ψωμι", "καφέ", "蛋", "蛋糕", "抹茶", "ケーキ", "우유", "x²", "3½", "ⅻ", "１２", "34", "pho", "ha noi", "deja",
                                "کِیک", "کیک", "خامه", "pâtisserie", "выпечка"]

    /// The words FTS5 makes of an item's search text (`Unicode61`, which the first test holds to FTS5).
    static func tokens(_ item: Item) -> [String] {
        Unicode61.tokens(Text.searchFold("\(item.name) \(item.description) s-\(item.id) \(item.category)"))
    }

    /// Every item for sale matching `query` as an FTS5 prefix query: each typed word's words
    /// (one, or a phrase of several) in a row among the item's, the last as a prefix.
    static func expected(scripts items: [Item], _ query: String, category: String?, _ sort: ProductQuery.Sort) -> [Int64] {
        let phrases = Text.searchFold(query).split { !($0.isLetter || $0.isNumber) }.map { Unicode61.tokens(String($0)) }
        let matching = items.filter { item in
            let text = Array((" " + tokens(item).joined(separator: " ")).utf8)
            return item.active && (category == nil || item.category == category) && !phrases.contains(where: \.isEmpty)
                && phrases.allSatisfy { phrase in
                    let needle = Array((" " + phrase.joined(separator: " ")).utf8)
                    return text.indices.contains { text[$0...].starts(with: needle) }
                }
        }
        return sort.ordered(matching).map(\.id)
    }

    /// Writes `items` as `seeded` does (indexed by the engine, as a product form would).
    static func seed(_ store: Store, _ items: [Item]) throws {
        try store.write { db in
            for item in items {
                try db.run("INSERT INTO products(id, sku, name, sort_name, description, category, price, stock, active, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?, 0, 0)",
                           item.id, "S-\(item.id)", item.name, item.sortName, item.description, item.category, item.price, item.active)
                try CatalogService.index(db, productID: item.id, name: item.name, description: item.description, sku: "S-\(item.id)",
                                         category: item.category, barcode: nil, replacing: false)
            }
        }
    }

    /// Pages of `size` through every match of `query` in `store` by `plan`.
    static func pages(_ store: Store, _ query: String, category: String?, sort: ProductQuery.Sort, size: Int, plan: Plan) throws -> [[Int64]] {
        var seen: [[Int64]] = []
        var after: PageCursor?
        while true {
            let rows = try store.read { db -> [PageCursor] in
                let (filter, order) = CatalogService.browse(ProductQuery(category: category, sort: sort), after: after)
                guard let search = try SearchTerms.search(query, db)?.within(category: category) else { return [] }
                return try plan.page(db, search: search, filter: filter, order: order, sort: sort, after: after, category: category, count: size + 1)
            }
            seen.append(rows.prefix(size).map(\.id))
            guard rows.count > size, seen.count < 200 else { return seen }
            after = rows[size - 1]
        }
    }

    @Test("the words listed for PostgreSQL are the words FTS5 makes, for every code point and for mixed text",
          .disabled(if: TestDatabase.isPostgres, "compares with SQLite's FTS5 tokenizer"))
    func unicode61AgreesWithFTS5() throws {
        let t = try TestShop()
        let store = try Store(path: t.directory.appendingPathComponent("tokens.sqlite").path)
        defer { store.close() }
        let points = (1..<0x110000).filter { !(0xD800...0xDFFF).contains($0) }
        let texts = points.map { "a" + String(Unicode.Scalar(UInt32($0))!) + "b" }
            + Self.scriptItems.map { Text.searchFold("\($0.name) \($0.description) \($0.category)") }
            + ["Golden-Cake_2 x'y SKU-0042 (MiXeD) e-mail@example.com", "ǖ ệ ø ł æ İstanbul ẞ \u{0301}ab ab\u{0301} x \u{0301} y",
               "\u{AC00} \u{1100}\u{1161} \u{3AC} \u{3B1}\u{301}"] // canonically equivalent, and not
        var fts: [[String]] = Array(repeating: [], count: texts.count)
        try store.write { db in
            try db.execute("""
                CREATE VIRTUAL TABLE temp.tokens USING fts5(s, tokenize = 'unicode61 remove_diacritics 2');
                CREATE VIRTUAL TABLE temp.tokens_instances USING fts5vocab(temp, tokens, instance);
                """)
            for (row, text) in texts.enumerated() { try db.run("INSERT INTO temp.tokens(rowid, s) VALUES (?, ?)", Int64(row + 1), text) }
            try db.forEach("SELECT term, doc FROM temp.tokens_instances ORDER BY doc, offset") { fts[Int($0.int64(1)) - 1].append($0.string(0)) }
        }
        var differing: [String] = []
        // Compared byte for byte: Swift's `==` takes canonically equivalent texts for equal.
        for (row, text) in texts.enumerated() where Unicode61.tokens(text).map({ Array($0.utf8) }) != fts[row].map({ Array($0.utf8) }) {
            differing.append(row < points.count ? "U+" + String(points[row], radix: 16, uppercase: true) : text)
        }
        #expect(differing.isEmpty, "\(differing.count) differ (run scripts/search/unicode61-table.py after a SQLite upgrade): \(differing.prefix(20))")
    }

    @Test("a product's words are told apart by their bytes, as FTS5 tells them apart")
    func wordsDistinctByBytes() {
        // "가" and its two jamo are one text to Swift's `==`, but two words to FTS5.
        #expect(Unicode61.words("\u{AC00} \u{1100}\u{1161} \u{AC00}").map { Array($0.utf8) } == [[0xE1, 0x84, 0x80, 0xE1, 0x85, 0xA1], [0xEA, 0xB0, 0x80]])
        #expect(Unicode61.words("Crème BRÛLÉE crème x² Ψωμί 抹茶ケーキ") == ["brulee", "creme", "x²", "ψωμί", "抹茶ケーキ"])
    }

    @Test("every plan pages through accented Latin, Cyrillic, Greek, CJK, marks and other digits as FTS5's prefix search would",
          arguments: scriptQueries)
    func scriptsSearchAsFTS5(_ query: String) throws {
        let t = try TestShop()
        try Self.seed(t.shop.store, Self.scriptItems)
        var matched = 0
        for sort in ProductQuery.Sort.allCases {
            for category in [nil, "Pâtisserie", "甜点"] {
                let want = Self.expected(scripts: Self.scriptItems, query, category: category, sort)
                matched += want.count
                for plan in Plan.all {
                    for size in [3, 500] {
                        let got = try Self.pages(t.shop.store, query, category: category, sort: sort, size: size, plan: plan).joined()
                        #expect(Array(got) == want, "\(query) in \(category ?? "every category") by \(sort), pages of \(size), \(plan)")
                    }
                }
            }
        }
        // FTS5 takes accents off Latin letters only (ψωμί, ёжик keep theirs), keeps ß, and makes 抹茶ケーキ
        // one word; کیک is "ک" then "یک" where a kasra stands between.
        let unmatched: Set = ["ψωμι", "ежик", "strasse", "ケーキ", "کیک"]
        #expect((matched == 0) == unmatched.contains(query), "\(query): \(matched) matches")
    }

    @Test("PostgreSQL answers every search page as a SQLite file with the same catalog does, by every plan",
          .enabled(if: TestDatabase.isPostgres, "compares a PostgreSQL shop with a SQLite file"),
          arguments: [CatalogSearchPlanTests.queries, CatalogSearchPlanTests.scriptQueries])
    func postgresPagesAsSQLite(_ queries: [String]) throws {
        let t = try TestShop()
        let sqlite = try Store(path: t.directory.appendingPathComponent("same.sqlite").path)
        defer { sqlite.close() }
        let items = (1...240).map(Self.item) + Self.scriptItems
        try Self.seed(t.shop.store, items)
        try Self.seed(sqlite, items)
        for query in queries {
            for sort in ProductQuery.Sort.allCases {
                for category in [nil, "نانوایی", "Pâtisserie"] {
                    let want = try Self.pages(sqlite, query, category: category, sort: sort, size: 15, plan: Plan.all[0])
                    // Reading every match, the postings, and over the postings' budget the walk then every match
                    // (each of PostgreSQL's paths; the other plans test them alone, against the reference).
                    for plan in Plan.all.prefix(3) {
                        let got = try Self.pages(t.shop.store, query, category: category, sort: sort, size: 15, plan: plan)
                        #expect(got == want, "\(query) in \(category ?? "every category") by \(sort), \(plan)")
                    }
                }
            }
        }
    }
}

extension ProductQuery.Sort {
    /// `items` in this order (names by their UTF-8 bytes, as both backends compare them; ties by id).
    func ordered(_ items: [CatalogSearchPlanTests.Item]) -> [CatalogSearchPlanTests.Item] {
        switch self {
        case .name: items.sorted { $0.sortName.utf8.elementsEqual($1.sortName.utf8) ? $0.id < $1.id : $0.sortName.utf8.lexicographicallyPrecedes($1.sortName.utf8) }
        case .price: items.sorted { ($0.price, $0.id) < ($1.price, $1.id) }
        case .priceDesc: items.sorted { ($0.price, $0.id) > ($1.price, $1.id) }
        case .newest: items.sorted { $0.id > $1.id }
        }
    }
}
