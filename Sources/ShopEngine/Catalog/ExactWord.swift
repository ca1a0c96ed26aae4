/// A word told apart from others by its UTF-8 bytes, as SQLite compares text and FTS5 tells its
/// words apart. Swift's `==` and hashing take canonically equivalent strings for one: "가" (one
/// code point) and its two jamo, or "豈" U+F900 and U+8C48, are one `String` key but two words
/// in the search index, each with its own products.
///
/// ```swift
/// "\u{AC00}" == "\u{1100}\u{1161}"                        // true
/// ExactWord("\u{AC00}") == ExactWord("\u{1100}\u{1161}")  // false
/// ```
struct ExactWord: Hashable, Comparable {
    let text: String

    init(_ text: String) { self.text = text }
    init(_ text: Substring) { self.text = String(text) }

    static func == (a: ExactWord, b: ExactWord) -> Bool { a.text.utf8.elementsEqual(b.text.utf8) }

    func hash(into hasher: inout Hasher) {
        var text = text
        text.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
    }

    /// In UTF-8 byte order (code point order), as SQLite sorts text.
    static func < (a: ExactWord, b: ExactWord) -> Bool { a.text.utf8.lexicographicallyPrecedes(b.text.utf8) }
}
