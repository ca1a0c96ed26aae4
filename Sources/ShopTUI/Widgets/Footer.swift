/// The key hints at the bottom of a screen, from the same bindings `update` matches:
/// `↑/↓ move  Enter open  ? help  q quit`. Bindings that do not fit are left out.
///
///     Footer(keys.bindings).render(into: &buffer, area: area.splitBottom(1).bottom)
public struct Footer: Sendable {
    public var bindings: [KeyBinding]
    public var keyStyle: Style
    public var helpStyle: Style

    public init(_ bindings: [KeyBinding], keyStyle: Style = Theme.key, helpStyle: Style = .plain) {
        self.bindings = bindings
        self.keyStyle = keyStyle
        self.helpStyle = helpStyle
    }

    public init<Action>(_ keyMap: KeyMap<Action>) { self.init(keyMap.bindings) }

    /// The footer as plain text (what fits in `width`).
    public func text(width: Int) -> String {
        var buffer = Buffer(area: Rect(width: width, height: 1))
        render(into: &buffer, area: buffer.area)
        return buffer.lines[0].replacingTrailingSpaces()
    }

    public func render(into buffer: inout Buffer, area: Rect) {
        guard !area.isEmpty else { return }
        var x = area.x
        for binding in bindings where binding.showsInFooter {
            let needed = TextWidth.of(binding.label) + 1 + TextWidth.of(binding.help)
            if x + needed > area.right { break }
            x = buffer.setString(x, area.y, binding.label, style: keyStyle)
            x = buffer.setString(x + 1, area.y, binding.help, style: helpStyle)
            x += 2
        }
    }
}

/// The footer line of the app: the screen's keys on the left, global keys on the right, two
/// spaces between entries at least. When not all fit, the entries of lowest priority give way
/// and the help key (`?` or F1) reads `more`: the help overlay lists them all.
///
///     let line = FooterLine(screen: top.bindings, globals: globals, width: 80)
///     line.render(into: &buffer, area: footerRow)
public struct FooterLine: Sendable {
    public private(set) var left: [KeyBinding]
    public private(set) var right: [KeyBinding]
    /// Bindings left out for want of room (shown by the help overlay).
    public private(set) var omitted: [KeyBinding] = []
    public var keyStyle: Style = Theme.key

    static let gap = 2

    static func width(_ b: KeyBinding) -> Int { TextWidth.of(b.label) + 1 + TextWidth.of(b.help) }
    static func width(_ entries: [KeyBinding]) -> Int {
        entries.isEmpty ? 0 : entries.map(width).reduce(0, +) + gap * (entries.count - 1)
    }

    public init(screen: [KeyBinding], globals: [KeyBinding], width: Int) {
        let screen = screen.filter(\.showsInFooter), globals = globals.filter(\.showsInFooter)
        let all = screen + globals
        func total(_ entries: [KeyBinding]) -> Int { Self.width(entries) }
        guard total(all) > width else { left = screen; right = globals; return }
        // Short of room: the help key stays (as "more"), the rest by priority, then order.
        let helpIndex = globals.firstIndex { $0.keys.contains(.char("?")) || $0.keys.contains(.function(1)) }
        var more: KeyBinding?
        if let helpIndex { more = globals[helpIndex]; more!.help = L.t("footer.more") }
        var candidates = all.indices.filter { helpIndex == nil || $0 != screen.count + helpIndex! }
        candidates.sort { a, b in all[a].priority != all[b].priority ? all[a].priority > all[b].priority : a < b }
        var kept = Set<Int>()
        for i in candidates {
            let trial = all.indices.filter { kept.contains($0) || $0 == i }.map { all[$0] } + (more.map { [$0] } ?? [])
            if total(trial) <= width { kept.insert(i) }
        }
        left = screen.indices.filter { kept.contains($0) }.map { screen[$0] }
        right = globals.indices.compactMap { j -> KeyBinding? in
            if j == helpIndex { return more }
            return kept.contains(screen.count + j) ? globals[j] : nil
        }
        omitted = all.indices.filter { !kept.contains($0) && (helpIndex == nil || $0 != screen.count + helpIndex!) }.map { all[$0] }
    }

    /// The line as plain text.
    public func text(width: Int) -> String {
        var buffer = Buffer(area: Rect(width: width, height: 1))
        render(into: &buffer, area: buffer.area)
        return buffer.lines[0].replacingTrailingSpaces()
    }

    public func render(into buffer: inout Buffer, area: Rect) {
        guard !area.isEmpty else { return }
        func draw(_ entries: [KeyBinding], from start: Int) {
            var x = start
            for b in entries {
                x = buffer.setString(x, area.y, b.label, style: keyStyle, maxWidth: max(0, area.right - x))
                x = buffer.setString(x + 1, area.y, b.help, maxWidth: max(0, area.right - x - 1)) + Self.gap
            }
        }
        draw(left, from: area.x)
        draw(right, from: max(area.x + Self.width(left) + (left.isEmpty ? 0 : Self.gap), area.right - Self.width(right)))
    }
}

/// A one-line bar with text on the left and on the right (screen title, signed-in user, cart total).
///
///     StatusBar(left: "Shop › Cart", right: "3 items · 41.50").render(into: &buffer, area: area.row(0))
public struct StatusBar: Sendable {
    public var left: String
    public var right: String
    public var style: Style

    public init(left: String, right: String = "", style: Style = Style(fg: .black, bg: .indexed(250))) {
        self.left = left
        self.right = right
        self.style = style
    }

    public func render(into buffer: inout Buffer, area: Rect) {
        guard !area.isEmpty else { return }
        let line = area.row(0)
        buffer.setStyle(line, style)
        let rightWidth = min(TextWidth.of(right), line.width)
        buffer.setLine(right, in: line.splitLeft(line.width - rightWidth).rest, style: style, alignment: .right)
        buffer.setString(line.x + 1, line.y, left, style: style.bold(), maxWidth: max(0, line.width - rightWidth - 2))
    }
}

extension String {
    func replacingTrailingSpaces() -> String {
        var s = self
        while s.last == " " { s.removeLast() }
        return s
    }
}
