/// A terminal color: the terminal's default, one of the 8 basic ANSI colors, or a 256-palette index.
///
///     let accent = Color.indexed(33)              // a blue from the 256-color cube
///     accent.degraded(to: .basic8)                // .blue
///     accent.degraded(to: .monochrome)            // .default
public enum Color: Hashable, Sendable {
    case `default`
    case black, red, green, yellow, blue, magenta, cyan, white
    case indexed(UInt8)

    /// The ANSI number (0–7) of a basic color, or the palette index; nil for `.default`.
    public var paletteIndex: Int? {
        switch self {
        case .default: nil
        case .black: 0
        case .red: 1
        case .green: 2
        case .yellow: 3
        case .blue: 4
        case .magenta: 5
        case .cyan: 6
        case .white: 7
        case .indexed(let n): Int(n)
        }
    }

    /// The basic color with ANSI number `n` (taken modulo 8).
    public static func basic(_ n: Int) -> Color {
        [.black, .red, .green, .yellow, .blue, .magenta, .cyan, .white][((n % 8) + 8) % 8]
    }

    /// The closest color a terminal with `depth` can show.
    public func degraded(to depth: ColorDepth) -> Color {
        switch depth {
        case .indexed256: return self
        case .monochrome: return .default
        case .basic8:
            guard case .indexed(let n) = self else { return self }
            return Color.nearestBasic(toIndex: Int(n))
        }
    }

    /// Maps a 256-palette index onto the 8 basic colors.
    static func nearestBasic(toIndex n: Int) -> Color {
        switch n {
        case 0..<16:
            return .basic(n)
        case 16..<232:
            // 6×6×6 cube: a component counts as "on" when it is near the brightest one.
            let v = n - 16
            let (r, g, b) = (v / 36, (v / 6) % 6, v % 6)
            let top = max(r, g, b)
            if top == 0 { return .black }
            let threshold = max(1, top - 1)
            let bits = (r >= threshold ? 1 : 0) | (g >= threshold ? 2 : 0) | (b >= threshold ? 4 : 0)
            return .basic(bits)
        default:
            // Grayscale ramp 232–255: only the darkest steps read as black.
            return n - 232 < 6 ? .black : .white
        }
    }
}

/// How many colors a terminal can show.
public enum ColorDepth: Sendable, Hashable {
    /// No colors at all (vt100 and friends): styles fall back to bold/reverse/underline.
    case monochrome
    /// The 8 ANSI colors (`TERM=xterm`, the Linux console).
    case basic8
    /// The 256-color palette.
    case indexed256

    /// The depth for a terminal reporting `colors` colors (ncurses' `COLORS`).
    public init(colorCount colors: Int) {
        self = colors >= 256 ? .indexed256 : (colors >= 8 ? .basic8 : .monochrome)
    }
}
