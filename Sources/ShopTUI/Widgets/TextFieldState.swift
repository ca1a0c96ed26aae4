/// Which characters a text field accepts.
public enum InputFilter: Hashable, Sendable {
    case any
    /// 0–9 (and Persian/Arabic-Indic digits): codes, quantities.
    case digits
    /// Digits, `+`, spaces and dashes: phone numbers.
    case phone
    /// Digits and one decimal point: prices.
    case decimal

    /// Numbers are kept in ASCII whatever digits were typed (Persian ۱۲, Arabic-Indic ١٢), so every
    /// parse of a field's text sees `12`; `TextField` shows them in the session's digits.
    var foldsDigits: Bool { self != .any }

    func accepts(_ ch: Character, in text: String) -> Bool {
        switch self {
        case .any: true
        case .digits: ch.isNumber
        case .phone: ch.isNumber || "+ -".contains(ch)
        case .decimal: ch.isNumber || ((ch == "." || ch == "٫") && !text.contains("."))
        }
    }
}

/// The editable text and cursor of a `TextField`; owned by the screen.
///
///     var code = TextFieldState(maxLength: 6, filter: .digits, isMasked: true)
///     if case .key(let key) = event, code.handle(key) { return [] }   // consumed by the field
///     code.error = "Wrong code"                                         // shown under the field
public struct TextFieldState: Hashable, Sendable {
    public private(set) var text: String
    /// Cursor position in characters, 0...text.count.
    public private(set) var cursor: Int
    public var maxLength: Int?
    public var filter: InputFilter
    /// Show `•` instead of the characters (passwords, codes).
    public var isMasked: Bool
    /// A validation message shown under the field; cleared when the text is edited.
    public var error: String?

    public init(text: String = "", maxLength: Int? = nil, filter: InputFilter = .any, isMasked: Bool = false) {
        self.text = text
        self.cursor = text.count
        self.maxLength = maxLength
        self.filter = filter
        self.isMasked = isMasked
    }

    public var isEmpty: Bool { text.isEmpty }

    /// Replaces the text and puts the cursor at its end.
    public mutating func setText(_ newText: String) {
        text = maxLength.map { String(newText.prefix($0)) } ?? newText
        cursor = text.count
    }

    /// Inserts at the cursor (its logical position, wherever it is drawn); false when the
    /// character is refused (filter, max length, control). Numeric filters store ASCII digits.
    @discardableResult
    public mutating func insert(_ ch: Character) -> Bool {
        guard TextWidth.of(ch) > 0 || ch == " ", filter.accepts(ch, in: text) else { return false }
        let ch = filter.foldsDigits ? Character(Numerals.ascii(String(ch))) : ch
        if let maxLength, text.count >= maxLength { return false }
        var chars = Array(text)
        chars.insert(ch, at: cursor)
        text = String(chars)
        // Combining marks may merge with the previous character; keep the cursor valid.
        cursor = min(cursor + 1, text.count)
        error = nil
        return true
    }

    /// Applies an editing key. Returns true when the key was for the field (even if nothing
    /// changed, e.g. Backspace at the start), false for keys the screen should handle
    /// (Enter, Tab, Esc, arrows up/down…).
    ///
    /// Keys: characters, Backspace, Delete, ←/→, Home/End (and Ctrl-A/Ctrl-E), Ctrl-U (delete to
    /// start), Ctrl-K (delete to end).
    ///
    /// ←/→ move the caret *visually* (`moveVisually`): in Persian text → goes towards the start of
    /// the word; typing and Backspace act at the caret's logical position. Home/End and the
    /// Ctrl keys are logical (start and end of the text).
    public mutating func handle(_ key: Key) -> Bool { handle(key, layout: L.layout) }

    /// `handle(_:)` for a field drawn in a buffer of `layout` (tests pass it).
    public mutating func handle(_ key: Key, layout: BufferLayout) -> Bool {
        var chars = Array(text)
        switch key {
        case .char(let ch):
            insert(ch)
            return true
        case .backspace, .ctrl("h"):
            guard cursor > 0 else { return true }
            chars.remove(at: cursor - 1)
            cursor -= 1
        case .delete, .ctrl("d"):
            guard cursor < chars.count else { return true }
            chars.remove(at: cursor)
        case .left: moveVisually(by: -1, layout: layout); return true
        case .right: moveVisually(by: 1, layout: layout); return true
        case .home, .ctrl("a"): cursor = 0; return true
        case .end, .ctrl("e"): cursor = chars.count; return true
        case .ctrl("u"):
            chars.removeFirst(cursor)
            cursor = 0
        case .ctrl("k"):
            chars.removeLast(chars.count - cursor)
        default:
            return false
        }
        text = String(chars)
        error = nil
        return true
    }
}

// MARK: - The caret on screen

extension TextFieldState {
    /// The characters as drawn (`•` when masked).
    var shownCharacters: [Character] { isMasked ? Array(repeating: "•", count: text.count) : Array(text) }

    /// Moves the caret one place left (-1) or right (+1) on screen: to the caret position whose
    /// column is the nearest in that direction. Left to right text: one character back or on.
    mutating func moveVisually(by step: Int, layout: BufferLayout) {
        let columns = Self.caretColumns(shownCharacters, layout: layout)
        let here = columns[cursor]
        let candidates = columns.indices.filter { step < 0 ? columns[$0] < here : columns[$0] > here }
        guard let next = candidates.min(by: { abs(columns[$0] - here) < abs(columns[$1] - here) }) else { return }
        cursor = next
    }

    /// For each caret position 0...chars.count, the column it is drawn at, counted from the left
    /// of the text as displayed (0 = its leftmost cell). A caret sits on the character typing
    /// would push along (the one after it in logical order); at the end it sits just past the
    /// paragraph's last character: right of the text in a left-to-right paragraph, left of it
    /// (-1) in a right-to-left one.
    ///
    ///     caretColumns(Array("ab"), layout: .leftToRight)   // [0, 1, 2]
    ///     caretColumns(Array("سلام"), layout: .rightToLeft)  // [3, 2, 1, 0, -1]
    static func caretColumns(_ chars: [Character], layout: BufferLayout) -> [Int] {
        var logical: [Int] = [0]
        for ch in chars { logical.append(logical.last! + TextWidth.of(ch)) }
        guard layout.reordersText, layout.mirrors || chars.contains(where: { Bidi.containsRTL(String($0)) }) else { return logical }
        let paragraph: LayoutDirection = layout.mirrors || Bidi.isRTLParagraph(String(chars)) ? .rightToLeft : .leftToRight
        let visual = Bidi.visualIndices(of: chars, paragraph: paragraph)
        var byVisual = Array(repeating: 0, count: chars.count)
        for (i, v) in visual.enumerated() { byVisual[v] = i }
        var start = Array(repeating: 0, count: chars.count)
        var x = 0
        for source in byVisual { start[source] = x; x += TextWidth.of(chars[source]) }
        return start + [paragraph == .rightToLeft ? -1 : x]
    }
}
