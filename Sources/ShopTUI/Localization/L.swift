import ShopEngine
import Synchronization

/// The interface's words in the session's language: what every screen calls for text.
///
///     L.t("footer.quit")                                  // "quit" / "خروج"
///     L.t("cart.added", ["qty": Format.number(2), "name": product.name])
///     L.plural("browse.count", count: 3)                  // "3 products" / "۳ محصول" ({count} filled in)
///
/// Keys are written literally (`L.t("…")`, `L.plural("…"`), never built from pieces: a test scans
/// Sources/ShopTUI for them and fails on a key missing from a catalog, or a catalog key used nowhere.
///
/// The language is per process (one process per SSH customer): `L.setLanguage(.fa)` switches it
/// and the next frame is drawn in it. Tests render in either without touching other tests with
/// `L.withLanguage(.fa) { … }`, which binds a language for the task only.
public enum L {
    // MARK: - Words

    /// The message `key` in the current language, `{name}` placeholders filled from `arguments`.
    /// A key missing in the language falls back to English, then to the key itself (a test keeps
    /// both from happening).
    public static func t(_ key: String, _ arguments: [String: String] = [:]) -> String {
        let language = self.language
        return catalog(language).format(key, arguments)
            ?? (language == .en ? nil : catalog(.en).format(key, arguments))
            ?? key
    }

    /// The form of `key` for `count` things (`KEY.one` / `KEY.other` in English, always
    /// `KEY.other` in Persian), with `{count}` filled in as a localized number.
    public static func plural(_ key: String, count: Int, _ arguments: [String: String] = [:]) -> String {
        var arguments = arguments
        arguments["count"] = arguments["count"] ?? Format.number(count)
        return t("\(key).\(language.pluralForm(count))", arguments)
    }

    // MARK: - Language

    /// The language words and layout follow now.
    public static var language: Language { settings.state.withLock { $0.language } }

    /// Switches the language (the `L` key, a `--lang`, a signed-in customer's stored choice).
    public static func setLanguage(_ language: Language) { settings.state.withLock { $0.language = language } }

    /// How the terminal shows right-to-left text (`--bidi`).
    public static var bidi: BidiMode { settings.state.withLock { $0.bidi } }
    public static func setBidi(_ mode: BidiMode) { settings.state.withLock { $0.bidi = mode } }

    /// The layout a frame is drawn with now: mirrored in Persian, unless the terminal does bidi.
    public static var layout: BufferLayout {
        settings.state.withLock { BufferLayout(direction: $0.language.direction, reordersText: $0.bidi != .terminal) }
    }

    /// Runs `body` with `language` for this task only (tests: render in Persian while other
    /// tests render in English). `L.setLanguage` inside switches this scope, not the process.
    public static func withLanguage<T>(_ language: Language, bidi: BidiMode = .app, _ body: () throws -> T) rethrows -> T {
        try $scoped.withValue(Settings(language, bidi: bidi), operation: body)
    }

    // MARK: - Storage

    final class Settings: Sendable {
        let state: Mutex<(language: Language, bidi: BidiMode)>
        init(_ language: Language, bidi: BidiMode) { state = Mutex((language, bidi)) }
    }

    @TaskLocal static var scoped: Settings?
    private static let process = Settings(.en, bidi: .app)
    private static var settings: Settings { scoped ?? process }

    /// Every catalog, read once at first use. A catalog that cannot be read is empty here (keys
    /// show as themselves); `shop` checks them at start with `loadCatalogs()` and stops with the error.
    private static let catalogs: [Language: Result<MessageCatalog, CatalogError>] = {
        var all: [Language: Result<MessageCatalog, CatalogError>] = [:]
        for language in Language.allCases {
            all[language] = Result { try load(language) }.mapError { $0 as? CatalogError ?? CatalogError(message: "\($0)") }
        }
        return all
    }()

    static func catalog(_ language: Language) -> MessageCatalog { (try? catalogs[language]?.get()) ?? MessageCatalog(entries: [:]) }

    /// The words of `language`: `assets/locales/LANG.txt`, read by the engine's catalog parser.
    static func load(_ language: Language) throws -> MessageCatalog {
        try MessageCatalog.load("\(language.rawValue).txt", lowercaseKeys: true)
    }

    /// Reads every catalog, throwing the first problem (a missing file, a malformed line).
    public static func loadCatalogs() throws {
        for language in Language.allCases { _ = try catalogs[language]?.get() }
    }
}

/// Who puts right-to-left text in display order (`--bidi`).
public enum BidiMode: String, CaseIterable, Hashable, Sendable {
    /// Shop reorders and mirrors: for terminals that draw cells as they come (xterm, kitty,
    /// Alacritty, WezTerm, foot, iTerm2, tmux, the Linux console, Windows Terminal).
    case app
    /// Shop sends text in logical order: for terminals that apply bidi themselves (VTE-based
    /// GNOME Terminal, Tilix, Xfce Terminal; Konsole; mlterm), which would otherwise reverse twice.
    case terminal

    /// `auto` (or no flag): `terminal` when `VTE_VERSION` or `KONSOLE_VERSION` is set (GNOME
    /// Terminal and Konsole export them) or TERM names mlterm, else `app`. Nil for a bad value.
    ///
    ///     BidiMode.choose(flag: "auto", environment: ["VTE_VERSION": "7600"])   // .terminal
    public static func choose(flag: String?, environment: [String: String]) -> BidiMode? {
        let asked = flag ?? environment["SHOP_BIDI"].flatMap { $0.isEmpty ? nil : $0 } ?? "auto"
        if asked == "auto" {
            let vte = !(environment["VTE_VERSION"] ?? "").isEmpty || !(environment["KONSOLE_VERSION"] ?? "").isEmpty
            return vte || (environment["TERM"] ?? "").hasPrefix("mlterm") ? .terminal : .app
        }
        return BidiMode(rawValue: asked)
    }
}

extension L {
    /// Applies a signed-in account's stored language (nil keeps the current one). Called once,
    /// where the app learns who signed in (ShopApp, `.signedIn`).
    public static func applyAccountLanguage(_ language: Language?) {
        if let language { setLanguage(language) }
    }
}
