import Foundation

/// How this terminal can show pictures, if at all.
public enum ImageProtocol: String, Sendable, CaseIterable {
    /// No pictures: screens show a text marker instead. Always the answer when unsure.
    case none
    /// The kitty graphics protocol (kitty, Ghostty, Konsole): PNG only here (`f=100`).
    case kitty
    /// iTerm2 inline images (iTerm2, WezTerm): PNG and JPEG as they are.
    case iterm

    /// Whether pictures of `format` can be shown: kitty takes PNG only (we never decode, so
    /// cannot turn a JPEG into pixels).
    public func shows(_ format: TerminalImage.Format) -> Bool {
        switch self {
        case .none: false
        case .kitty: format == .png
        case .iterm: true
        }
    }

    /// The protocol for `--images auto|kitty|iterm|off` (or `SHOP_IMAGES`) and the environment.
    /// `auto` (or nothing) believes only what the environment says for sure: kitty's own
    /// variables or `TERM=xterm-kitty` (which SSH carries), iTerm2 or WezTerm by
    /// `TERM_PROGRAM`/`LC_TERMINAL`; inside tmux or screen, on xterm and anything unknown, none
    /// (those would print the escape as garbage or swallow it). Nil for a value it does not know.
    ///
    ///     ImageProtocol.detect(flag: nil, environment: ["TERM": "xterm-kitty"])   // .kitty
    ///     ImageProtocol.detect(flag: "off", environment: ["TERM": "xterm-kitty"]) // .none
    public static func detect(flag: String?, environment: [String: String]) -> ImageProtocol? {
        switch flag?.lowercased() {
        case "off", "none": return ImageProtocol.none
        case "kitty": return .kitty
        case "iterm", "iterm2": return .iterm
        case nil, "", "auto": break
        default: return nil
        }
        let term = environment["TERM"] ?? ""
        let program = environment["TERM_PROGRAM"] ?? ""
        // A multiplexer between us and the terminal: it would need passthrough we cannot check.
        if environment["TMUX"] != nil || term.hasPrefix("screen") || term.hasPrefix("tmux") || program == "tmux" { return ImageProtocol.none }
        if program == "iTerm.app" || environment["LC_TERMINAL"] == "iTerm2" { return .iterm }
        if program == "WezTerm" || term == "wezterm" { return .iterm }
        if term == "xterm-kitty" || environment["KITTY_WINDOW_ID"] != nil { return .kitty }
        if term == "xterm-ghostty" || program == "ghostty" { return .kitty }
        if environment["KONSOLE_VERSION"].flatMap(Int.init).map({ $0 >= 220400 }) == true { return .kitty }
        return ImageProtocol.none
    }
}

/// The escape sequences that put a picture on the terminal or take it away. Pure functions of
/// their input (tested byte for byte); `NCursesBackend` writes them between frames.
public enum TerminalGraphics {
    /// kitty sends payloads in pieces of at most 4096 base64 bytes (a multiple of 4).
    public static let kittyChunkSize = 4096

    /// kitty: transmit and display a PNG (`a=T,f=100`) as image `id`, scaled to `columns`×`rows`
    /// cells at the cursor, the cursor not moved (`C=1`), no replies (`q=2`, so nothing arrives
    /// on our input). The base64 goes in chunks: `m=1` on all but the last, which has `m=0`.
    ///
    ///     ESC _G a=T,f=100,i=7,c=20,r=8,C=1,q=2,m=1;iVBORw0KGgo… ESC \   ESC _G m=0,q=2;… ESC \
    public static func kittyDisplay(png: [UInt8], id: UInt32, columns: Int, rows: Int) -> [UInt8] {
        let payload = Array(Data(png).base64EncodedString().utf8)
        var out: [UInt8] = []
        out.reserveCapacity(payload.count + payload.count / kittyChunkSize * 24 + 64)
        var start = 0
        repeat {
            let end = min(start + kittyChunkSize, payload.count)
            let more = end < payload.count ? 1 : 0
            let keys = start == 0 ? "a=T,f=100,i=\(id),c=\(columns),r=\(rows),C=1,q=2,m=\(more)" : "m=\(more),q=2"
            out += Array("\u{1B}_G\(keys);".utf8)
            out += payload[start..<end]
            out += Array("\u{1B}\\".utf8)
            start = end
        } while start < payload.count
        return out
    }

    /// kitty: delete image `id` and its placements, freeing its memory (`d=I`).
    public static func kittyDelete(id: UInt32) -> [UInt8] { Array("\u{1B}_Ga=d,d=I,i=\(id),q=2\u{1B}\\".utf8) }

    /// iTerm2: an inline image of `columns`×`rows` cells, aspect ratio kept, PNG or JPEG bytes
    /// as they are; the cursor stays (`doNotMoveCursor=1`, where supported). Ends with BEL.
    ///
    ///     ESC ]1337;File=inline=1;size=1234;width=20;height=8;preserveAspectRatio=1;doNotMoveCursor=1:<base64> BEL
    public static func itermInline(_ bytes: [UInt8], columns: Int, rows: Int) -> [UInt8] {
        Array("\u{1B}]1337;File=inline=1;size=\(bytes.count);width=\(columns);height=\(rows);preserveAspectRatio=1;doNotMoveCursor=1:".utf8)
            + Array(Data(bytes).base64EncodedString().utf8) + [0x07]
    }

    /// Saves the cursor, moves it to (x, y) (0-based), and after `body` puts it back: ncurses
    /// believes it knows where the cursor is, so we leave it there.
    public static func atPosition(x: Int, y: Int, _ body: [UInt8]) -> [UInt8] {
        Array("\u{1B}7\u{1B}[\(y + 1);\(x + 1)H".utf8) + body + Array("\u{1B}8".utf8)
    }

    /// The cells a picture of `pixels` takes inside `columns`×`rows` with its aspect ratio kept,
    /// for a terminal that stretches to the cells it is given (kitty). A cell is taken to be twice
    /// as tall as wide. Without a size (JPEG), the whole box.
    public static func fitted(pixels: (width: Int, height: Int)?, columns: Int, rows: Int) -> (columns: Int, rows: Int) {
        guard let pixels, columns > 0, rows > 0 else { return (columns, rows) }
        let aspect = Double(pixels.width) / Double(pixels.height) * 2   // columns per row
        if Double(columns) / Double(rows) > aspect {
            return (max(1, min(columns, Int((Double(rows) * aspect).rounded()))), rows)
        }
        return (columns, max(1, min(rows, Int((Double(columns) / aspect).rounded()))))
    }
}
