/// Search on PostgreSQL, which has no FTS5: a product matches when each typed word begins one of
/// its words (`product_words`: " cake dark " holds " da"), the rule of FTS5's prefix query, and
/// its words are the ones FTS5 makes (`Unicode61`), so a page holds what SQLite's would.
extension CatalogService {
    /// SQLite's plan (`searchPage`): few matches (the typed word with the fewest postings has
    /// under `driveLimit`) are read from that word's postings and sorted; many come from the
    /// postings in sort order (`SearchPostings`), then the walk, then reading every match.
    static func postgresSearchPage(_ db: Connection, search: SearchTerms.Search, filter: SQLFilter, order: String, sort: ProductQuery.Sort,
                                   after: PageCursor?, category: String?, count: Int, driveLimit: Int64, postingBudget: Int,
                                   walkWindow: Int64) throws -> [PageCursor] {
        guard let words = search.words, !words.isEmpty else { return try phrasePage(db, typed: search.typed, filter: filter, order: order, count: count) }
        let listed = try words.map { try postings(db, startingWith: $0, upTo: driveLimit) }
        let rarest = listed.indices.min { listed[$0] < listed[$1] }!
        let driven = matching(filter, words: words, drivenBy: rarest, db.dialect)
        guard listed[rarest] >= driveLimit else { return try page(db, filter: driven, order: order, count: count) }
        if postingBudget > 0,
           let merged = try SearchPostings.page(db, words: words, categoryWord: try category.flatMap { try SearchTerms.longestWord($0, db) },
                                                filter: filter, sort: sort, after: after, count: count, budget: postingBudget) {
            return merged
        }
        var walk = SearchWalk(words: words, filter: filter, order: order, sort: sort, count: count)
        if case .page(let walked) = try walk.advance(db, work: Int(walkWindow)) { return walked }
        return try page(db, filter: driven, order: order, count: count)
    }

    /// How many postings the listed words starting with `word` have, counted up to `limit`: at
    /// least as many as the products that match `word`.
    private static func postings(_ db: Connection, startingWith word: String, upTo limit: Int64) throws -> Int64 {
        guard let end = SearchTerms.successor(word) else { return limit }
        return try db.scalarInt("SELECT count(*) FROM (SELECT 1 FROM search_postings WHERE term >= ? AND term < ? LIMIT ?) AS listed", word, end, limit) ?? 0
    }

    /// `filter`, and a word starting with each of `words`: products listed under a word that
    /// `words[driver]` begins (one range of the postings' key) whose words hold the others.
    private static func matching(_ filter: SQLFilter, words: [String], drivenBy driver: Int, _ dialect: Dialect) -> SQLFilter {
        var matching = filter
        var tested = words
        if let end = SearchTerms.successor(words[driver]) {
            matching.conditions.append("p.id IN (SELECT product_id FROM search_postings WHERE term >= ? AND term < ?)")
            matching.arguments += [words[driver], end]
            tested.remove(at: driver)
        }
        return matching.testing(words: tested, dialect)
    }

    /// A search where a typed word is no single word to FTS5 (`SearchTerms.folded`): none (a lone
    /// mark: nothing matches, as in FTS5) or several, which FTS5 takes as a phrase — those words in
    /// a row, the last as a prefix ("کِیک" is "ک" then "یک…": the kasra ends a word). Products with
    /// every word are read in order and their search text checked for each phrase.
    private static func phrasePage(_ db: Connection, typed: [String], filter: SQLFilter, order: String, count: Int) throws -> [PageCursor] {
        let phrases = typed.map(Unicode61.tokens)
        let words = Array(Set(phrases.joined()))
        guard !phrases.contains(where: \.isEmpty), let longest = words.indices.max(by: { words[$0].utf8.count < words[$1].utf8.count }) else { return [] }
        let candidates = matching(filter, words: words, drivenBy: longest, db.dialect)
        var found: [PageCursor] = []
        try db.forEach("SELECT p.id, p.sort_name, p.price, f.search FROM products p JOIN products_fts f ON f.rowid = p.id \(candidates.whereClause) ORDER BY \(order)",
                       arguments: candidates.arguments) { row in
            guard found.count < count else { return }
            let text = Unicode61.tokens(row.string("search"))
            if phrases.allSatisfy({ contains(text, phrase: $0) }) {
                found.append(PageCursor(id: row.int64("id"), text: row.string("sort_name"), number: row.int64("price")))
            }
        }
        return found
    }

    /// Whether `phrase` occurs in `text` (both FTS5 words): its words in a row, the last as a prefix.
    static func contains(_ text: [String], phrase: [String]) -> Bool {
        guard let last = phrase.last, text.count >= phrase.count else { return false }
        return (0...(text.count - phrase.count)).contains { start in
            zip(text[start...], phrase.dropLast()).allSatisfy { $0.utf8.elementsEqual($1.utf8) }
                && text[start + phrase.count - 1].utf8.starts(with: last.utf8)
        }
    }
}
