/// Keys that do one thing, with the words a footer and the help overlay show for them.
///
///     let move = KeyBinding(keys: [.up, .down, .char("k"), .char("j")], label: "↑/↓", help: "move")
///     move.matches(.char("j"))    // true
public struct KeyBinding: Hashable, Sendable {
    public var keys: [Key]
    /// How the keys are written in the footer: "↑/↓". Defaults to the first key's name.
    public var label: String
    /// What the keys do: "move".
    public var help: String
    /// Shown in the footer (true) or only in the help overlay (false).
    public var showsInFooter: Bool
    /// When the footer is short of room, higher priorities stay and the rest go behind `? more`
    /// (ties: the order given, so a screen lists its most used keys first).
    public var priority: Int

    public init(keys: [Key], label: String? = nil, help: String, showsInFooter: Bool = true, priority: Int = 0) {
        self.keys = keys
        self.priority = priority
        self.label = label ?? keys.first?.displayName ?? ""
        self.help = help
        self.showsInFooter = showsInFooter
    }

    public func matches(_ key: Key) -> Bool { keys.contains(key) }
}

/// A screen's key bindings as data, each bound to an action of the screen's own type: the same
/// value drives `update` (via `action(for:)`), the footer and the help overlay.
///
///     enum BrowseAction { case move(Int), open, search, help, quit }
///     let keys: KeyMap<BrowseAction> = [
///         (.move(-1), KeyBinding(keys: [.up, .char("k")], label: "↑/k", help: "up")),
///         (.move(1), KeyBinding(keys: [.down, .char("j")], label: "↓/j", help: "down")),
///         (.quit, KeyBinding(keys: [.char("q")], help: "quit")),
///     ]
///     if case .key(let key) = event, let action = keys.action(for: key) { … }
///     Footer(keys.bindings).render(into: &buffer, area: footerArea)
public struct KeyMap<Action: Sendable>: Sendable, ExpressibleByArrayLiteral {
    public var entries: [(action: Action, binding: KeyBinding)]

    public init(_ entries: [(action: Action, binding: KeyBinding)]) { self.entries = entries }
    public init(arrayLiteral elements: (Action, KeyBinding)...) { self.entries = elements.map { ($0.0, $0.1) } }

    /// The action of the first binding that has `key`.
    public func action(for key: Key) -> Action? { entries.first { $0.binding.matches(key) }?.action }

    /// The bindings in order, for `Footer` and `HelpOverlay`.
    public var bindings: [KeyBinding] { entries.map(\.binding) }

    /// A copy with more bindings appended (e.g. global ones like help and quit).
    public func appending(_ more: KeyMap<Action>) -> KeyMap<Action> { KeyMap(entries + more.entries) }
}
