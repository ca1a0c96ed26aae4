/// A key press, decoded by the backend.
///
///     switch key {
///     case .char("q"), .ctrl("c"): quit()
///     case .up, .char("k"): moveUp()
///     default: break
///     }
public enum Key: Hashable, Sendable {
    case char(Character)
    case enter, escape, tab, backTab
    case up, down, left, right
    case pageUp, pageDown, home, end
    case backspace, delete
    case function(Int)
    /// Ctrl plus a letter, lowercased: Ctrl-C is `.ctrl("c")`.
    case ctrl(Character)

    /// A key that types a character (a field takes it as text).
    public var isPrintable: Bool { if case .char = self { true } else { false } }

    /// A short name for footers and help: "↑", "Enter", "Ctrl-C", "F1", "q".
    public var displayName: String {
        switch self {
        case .char(" "): "Space"
        case .char(let c): String(c)
        case .enter: "Enter"
        case .escape: "Esc"
        case .tab: "Tab"
        case .backTab: "Shift-Tab"
        case .up: "↑"
        case .down: "↓"
        case .left: "←"
        case .right: "→"
        case .pageUp: "PgUp"
        case .pageDown: "PgDn"
        case .home: "Home"
        case .end: "End"
        case .backspace: "Backspace"
        case .delete: "Del"
        case .function(let n): "F\(n)"
        case .ctrl(let c): "Ctrl-\(c.uppercased())"
        }
    }
}
