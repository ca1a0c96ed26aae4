/// Which characters a text field accepts.
public enum InputFilter: Hashable, Sendable {
    case any
    /// 0–9 (and Persian/Arabic-Indic digits): codes, quantities.
    case digits
    /// Digits, `+`, spaces and dashes: phone numbers.
    case phone
    /// Digits and one decimal point: prices.
    case decimal

    func accepts(_ ch: Character, in text: String) -> Bool {
        switch self {
        case .any: true
        case .digits: ch.isNumber
        case .phone: ch.isNumber || "+ -".contains(ch)
        case .decimal: ch.isNumber || (ch == "." && !text.contains("."))
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

    /// Inserts at the cursor; false when the character is refused (filter, max length, control).
    @discardableResult
    public mutating func insert(_ ch: Character) -> Bool {
        guard TextWidth.of(ch) > 0 || ch == " ", filter.accepts(ch, in: text) else { return false }
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
    public mutating func handle(_ key: Key) -> Bool {
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
        case .left: cursor = max(0, cursor - 1); return true
        case .right: cursor = min(chars.count, cursor + 1); return true
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
