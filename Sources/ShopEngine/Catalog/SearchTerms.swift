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

    /// `text` as an FTS5 expression, or nil when it has no words. Up to 8 words, each a prefix.
    ///
    /// ```swift
    /// try SearchTerms.expression("num 42", db) // "\"num\"* AND \"42\"*"
    /// try SearchTerms.expression("number", db) // "(\"number\" OR \"numbers\")" when those are the indexed words
    /// ```
    static func expression(_ text: String, _ db: Connection) throws -> String? {
        let words = Text.searchFold(text).split { !($0.isLetter || $0.isNumber) }.prefix(8)
        guard !words.isEmpty else { return nil }
        // An explicit AND: FTS5 takes no implicit one before a parenthesis.
        return try words.map { try match(String($0), db) }.joined(separator: " AND ")
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

    private static func quoted(_ word: String) -> String {
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

    // MARK: - Keeping the list

    /// Adds the words FTS5 makes of `text`. FTS5's own tokenizer decides, through an empty
    /// scratch index in this connection's temp schema, so the list never lacks a word the search
    /// index has (a missing one would hide products from a prefix search).
    static func add(_ db: Connection, text: String) throws {
        try db.execute("""
            CREATE VIRTUAL TABLE IF NOT EXISTS temp.search_scratch USING fts5(search, content = '', tokenize = 'unicode61 remove_diacritics 2');
            CREATE VIRTUAL TABLE IF NOT EXISTS temp.search_scratch_words USING fts5vocab(temp, search_scratch, row);
            """)
        try db.run("INSERT INTO temp.search_scratch(search) VALUES (?)", text)
        try db.run("INSERT OR IGNORE INTO search_terms(term) SELECT term FROM temp.search_scratch_words")
        try db.run("INSERT INTO temp.search_scratch(search_scratch) VALUES ('delete-all')")
    }

    /// Refills the list from the search index (after products were written straight into
    /// `products_fts`, as the benchmark seeder does).
    public static func rebuild(_ db: Connection) throws {
        try db.execute("""
            CREATE VIRTUAL TABLE IF NOT EXISTS temp.products_fts_words USING fts5vocab(main, products_fts, row);
            INSERT OR IGNORE INTO search_terms(term) SELECT term FROM temp.products_fts_words;
            """)
    }
}
