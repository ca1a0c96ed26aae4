/// The words of the search index (`search_terms`, migration 7), and the FTS5 expression a search
/// becomes.
///
/// Search is as you type: every word must match a word of the product as a prefix. FTS5 answers
/// a prefix of 1–3 letters from its prefix index (`prefix = '1 2 3'`), but a longer one (`"number"*`)
/// by merging the full product list of every indexed word that starts with it before it returns
/// a single row: tens of milliseconds at a million products for a common word. Spelled out as the
/// few whole words it stands for (`("number" OR "numbers")`), FTS5 reads lazily and skips ahead.
public enum SearchTerms {
    /// Above this many words, a prefix stays a prefix (FTS5 merges them; each is then rare).
    static let maxExpansion = 64

    /// A search, ready to run both ways: `expression` for FTS5, `words` (as FTS5 folds them) to
    /// test one product's `product_words`; nil `words` when a word does not fold to one word.
    struct Search {
        /// Each typed word's FTS5 expression (`words[i]`'s is `parts[i]`), then the category's
        /// when `within(category:)`; `expression` ANDs them.
        let parts: [String]
        var expression: String { parts.joined(separator: " AND ") }
        let words: [String]?
        /// The words as typed (folded, split on what is not a letter or digit), before FTS5's
        /// tokenizer: one can make several words (a phrase) or none.
        var typed: [String] = []

        /// The same search, but only among products indexed with `category`'s words in a row:
        /// every product is, with its own category (`CatalogService.index`), so a page within
        /// a category finds the same products from a list about as short as that category's
        /// share of the matches.
        func within(category: String?) -> Search {
            guard let category, category.contains(where: { $0.isLetter || $0.isNumber }) else { return self }
            return Search(parts: parts + [SearchTerms.quoted(Text.searchFold(category))], words: words, typed: typed)
        }
    }

    static func search(_ text: String, _ db: Connection) throws -> Search? {
        let words = Text.searchFold(text).split { !($0.isLetter || $0.isNumber) }.prefix(8).map(String.init)
        guard !words.isEmpty else { return nil }
        // An explicit AND: FTS5 takes no implicit one before a parenthesis. (PostgreSQL has no FTS5.)
        let parts = db.dialect == .postgres ? [] : try words.map { try match($0, db) }
        let foldedWords = try words.map { try folded(db, $0) }
        return Search(parts: parts, words: foldedWords.contains(nil) ? nil : foldedWords.compactMap { $0 }, typed: words)
    }

    /// The longest of `text`'s words as FTS5 folds them (a category's, to intersect with); nil
    /// when it has none that folds to one word.
    static func longestWord(_ text: String, _ db: Connection) throws -> String? {
        let words = Text.searchFold(text).split { !($0.isLetter || $0.isNumber) }.prefix(8)
        return try words.compactMap { try folded(db, String($0)) }.max { $0.count < $1.count }
    }

    /// `text` as an FTS5 expression, or nil when it has no words. Up to 8 words, each a prefix.
    ///
    /// ```swift
    /// try SearchTerms.expression("num 42", db) // "\"num\"* AND \"42\"*"
    /// try SearchTerms.expression("number", db) // "(\"number\" OR \"numbers\")" when those are the indexed words
    /// ```
    static func expression(_ text: String, _ db: Connection) throws -> String? {
        try search(text, db)?.expression
    }

    /// One word: the whole indexed words it is a prefix of, or the prefix itself when the prefix
    /// index covers it, when there are many, or when the list knows none (FTS5 folds some letters
    /// further, e.g. accents: then it decides, exactly as before).
    private static func match(_ word: String, _ db: Connection) throws -> String {
        let prefix = quoted(word) + "*"
        guard word.count > 3, let end = successor(word) else { return prefix }
        let terms = try db.query("SELECT term FROM search_terms WHERE term >= ? AND term < ? ORDER BY term LIMIT ?", word, end, maxExpansion + 1) { $0.string(0) }
        guard !terms.isEmpty, terms.count <= maxExpansion else { return prefix }
        return "(" + terms.map(quoted).joined(separator: " OR ") + ")"
    }

    static func quoted(_ word: String) -> String {
        "\"" + word.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// The least text greater than every text that starts with `word` (UTF-8 order is code point
    /// order): `word` with its last letter moved one code point on. nil for the last code point.
    static func successor(_ word: String) -> String? {
        var scalars = Array(word.unicodeScalars)
        guard let last = scalars.popLast() else { return nil }
        var next = last.value + 1
        if next == 0xD800 { next = 0xE000 } // no text holds a surrogate
        guard let bumped = Unicode.Scalar(next) else { return nil }
        scalars.append(bumped)
        var result = ""
        result.unicodeScalars.append(contentsOf: scalars)
        return result
    }

    // MARK: - Keeping the lists

    /// Records the words FTS5 makes of a product's search text: in `search_terms`, as the
    /// product's `product_words`, and its `search_postings`. FTS5's own tokenizer decides, through
    /// an empty scratch index in this connection's temp schema, so the lists never lack a word the
    /// search index has (a missing one would hide products from a prefix search). PostgreSQL has
    /// no FTS5 tokenizer to ask: its words are `Unicode61`'s, the same tokenizer in Swift.
    /// `replacing`: the product was indexed before (its old postings go). The postings are left
    /// alone, and the words out of `search_terms`, while `SearchPostings.deferred` (an import's
    /// `SearchPostings.Bulk` writes them).
    static func index(_ db: Connection, productID: Int64, text: String, replacing: Bool = true) throws {
        let words: [String]
        if let plain = plainWords(text) ?? (db.dialect == .postgres ? Unicode61.words(text) : nil) {
            words = plain
        } else {
            try scratch(db, text)
            words = try db.query("SELECT term FROM temp.search_scratch_words") { $0.string(0) }
            try db.run("INSERT INTO temp.search_scratch(search_scratch) VALUES ('delete-all')")
        }
        let deferred = SearchPostings.deferred // an import writes the postings and terms at the end
        if !deferred {
            let oldWords = replacing ? try SearchPostings.listedWords(db, productID: productID) : nil
            try SearchPostings.index(db, productID: productID, words: words, oldWords: oldWords)
        }
        try db.run("INSERT INTO product_words(product_id, words) VALUES (?, ?) ON CONFLICT(product_id) DO UPDATE SET words = excluded.words",
                   productID, " " + words.joined(separator: " ") + " ")
        if !deferred {
            for word in words { try db.run("INSERT INTO search_terms(term) VALUES (?) ON CONFLICT DO NOTHING", word) }
        }
    }

    /// The distinct words of a text as FTS5's unicode61 tokenizer makes them, computed here for
    /// the texts where that is certain — ASCII (runs of letters and digits, lowercased) and the
    /// letters and digits of the Arabic block, which FTS5 keeps as they are (checked against
    /// FTS5 in `CatalogSearchPlanTests`) — without the scratch index, which cost an import of
    /// 100,000 products 3× its CPU time. nil for any other text (accents, marks, other scripts).
    static func plainWords(_ text: String) -> [String]? {
        var words = Set<String>()
        var current = String.UnicodeScalarView()
        func endWord() {
            if !current.isEmpty { words.insert(String(current)); current = String.UnicodeScalarView() }
        }
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x61...0x7A, 0x30...0x39: current.append(scalar)
            case 0x41...0x5A: current.append(Unicode.Scalar(scalar.value + 32)!)
            case 0..<0x80: endWord()
            case 0x0600...0x06FF where [.otherLetter, .modifierLetter, .decimalNumber].contains(scalar.properties.generalCategory):
                current.append(scalar)
            default: return nil
            }
        }
        endWord()
        return words.sorted()
    }

    /// A typed word as FTS5 folds it (accents off, and so on), when it stays one word; nil when
    /// FTS5 makes several words or none of it. Only the temp schema is written: fine in a read.
    static func folded(_ db: Connection, _ word: String) throws -> String? {
        if let words = plainWords(word), words.count <= 1 { return words.first }
        if db.dialect == .postgres {
            let words = Unicode61.words(word)
            return words.count == 1 ? words[0] : nil
        }
        try scratch(db, word)
        let terms = try db.query("SELECT term FROM temp.search_scratch_words") { $0.string(0) }
        try db.run("INSERT INTO temp.search_scratch(search_scratch) VALUES ('delete-all')")
        return terms.count == 1 ? terms[0] : nil
    }

    /// Puts `text` alone into the scratch index (creating it on this connection's first use).
    private static func scratch(_ db: Connection, _ text: String) throws {
        do {
            try db.run("INSERT INTO temp.search_scratch(search) VALUES (?)", text)
        } catch let error as SQLiteError where error.message.hasPrefix("no such table") {
            // First use on this connection (an import indexes 100,000s: no CREATE on every call).
            // The tokenizer must be products_fts's (Schema.commerce).
            try db.execute("""
                CREATE VIRTUAL TABLE IF NOT EXISTS temp.search_scratch USING fts5(search, content = '', tokenize = 'unicode61 remove_diacritics 2');
                CREATE VIRTUAL TABLE IF NOT EXISTS temp.search_scratch_words USING fts5vocab(temp, search_scratch, row);
                """)
            try db.run("INSERT INTO temp.search_scratch(search) VALUES (?)", text)
        }
    }

    /// Refills the lists (and the postings) from the search index (after products were written straight into
    /// `products_fts`, as the benchmark seeder does).
    public static func rebuild(_ db: Connection) throws {
        try db.execute("""
            CREATE VIRTUAL TABLE IF NOT EXISTS temp.products_fts_words USING fts5vocab(main, products_fts, row);
            INSERT OR IGNORE INTO search_terms(term) SELECT term FROM temp.products_fts_words;
            CREATE VIRTUAL TABLE IF NOT EXISTS temp.products_fts_instances USING fts5vocab(main, products_fts, instance);
            INSERT OR REPLACE INTO product_words(product_id, words)
                SELECT doc, ' ' || group_concat(term, ' ') || ' ' FROM (SELECT DISTINCT doc, term FROM temp.products_fts_instances) GROUP BY doc;
            """)
        try SearchPostings.rebuild(db)
    }
}
