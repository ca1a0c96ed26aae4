/// Each product under each of its words, with its sort keys (`search_postings`, migration 10), so
/// the products with a word come out of an index in any sort order: a page of a search with many
/// matches reads about a page's worth, wherever in the order its matches lie.
///
/// A typed word is a prefix: it stands for every listed word it begins (`search_terms`), so a
/// page merges those words' lists in sort order (`maxMergedTerms` at most) and tests each product
/// met on the way for the other typed words and the page's filter (category, price, stock…).
enum SearchPostings {
    /// Above this many words, a prefix is not merged (the walk in `CatalogService.searchPage` and,
    /// failing it, reading every match answer instead).
    static let maxMergedTerms = 128
    /// How many products met in sort order a page tests before it gives up (a filter or another
    /// word that few of them pass): the caller then reads every match instead.
    static let candidateBudget = 8_000
    /// Products tested by one statement (fixed, so the statement is prepared once).
    static let testBatch = 64

    // MARK: - Keeping the lists

    /// Lists the product under `words` (replacing the words it had), with its sort keys as the
    /// `products` row has them now. `oldWords`: the words listed before (nil: a new product).
    static func index(_ db: Connection, productID: Int64, words: [String], oldWords: [String]?) throws {
        for word in Set((oldWords ?? []).map(ExactWord.init)).subtracting(words.map(ExactWord.init)) {
            try db.run("DELETE FROM search_postings WHERE term = ? AND product_id = ?", word.text, productID)
        }
        guard !words.isEmpty, let (sortName, price) = try db.first("SELECT sort_name, price FROM products WHERE id = ?", productID, map: {
            ($0.string(0), $0.int64(1))
        }) else { return }
        // Several rows a statement: an import of 100,000 products writes a million postings.
        var start = 0
        while start < words.count {
            let chunk = words[start..<min(start + insertChunk, words.count)]
            try db.run("""
                INSERT INTO search_postings(term, product_id, sort_name, price) VALUES \(Array(repeating: "(?, ?, ?, ?)", count: chunk.count).joined(separator: ", "))
                ON CONFLICT(term, product_id) DO UPDATE SET sort_name = excluded.sort_name, price = excluded.price
                """, arguments: chunk.flatMap { [$0, productID, sortName, price] as [SQLBindable?] })
            start += chunk.count
        }
    }

    /// Postings written by one statement (so at most this many statements are prepared).
    static let insertChunk = 16

    /// After a product's name or price changed without its words changing.
    static func refreshSortKeys(_ db: Connection, productID: Int64) throws {
        let words = try listedWords(db, productID: productID) ?? []
        try index(db, productID: productID, words: words, oldWords: words)
    }

    /// Before a product is deleted.
    static func remove(_ db: Connection, productID: Int64) throws {
        try index(db, productID: productID, words: [], oldWords: try listedWords(db, productID: productID) ?? [])
    }

    /// The words `product_words` lists for a product; nil when it has no row.
    static func listedWords(_ db: Connection, productID: Int64) throws -> [String]? {
        try db.first("SELECT words FROM product_words WHERE product_id = ?", productID) { row in
            row.string(0).split(separator: " ").map(String.init)
        }
    }

    /// Refills the lists from `product_words` (after products were written straight into the
    /// search index, as the benchmark seeder does: after `SearchTerms.rebuild`). The indexes are
    /// dropped and made again: faster than keeping them up to date row by row.
    static func rebuild(_ db: Connection) throws {
        try db.execute("DROP INDEX IF EXISTS search_postings_by_name; DROP INDEX IF EXISTS search_postings_by_price; DELETE FROM search_postings;")
        try db.execute(Schema.searchPostingsFill + Schema.searchPostingsIndexes)
    }

    // MARK: - Many products at once (an import)

    /// While true (an import), `SearchTerms.index` leaves the postings alone: the import collects
    /// the products it touched in a `Bulk` and writes their postings at the end, in key order.
    @TaskLocal static var deferred = false

    /// The postings of many products rewritten in one pass: the old ones deleted and the new ones
    /// inserted sorted by key, so B-tree pages fill in order instead of one seek per posting
    /// (an import of 100,000 products writes a million postings into three indexes).
    struct Bulk {
        /// Postings to delete: the words products were listed under before they were re-indexed.
        private var stale: [(term: String, productID: Int64)] = []
        private var touched: Set<Int64> = []

        /// Products read by one statement (fixed, so the statement is prepared once).
        static let readBatch = 256
        /// Postings written by one statement.
        static let writeChunk = 64

        /// A product about to be re-indexed or to change its sort keys: its postings are rewritten.
        mutating func replace(_ db: Connection, productID: Int64) throws {
            guard touched.insert(productID).inserted else { return }
            for word in try listedWords(db, productID: productID) ?? [] { stale.append((word, productID)) }
        }

        /// A product created (and indexed) during the import.
        mutating func add(productID: Int64) { touched.insert(productID) }

        /// Deletes the stale postings and inserts every touched product's, as `product_words` and
        /// `products` have them now, and adds their words to `search_terms`. When the new postings
        /// outnumber those kept, the two sort indexes are dropped first and made again at the end
        /// (one sort instead of an insert a row: a little faster, and the indexes come out packed).
        func write(_ db: Connection) throws {
            guard !touched.isEmpty else { return }
            let (keys, byTerm) = try read(db)
            let count = byTerm.reduce(0) { $0 + $1.products.count }
            let kept = try Int(db.scalarInt("SELECT count(*) FROM search_postings") ?? 0) - stale.count
            let rebuildIndexes = count > kept
            if rebuildIndexes { try db.execute("DROP INDEX search_postings_by_name; DROP INDEX search_postings_by_price;") }
            for (term, productID) in stale.sorted(by: Self.keyOrder) {
                try db.run("DELETE FROM search_postings WHERE term = ? AND product_id = ?", term, productID)
            }
            for chunk in Self.chunks(byTerm.map(\.term)) {
                try db.run("INSERT INTO search_terms(term) VALUES \(Array(repeating: "(?)", count: chunk.count).joined(separator: ", ")) ON CONFLICT DO NOTHING",
                           arguments: chunk.map { $0 as SQLBindable? })
            }
            var rows: [SQLBindable?] = [] // up to writeChunk postings' values
            func insertRows() throws {
                try db.run("""
                    INSERT INTO search_postings(term, product_id, sort_name, price) VALUES \(Array(repeating: "(?, ?, ?, ?)", count: rows.count / 4).joined(separator: ", "))
                    ON CONFLICT(term, product_id) DO UPDATE SET sort_name = excluded.sort_name, price = excluded.price
                    """, arguments: rows)
                rows.removeAll(keepingCapacity: true)
            }
            for (term, products) in byTerm {
                for product in products {
                    let key = keys[Int(product)]
                    rows += [term, key.id, key.sortName, key.price]
                    if rows.count == 4 * Self.writeChunk { try insertRows() }
                }
            }
            if !rows.isEmpty { try insertRows() }
            if rebuildIndexes { try db.execute(Schema.searchPostingsIndexes) }
        }

        /// `items` in runs of `writeChunk`.
        private static func chunks<T>(_ items: [T]) -> [ArraySlice<T>] {
            stride(from: 0, to: items.count, by: writeChunk).map { items[$0..<min($0 + writeChunk, items.count)] }
        }

        /// The touched products' sort keys, and their words in key order, each with its products
        /// (indexes into the keys) in id order.
        private func read(_ db: Connection) throws -> (keys: [(id: Int64, sortName: String, price: Int64)], byTerm: [(term: String, products: [Int32])]) {
            var keys: [(id: Int64, sortName: String, price: Int64)] = []
            var products: [ExactWord: [Int32]] = [:] // by bytes, as FTS5 tells words apart
            let ids = touched.sorted()
            let sql = "SELECT p.id, p.sort_name, p.price, w.words FROM products p JOIN product_words w ON w.product_id = p.id WHERE p.id IN (\(Array(repeating: "?", count: Self.readBatch).joined(separator: ","))) ORDER BY p.id"
            var start = 0
            while start < ids.count {
                let batch = ids[start..<min(start + Self.readBatch, ids.count)]
                let padded: [SQLBindable?] = Array(batch) + Array(repeating: Int64(0), count: Self.readBatch - batch.count) // no product has id 0
                try db.forEach(sql, arguments: padded) { row in
                    let product = Int32(keys.count) // ids ascend: each word's list comes out in id order
                    keys.append((row.int64(0), row.string(1), row.int64(2)))
                    for word in row.string(3).split(separator: " ") { products[ExactWord(word), default: []].append(product) }
                }
                start += batch.count
            }
            let byTerm = products.sorted { $0.key < $1.key }.map { (term: $0.key.text, products: $0.value) }
            return (keys, byTerm)
        }

        /// The primary key's order: terms by their UTF-8 bytes (as SQLite compares them), then ids.
        static func keyOrder(_ a: (term: String, productID: Int64), _ b: (term: String, productID: Int64)) -> Bool {
            let (x, y) = (ExactWord(a.term), ExactWord(b.term))
            return x == y ? a.productID < b.productID : x < y
        }
    }

    // MARK: - A page in sort order

    /// The first `count` products in `sort` order after `after` that have a word starting with
    /// each of `words` and pass `filter`; nil when this cannot answer cheaply (a word spelled out
    /// by too many listed words, none listed, or more than `budget` products tested or skipped).
    static func page(_ db: Connection, words: [String], categoryWord: String? = nil, filter: CatalogService.SQLFilter, sort: ProductQuery.Sort,
                     after: PageCursor?, count: Int, budget: Int = candidateBudget) throws -> [PageCursor]? {
        guard var reader = try Reader(db, words: words, categoryWord: categoryWord, filter: filter, sort: sort, after: after, count: count) else { return nil }
        while true {
            switch try reader.advance(db, work: budget - reader.spent) {
            case .page(let page): return page
            case .cannot: return nil
            case .more: if reader.spent >= budget { return nil }
            }
        }
    }

    /// A page read from the postings, a batch of products tested at a time (`SearchRace`): the
    /// drive word's lists merged in sort order, each product met tested for the other words and
    /// the filter. With `categoryWord` (a word of the category the filter keeps: every product
    /// is indexed with its category's words), its list and the drive word's skip ahead to each
    /// other, so a category whose products come late among the word's is not tested one by one.
    struct Reader: SearchReader {
        private var merge: Merge
        private var category: Merge?
        private let others: [String]
        private let filter: CatalogService.SQLFilter
        private let count: Int
        private var found: [PageCursor] = []
        private(set) var spent = 0

        /// nil when the drive word (the longest: the likeliest to be rare) is spelled out by too
        /// many listed words or by none.
        init?(_ db: Connection, words: [String], categoryWord: String?, filter: CatalogService.SQLFilter, sort: ProductQuery.Sort,
              after: PageCursor?, count: Int) throws {
            guard let drive = words.indices.max(by: { words[$0].count < words[$1].count }),
                  let terms = try spelledOut(db, words[drive]), !terms.isEmpty else { return nil }
            others = words.enumerated().filter { $0.offset != drive }.map(\.element)
            merge = Merge(sort: sort, start: after, terms: terms, count: count)
            category = categoryWord.map { Merge(sort: sort, start: after, terms: [$0], count: count) }
            self.filter = filter
            self.count = count
        }

        mutating func advance(_ db: Connection, work: Int) throws -> SearchProgress {
            let stop = spent + work
            while found.count < count && spent < stop {
                let candidates: [PageCursor]
                if category != nil {
                    let (rows, ended) = try merge.common(db, with: &category!, upTo: testBatch, steps: &spent, stepLimit: stop)
                    if rows.isEmpty && ended { return .page(found) }
                    candidates = rows
                } else {
                    candidates = try merge.next(db, upTo: testBatch)
                    if candidates.isEmpty { return .page(found) }
                }
                spent += candidates.count
                let passing = try SearchPostings.passing(db, candidates.map(\.id), others: others, filter: filter)
                found += candidates.filter { passing.contains($0.id) }
            }
            return found.count >= count ? .page(Array(found.prefix(count))) : .more
        }
    }

    /// The listed words `word` begins, or nil when there are more than `maxMergedTerms`.
    private static func spelledOut(_ db: Connection, _ word: String) throws -> [String]? {
        guard let end = SearchTerms.successor(word) else { return nil }
        let terms = try db.query("SELECT term FROM search_terms WHERE term >= ? AND term < ? ORDER BY term LIMIT ?", word, end, maxMergedTerms + 1) { $0.string(0) }
        return terms.count <= maxMergedTerms ? terms : nil
    }

    /// Which of `ids` pass `filter` and have a word starting with each of `others`.
    static func passing(_ db: Connection, _ ids: [Int64], others: [String], filter: CatalogService.SQLFilter) throws -> Set<Int64> {
        let padded: [SQLBindable?] = ids + Array(repeating: Int64(0), count: testBatch - ids.count) // no product has id 0
        var conditions = ["p.id IN (\(Array(repeating: "?", count: testBatch).joined(separator: ",")))"] + filter.conditions
        // " cake dark " contains " ca": a word starting with "ca".
        conditions += others.map { _ in db.dialect.textContains("w.words", "?") }
        let join = others.isEmpty ? "" : "JOIN product_words w ON w.product_id = p.id"
        // By id only: with a category and a cursor in price order, SQLite would otherwise range-scan
        // the category's price index below the cursor (half a category a statement, paging on).
        let byID = db.dialect == .sqlite ? "NOT INDEXED" : ""
        let sql = "SELECT p.id FROM products p \(byID) \(join) WHERE \(conditions.joined(separator: " AND "))"
        return Set(try db.query(sql, arguments: padded + filter.arguments + others.map { " " + $0 }) { $0.int64(0) })
    }

    /// Several words' lists read together in sort order, each a batch at a time.
    struct Merge {
        struct List { let term: String; var buffer: [PageCursor] = []; var last: PageCursor?; var batch: Int; var exhausted = false }
        let sort: ProductQuery.Sort
        var lists: [List]
        var previous: Int64?
        /// Read but not yet handed out, in order.
        var ready: [PageCursor] = []

        init(sort: ProductQuery.Sort, start: PageCursor?, terms: [String], count: Int) {
            self.sort = sort
            let batch = max(8, 2 * (count + 1) / terms.count)
            lists = terms.map { List(term: $0, last: start, batch: batch) }
        }

        /// The next at most `limit` distinct products in order; empty when every list is read.
        mutating func next(_ db: Connection, upTo limit: Int) throws -> [PageCursor] {
            while ready.count < limit, try fill(db) {}
            let taken = Array(ready.prefix(limit))
            ready.removeFirst(taken.count)
            return taken
        }

        /// The next at most `limit` products in both this merge and `other`, in order: whichever is
        /// behind skips ahead to the other's next product. `steps` counts the skips; past
        /// `stepLimit` this returns early. `ended`: a merge ran out (nothing more in common).
        mutating func common(_ db: Connection, with other: inout Merge, upTo limit: Int, steps: inout Int,
                             stepLimit: Int = .max) throws -> (rows: [PageCursor], ended: Bool) {
            var result: [PageCursor] = []
            var x = try next(db, upTo: 1).first
            var y = try other.next(db, upTo: 1).first
            while let a = x, let b = y, result.count < limit, steps < stepLimit {
                if a.id == b.id {
                    result.append(a)
                    x = try next(db, upTo: 1).first
                    y = try other.next(db, upTo: 1).first
                } else if Self.precedes(a, b, sort) {
                    steps += 1
                    skip(to: b)
                    x = try next(db, upTo: 1).first
                } else {
                    steps += 1
                    other.skip(to: a)
                    y = try other.next(db, upTo: 1).first
                }
            }
            // A row read but not used stays next.
            guard let a = x, let b = y else { return (result, true) }
            ready.insert(a, at: 0)
            other.ready.insert(b, at: 0)
            return (result, false)
        }

        /// Moves on to the first product at or after `key`: within what is read when it is there,
        /// else by reading every list again from `key`.
        mutating func skip(to key: PageCursor) {
            ready.removeFirst(ready.prefix { Self.precedes($0, key, sort) }.count)
            guard ready.isEmpty else { return }
            var before = key // just before `key`, as the lists' "after" condition takes it
            switch sort {
            case .name, .price: before.id -= 1
            case .priceDesc, .newest: before.id += 1
            }
            lists = lists.map { List(term: $0.term, last: before, batch: 8) }
            previous = nil
        }

        /// Reads the lists whose batch ran out, then moves every row that no unread row can
        /// precede (up to the least of the lists' last rows read) to `ready`. false when all is read.
        private mutating func fill(_ db: Connection) throws -> Bool {
            for i in lists.indices where lists[i].buffer.isEmpty && !lists[i].exhausted {
                let rows = try db.query(Self.sql(sort), arguments: [lists[i].term] + Self.after(sort, lists[i].last) + [lists[i].batch]) {
                    PageCursor(id: $0.int64(0), text: $0.string(1), number: $0.int64(2))
                }
                lists[i].buffer = rows
                lists[i].exhausted = rows.count < lists[i].batch
                if let last = rows.last { lists[i].last = last }
                lists[i].batch = min(lists[i].batch * 2, 1_024)
            }
            let open = lists.filter { !$0.exhausted }.compactMap(\.last)
            let bound = open.min { Self.precedes($0, $1, sort) }
            var moved: [PageCursor] = []
            for i in lists.indices {
                let cut = bound.map { bound in lists[i].buffer.firstIndex { Self.precedes(bound, $0, sort) } ?? lists[i].buffer.count } ?? lists[i].buffer.count
                moved += lists[i].buffer[..<cut]
                lists[i].buffer.removeFirst(cut)
            }
            if moved.isEmpty && lists.allSatisfy({ $0.exhausted && $0.buffer.isEmpty }) { return false }
            moved.sort { Self.precedes($0, $1, sort) }
            for row in moved where row.id != previous { // a product under two of the words: once
                ready.append(row)
                previous = row.id
            }
            return true
        }

        static func sql(_ sort: ProductQuery.Sort) -> String {
            let (after, order) = switch sort {
            case .name: ("(sort_name, product_id) > (?, ?)", "sort_name, product_id")
            case .price: ("(price, product_id) > (?, ?)", "price, product_id")
            case .priceDesc: ("(price, product_id) < (?, ?)", "price DESC, product_id DESC")
            case .newest: ("product_id < ?", "product_id DESC")
            }
            return "SELECT product_id, sort_name, price FROM search_postings WHERE term = ? AND \(after) ORDER BY \(order) LIMIT ?"
        }

        /// The arguments of `sql`'s "after" condition: after `cursor`, or from the start.
        static func after(_ sort: ProductQuery.Sort, _ cursor: PageCursor?) -> [SQLBindable?] {
            switch sort {
            case .name: [cursor?.text ?? "", cursor?.id ?? 0]
            case .price: [cursor?.number ?? -1, cursor?.id ?? 0]
            case .priceDesc: [cursor?.number ?? Int64.max, cursor?.id ?? Int64.max]
            case .newest: [cursor?.id ?? Int64.max]
            }
        }

        /// Whether `a` comes before `b` in `sort` order (names compared as SQLite does: by bytes).
        static func precedes(_ a: PageCursor, _ b: PageCursor, _ sort: ProductQuery.Sort) -> Bool {
            switch sort {
            case .name:
                let (x, y) = (a.text ?? "", b.text ?? "")
                if x.utf8.elementsEqual(y.utf8) { return a.id < b.id }
                return x.utf8.lexicographicallyPrecedes(y.utf8)
            case .price: return (a.number ?? 0, a.id) < (b.number ?? 0, b.id)
            case .priceDesc: return (a.number ?? 0, a.id) > (b.number ?? 0, b.id)
            case .newest: return a.id > b.id
            }
        }
    }
}
