/// A search page with many matches read several ways at once, a little of each in turn, until
/// one of them knows the page. Which way is cheap depends on where the matches lie in the sort
/// order, and nothing tells that in advance: a word in every product within a small category is
/// found at once by walking the category's products; a rare word within a large category by
/// reading the word's postings; matches late in both orders by the two lists skipping ahead to
/// each other. Each way gets the same growing share of work, so a page costs at most a few
/// times what the best way alone would (`CatalogService.searchPage`).
enum SearchRace {
    /// Products each way tests in its first turn; each turn doubles it.
    static let firstTurn = 32
    /// A search's matches are counted up to this many (`SearchMatchCounts`, kept per process): below
    /// it the count bounds what the race may spend (`Limits.within`).
    static let countLimit: Int64 = 32_000

    /// How many products each way may test before it gives up (0: not tried). When all give
    /// up, `CatalogService.searchPage` reads and sorts every match.
    struct Limits {
        /// The drive word's postings, each product tested for the filter and the other words.
        var postings: Int
        /// The drive word's postings and the category word's skipping ahead to each other.
        var leapfrog: Int
        /// The filter's products in sort order, each tested for the words.
        var walk: Int
        /// Newest first only: the search index's matches by id, backwards, each tested for the filter.
        var index: Int

        /// When set, each way may test at most one product for every this many matches it costs
        /// (as measured at 1M products): reading every match (`CatalogService.everyMatch`) costs a
        /// lookup a match, a walked product ~4–8 (its row and its `product_words`), a product met in
        /// the postings ~6 (a batch test by id), a step of two lists skipping ahead to each other
        /// ~16 (a new seek each), so the race never spends much more than reading them all would.
        var matchCostWeights: (postings: Int64, leapfrog: Int64, walk: Int64, index: Int64)? = nil
        /// Reading every match, a typed word with at least this many matches is tested on each
        /// match's words instead of read from the search index (`CatalogService.drivingParts`).
        var commonWord: Int64 = SearchRace.countLimit
        /// Below this many matches, every match is read by id (`CatalogService.everyMatch`);
        /// above, SQLite chooses how.
        var lookUpEach: Int64 = SearchRace.countLimit

        static let standard = Limits(postings: SearchPostings.candidateBudget, leapfrog: SearchPostings.candidateBudget, walk: 4_000,
                                     index: SearchPostings.candidateBudget, matchCostWeights: (6, 16, 4, 2))

        /// These limits for a search with `matches` matches (counted up to `countLimit`). Each way
        /// may still test `floor` products (at most half the matches): a common word is dense
        /// within a category, where a short walk finds the page.
        func within(matches: Int64, floor: Int64 = 256) -> Limits {
            guard let weights = matchCostWeights, matches < SearchRace.countLimit else { return self }
            func most(_ limit: Int, _ weight: Int64) -> Int {
                let products = min(max(matches / weight, floor), matches / 2)
                return products < firstTurn ? 0 : min(limit, Int(products)) // too few to be worth a turn
            }
            return Limits(postings: most(postings, weights.postings), leapfrog: most(leapfrog, weights.leapfrog), walk: most(walk, weights.walk),
                          index: most(index, weights.index), commonWord: commonWord, lookUpEach: lookUpEach)
        }
    }

    /// The page of the first reader that knows it, or nil when each gave up (`cannot`) or spent
    /// its `limit` of products tested without knowing it.
    static func page(_ db: Connection, _ entrants: [(reader: any SearchReader, limit: Int)], count: Int) throws -> [PageCursor]? {
        var entrants = entrants.filter { $0.limit > 0 }
        var turn = max(firstTurn, count)
        while !entrants.isEmpty {
            var i = 0
            while i < entrants.count {
                let work = min(turn, entrants[i].limit - entrants[i].reader.spent)
                switch try entrants[i].reader.advance(db, work: work) {
                case .page(let page): return page
                case .cannot: entrants.remove(at: i)
                case .more:
                    if entrants[i].reader.spent >= entrants[i].limit { entrants.remove(at: i) } else { i += 1 }
                }
            }
            turn *= 2
        }
        return nil
    }
}

/// How far a reader got.
enum SearchProgress {
    /// The page: `count` products, or fewer when every product it could meet was tested.
    case page([PageCursor])
    /// Not known yet: more work needed.
    case more
    /// This reader cannot answer (a product it met has no words listed).
    case cannot
}

/// One way of reading a search page, a turn at a time.
protocol SearchReader {
    /// Products tested (or skipped) so far.
    var spent: Int { get }
    /// Tests about `work` more products.
    mutating func advance(_ db: Connection, work: Int) throws -> SearchProgress
}

/// The filter's products walked in sort order (through the order's index: within a category, the
/// category's), each tested for every typed word in its `product_words`. PostgreSQL walks too.
struct SearchWalk: SearchReader {
    private let words: [String]
    private let filter: CatalogService.SQLFilter
    private let order: String
    private let sort: ProductQuery.Sort
    private let count: Int
    private var last: PageCursor?
    private var found: [PageCursor] = []
    private(set) var spent = 0

    init(words: [String], filter: CatalogService.SQLFilter, order: String, sort: ProductQuery.Sort, count: Int) {
        (self.words, self.filter, self.order, self.sort, self.count) = (words, filter, order, sort, count)
    }

    private struct Stop: Error {}

    mutating func advance(_ db: Connection, work: Int) throws -> SearchProgress {
        var resumed = filter // from the product after the last one walked
        if let last {
            let rest = CatalogService.after(sort, last)
            resumed.conditions.append(rest.condition)
            resumed.arguments += rest.arguments
        }
        // " cake dark " contains " ca": a word starting with "ca".
        let test = words.map { _ in db.dialect.textContains("w.words", "?") }.joined(separator: " AND ")
        var seen = 0
        var unknown = false
        do {
            try db.forEach("""
                SELECT p.id, p.sort_name, p.price, CASE WHEN w.words IS NULL THEN -1 WHEN \(test) THEN 1 ELSE 0 END AS hit
                FROM products p LEFT JOIN product_words w ON w.product_id = p.id \(resumed.whereClause) ORDER BY \(order) LIMIT ?
                """, arguments: words.map { " " + $0 } + resumed.arguments + [work]) { row in
                seen += 1
                let product = PageCursor(id: row.int64(0), text: row.string(1), number: row.int64(2))
                last = product
                switch row.int(3) {
                case 1: found.append(product)
                case 0: break
                default: unknown = true; throw Stop()
                }
                if found.count == count { throw Stop() }
            }
        } catch is Stop {}
        spent += seen
        if unknown { return .cannot }
        return found.count == count || seen < work ? .page(found) : .more
    }
}

/// Newest first: the search index's matches straight from FTS5, which returns them by rowid (the
/// product's id) backwards as cheaply as forwards, whatever the expression (a prefix of a
/// hundred thousand words included), each batch tested for the filter.
struct SearchIndexNewest: SearchReader {
    private let expression: String
    private let filter: CatalogService.SQLFilter
    private let count: Int
    private var before: Int64
    private var found: [PageCursor] = []
    private(set) var spent = 0

    init(expression: String, filter: CatalogService.SQLFilter, after: PageCursor?, count: Int) {
        (self.expression, self.filter, self.count, before) = (expression, filter, count, after?.id ?? Int64.max)
    }

    mutating func advance(_ db: Connection, work: Int) throws -> SearchProgress {
        let stop = spent + work
        while found.count < count && spent < stop {
            let ids = try db.query("SELECT rowid FROM products_fts WHERE products_fts MATCH ? AND rowid < ? ORDER BY rowid DESC LIMIT ?",
                                   expression, before, SearchPostings.testBatch) { $0.int64(0) }
            guard let last = ids.last else { return .page(found) }
            before = last
            spent += ids.count
            let passing = try SearchPostings.passing(db, ids, others: [], filter: filter)
            found += ids.filter { passing.contains($0) }.map { PageCursor(id: $0) }
        }
        return found.count >= count ? .page(Array(found.prefix(count))) : .more
    }
}
