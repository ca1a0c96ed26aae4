/// FTS5's tokenizer `unicode61 remove_diacritics 2` (SQLite's search index, `Schema`) in Swift,
/// so PostgreSQL, which has no FTS5, lists the same words for a product and a typed word as
/// SQLite does: both backends then find the same products in the same order.
///
/// A word is a run of code points FTS5 keeps, each folded as FTS5 folds it (lower case, Latin
/// accents off); diacritics inside a word are dropped. Which code point is which comes from FTS5
/// itself (`Unicode61Table.swift`, made by `scripts/search/unicode61-table.py`), and
/// `CatalogSearchPlanTests` checks every code point against the SQLite the engine runs on.
///
/// ```swift
/// Unicode61.tokens("Crème BRÛLÉE x²")  // ["creme", "brulee", "x²"]
/// Unicode61.tokens("Ψωμί, хлеб 蛋糕店")  // ["ψωμί", "хлеб", "蛋糕店"]: only Latin accents come off
/// ```
enum Unicode61 {
    /// The words of `text` in order, repeats kept.
    static func tokens(_ text: String) -> [String] {
        var tokens: [String] = []
        var current = String.UnicodeScalarView()
        func endWord() {
            if !current.isEmpty { tokens.append(String(current)); current = String.UnicodeScalarView() }
        }
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x61...0x7A, 0x30...0x39: current.append(scalar)
            case 0x41...0x5A: current.append(Unicode.Scalar(scalar.value + 32)!)
            case 0..<0x80: endWord()
            case let value where isSeparator(value): endWord()
            case let value where dropped.contains(value): break
            case let value: current.append(folds[value].flatMap { Unicode.Scalar($0) } ?? scalar)
            }
        }
        endWord()
        return tokens
    }

    /// The distinct words of `text` in byte order (as `product_words` lists them). Distinct by
    /// their bytes, as FTS5 tells words apart: Swift's `==` would take "가" and its two jamo for one.
    static func words(_ text: String) -> [String] {
        var words = tokens(text).sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        var kept = 0
        for word in words where kept == 0 || !words[kept - 1].utf8.elementsEqual(word.utf8) {
            words[kept] = word
            kept += 1
        }
        return Array(words.prefix(kept))
    }

    private static func isSeparator(_ value: UInt32) -> Bool {
        // The last range starting at or before `value`, found by halving.
        var low = 0, high = separatorRanges.count / 2
        while low < high {
            let middle = (low + high) / 2
            if separatorRanges[2 * middle] <= value { low = middle + 1 } else { high = middle }
        }
        return low > 0 && value <= separatorRanges[2 * (low - 1) + 1]
    }

    private static let dropped = Set(droppedScalars)

    private static let folds: [UInt32: UInt32] = Dictionary(uniqueKeysWithValues: stride(from: 0, to: foldPairs.count, by: 2).map {
        (foldPairs[$0], foldPairs[$0 + 1])
    })
}
