/// Foreground, background and modifiers of a cell.
///
///     let selected = Style(fg: .black, bg: .cyan).bold()
///     let error = Style.plain.fg(.red)
public struct Style: Hashable, Sendable {
    public var foreground: Color
    public var background: Color
    public var modifiers: Modifier

    public init(fg: Color = .default, bg: Color = .default, modifiers: Modifier = []) {
        self.foreground = fg
        self.background = bg
        self.modifiers = modifiers
    }

    /// No colors, no modifiers.
    public static let plain = Style()

    // MARK: - Builders

    public func fg(_ color: Color) -> Style { var s = self; s.foreground = color; return s }
    public func bg(_ color: Color) -> Style { var s = self; s.background = color; return s }
    public func adding(_ modifier: Modifier) -> Style { var s = self; s.modifiers.formUnion(modifier); return s }
    public func bold() -> Style { adding(.bold) }
    public func dim() -> Style { adding(.dim) }
    public func underline() -> Style { adding(.underline) }
    public func reversed() -> Style { adding(.reverse) }

    /// This style with `other` laid on top: other's non-default colors win, modifiers add up.
    ///
    ///     Style(fg: .red).patched(with: Style(bg: .blue).bold())   // red on blue, bold
    public func patched(with other: Style) -> Style {
        Style(fg: other.foreground == .default ? foreground : other.foreground,
              bg: other.background == .default ? background : other.background,
              modifiers: modifiers.union(other.modifiers))
    }

    /// The style a terminal of `depth` can show. In monochrome a colored background becomes
    /// `reverse` (so selections stay visible) and a colored foreground becomes `bold`.
    public func degraded(to depth: ColorDepth) -> Style {
        guard depth == .monochrome else {
            return Style(fg: foreground.degraded(to: depth), bg: background.degraded(to: depth), modifiers: modifiers)
        }
        var mods = modifiers
        if background != .default && background != .black { mods.insert(.reverse) }
        if foreground != .default && foreground != .white && !mods.contains(.dim) && !mods.contains(.reverse) {
            mods.insert(.bold)
        }
        return Style(modifiers: mods)
    }
}
