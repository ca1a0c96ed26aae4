// The only file in ShopTUI that talks to ncurses.
import CNCurses
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Set by the signal handler (SIGTERM, SIGHUP, SIGINT); read by `nextEvent`. Zero means none.
private let pendingTerminationSignal = Atomic<Int32>(0)

/// A real terminal through ncursesw: UTF-8 and wide characters, 256/8/no colors, key decoding,
/// resize via `KEY_RESIZE`, and the terminal restored on exit, on SIGTERM/SIGHUP/SIGINT, and
/// on a crash (see `shop_install_crash_restore` in CNCurses).
///
///     let backend = try NCursesBackend()
///     defer { backend.restore() }
///     let reason = Runner(program: app, backend: backend).run()
public final class NCursesBackend: Backend {
    public enum StartError: Error, CustomStringConvertible {
        /// stdin or stdout is not a terminal (a pipe, or `ssh` without `-t`).
        case notATerminal
        /// ncurses could not start even with the fallback terminal type.
        case cannotOpenTerminal(term: String)

        public var description: String {
            switch self {
            case .notATerminal: "shop needs a terminal (run it in a terminal or with ssh -t)"
            case .cannotOpenTerminal(let term): "cannot open the terminal (TERM=\(term))"
            }
        }
    }

    public let colorDepth: ColorDepth
    /// The terminal type in use (TERM, or the fallback when TERM was unknown).
    public let terminalType: String
    private let screen: OpaquePointer
    private var isActive = true
    private var pairs: [Int: Int32] = [:]
    private var nextPair: Int32 = 1
    private let maxPairs: Int32
    private var quickErrors = 0
    /// How this terminal shows pictures (decided before start-up: `ImageProtocol.detect`).
    public let imageProtocol: ImageProtocol
    /// Pictures on the terminal now: kitty image ids, and the rectangles (for iTerm2, whose
    /// pictures live in the cells and go only when those cells are drawn again).
    private var shownImageIDs: [UInt32] = []
    private var shownImageRects: [Rect] = []
    private var nextImageID: UInt32 = 1

    /// The terminal type used when `TERM` is unknown to terminfo (xterm-kitty, wezterm, …).
    public static let fallbackTerminal = "xterm-256color"

    public init(images: ImageProtocol = .none) throws {
        imageProtocol = images
        guard isatty(0) == 1, isatty(1) == 1 else { throw StartError.notATerminal }
        Self.setUpLocale()
        Self.installSignalHandlers()
        shop_install_crash_restore()   // before ncurses changes the terminal: that is the state to go back to

        let term = getenv("TERM").map { String(cString: $0) } ?? ""
        var opened = term.isEmpty ? nil : newterm(nil, shop_stdout(), shop_stdin())
        var used = term
        if opened == nil {
            opened = newterm(Self.fallbackTerminal, shop_stdout(), shop_stdin())
            used = Self.fallbackTerminal
        }
        guard let opened else { throw StartError.cannotOpenTerminal(term: term) }
        screen = opened
        terminalType = used
        set_term(screen)

        raw()
        noecho()
        nonl()
        let win = shop_stdscr()
        keypad(win, true)
        set_escdelay(25)
        curs_set(0)

        if has_colors() {
            start_color()
            use_default_colors()
            colorDepth = ColorDepth(colorCount: Int(shop_colors()))
            maxPairs = Int32(min(shop_color_pairs(), 32767))
        } else {
            colorDepth = .monochrome
            maxPairs = 0
        }
        wclear(win)
        wrefresh(win)
    }

    deinit { restore() }

    /// Leaves curses mode (alternate screen, raw mode, hidden cursor) and frees ncurses' screen.
    /// Safe to call more than once.
    public func restore() {
        guard isActive else { return }
        clearImages()
        isActive = false
        curs_set(1)
        endwin()
        delscreen(screen)
    }

    // MARK: - Setup

    /// ncursesw needs a UTF-8 locale for wide characters; over SSH `LANG` is often unset.
    private static func setUpLocale() {
        setlocale(LC_ALL, "")
        let codeset = String(cString: shop_codeset()).uppercased()
        if codeset != "UTF-8" && codeset != "UTF8" {
            setlocale(LC_CTYPE, "C.UTF-8")
        }
    }

    /// Termination signals set a flag the event loop polls (the runner then exits and restores
    /// the terminal); job control is off, so there is no way out to a shell. SIGWINCH stays
    /// with ncurses, which turns it into `KEY_RESIZE`.
    private static func installSignalHandlers() {
        for sig in [SIGTERM, SIGHUP, SIGINT] {
            signal(sig) { received in pendingTerminationSignal.store(received, ordering: .relaxed) }
        }
        for sig in [SIGTSTP, SIGTTIN, SIGTTOU, SIGQUIT, SIGPIPE] {
            signal(sig, SIG_IGN)
        }
    }

    // MARK: - Backend

    public var size: (width: Int, height: Int) { (Int(shop_cols()), Int(shop_lines())) }

    public func draw(_ changes: [CellChange]) {
        let win = shop_stdscr()
        for change in changes where !change.cell.isContinuation {
            var wide = change.cell.symbol.unicodeScalars.map { wchar_t(bitPattern: $0.value) }
            wide.append(0)
            let style = change.cell.style
            shop_wattr_set(win, attributes(style.modifiers), pair(for: style))
            wmove(win, Int32(change.y), Int32(change.x))
            waddnwstr(win, wide, Int32(wide.count - 1))
        }
    }

    public func clear() { wclear(shop_stdscr()) }

    public func setCursor(_ position: (x: Int, y: Int)?) {
        if let position {
            wmove(shop_stdscr(), Int32(position.y), Int32(position.x))
            curs_set(1)
        } else {
            curs_set(0)
        }
    }

    public func flush() { wrefresh(shop_stdscr()) }

    public func nextEvent(timeoutMs: Int) -> InputEvent? {
        if let signal = takeSignal() { return .terminated(signal: signal) }
        let win = shop_stdscr()
        wtimeout(win, Int32(max(0, timeoutMs)))
        var ch: wint_t = 0
        let started = ContinuousClock.now
        let result = wget_wch(win, &ch)
        if let signal = takeSignal() { return .terminated(signal: signal) }
        if result == ERR {
            // A terminal that is gone returns ERR at once, forever: don't spin.
            if timeoutMs >= 20, ContinuousClock.now - started < .milliseconds(timeoutMs / 4) {
                quickErrors += 1
                if quickErrors > 50 { return .endOfInput }
            } else {
                quickErrors = 0
            }
            return nil
        }
        quickErrors = 0
        if result == shop_key_code_yes() {
            if Int32(ch) == KEY_RESIZE { return .resize(width: Int(shop_cols()), height: Int(shop_lines())) }
            return Self.key(code: Int32(ch)).map { .key($0) }
        }
        return Self.key(char: UInt32(ch)).map { .key($0) }
    }

    // MARK: - Pictures

    /// Called after `flush` (ncurses has written its frame): our bytes go straight to the
    /// terminal, the cursor saved and put back around them so ncurses' idea of it stays true.
    public func showImage(_ image: TerminalImage, in rect: Rect) {
        guard isActive, imageProtocol.shows(image.format), !rect.isEmpty else { return }
        let body: [UInt8]
        var x = rect.x
        switch imageProtocol {
        case .none: return
        case .kitty:
            let cells = TerminalGraphics.fitted(pixels: image.pixelSize, columns: rect.width, rows: rect.height)
            x += (rect.width - cells.columns) / 2
            let id = nextImageID
            nextImageID = nextImageID == UInt32.max ? 1 : nextImageID + 1
            shownImageIDs.append(id)
            body = TerminalGraphics.kittyDisplay(png: image.bytes, id: id, columns: cells.columns, rows: cells.rows)
        case .iterm:
            body = TerminalGraphics.itermInline(image.bytes, columns: rect.width, rows: rect.height)
        }
        shownImageRects.append(rect)
        writeToTerminal(TerminalGraphics.atPosition(x: x, y: rect.y, body))
    }

    /// Called before the next frame's cells are drawn: kitty deletes by id; for iTerm2 the lines
    /// under the pictures are marked as garbled, so the coming refresh draws them all again.
    public func clearImages() {
        guard isActive else { return }
        if !shownImageIDs.isEmpty {
            writeToTerminal(shownImageIDs.flatMap(TerminalGraphics.kittyDelete(id:)))
        }
        if imageProtocol == .iterm {
            let win = shop_stdscr()
            for rect in shownImageRects { wredrawln(win, Int32(rect.y), Int32(rect.height)) }
        }
        shownImageIDs.removeAll()
        shownImageRects.removeAll()
    }

    /// Writes all of `bytes` to the terminal (fd 1), past short writes and EINTR.
    private func writeToTerminal(_ bytes: [UInt8]) {
        var offset = 0
        bytes.withUnsafeBytes { raw in
            while offset < raw.count {
                let n = write(1, raw.baseAddress! + offset, raw.count - offset)
                if n > 0 { offset += n } else if n < 0 && errno == EINTR { continue } else { return }
            }
        }
    }

    private func takeSignal() -> Int32? {
        let s = pendingTerminationSignal.exchange(0, ordering: .relaxed)
        return s == 0 ? nil : s
    }

    // MARK: - Styles

    private func attributes(_ modifiers: Modifier) -> attr_t {
        var a = shop_a_normal
        if modifiers.contains(.bold) { a |= shop_a_bold }
        if modifiers.contains(.dim) { a |= shop_a_dim }
        if modifiers.contains(.underline) { a |= shop_a_underline }
        if modifiers.contains(.reverse) { a |= shop_a_reverse }
        return a
    }

    /// A color pair for the style's colors, allocated on first use (pair 0 when they run out).
    private func pair(for style: Style) -> Int32 {
        guard colorDepth != .monochrome else { return 0 }
        let fg = style.foreground.paletteIndex ?? -1
        let bg = style.background.paletteIndex ?? -1
        if fg == -1 && bg == -1 { return 0 }
        let key = (fg + 1) << 16 | (bg + 1)
        if let p = pairs[key] { return p }
        guard nextPair < maxPairs else { return 0 }
        let p = nextPair
        nextPair += 1
        init_pair(Int16(p), Int16(fg), Int16(bg))
        pairs[key] = p
        return p
    }

    // MARK: - Keys

    static func key(code: Int32) -> Key? {
        switch code {
        case KEY_UP: .up
        case KEY_DOWN: .down
        case KEY_LEFT: .left
        case KEY_RIGHT: .right
        case KEY_HOME: .home
        case KEY_END: .end
        case KEY_PPAGE: .pageUp
        case KEY_NPAGE: .pageDown
        case KEY_DC: .delete
        case KEY_BACKSPACE: .backspace
        case KEY_ENTER: .enter
        case KEY_BTAB: .backTab
        case shop_key_f(1)...shop_key_f(24): .function(Int(code - shop_key_f(0)))
        default: nil
        }
    }

    static func key(char v: UInt32) -> Key? {
        switch v {
        case 13, 10: return .enter
        case 9: return .tab
        case 27: return .escape
        case 127, 8: return .backspace
        case 1...26: return .ctrl(Character(Unicode.Scalar(96 + v)!))
        case 0..<32: return nil
        default:
            guard let scalar = Unicode.Scalar(v) else { return nil }
            return .char(Character(scalar))
        }
    }
}
