import ShopEngine

/// What the terminal needs of a language (the enum is the engine's: an account's language too).
/// Adding one: a case in `ShopEngine.Language`, a catalog `assets/locales/CODE.txt` with every
/// key, and its direction and plural rule here.
extension Language {
    /// Which way its screens read.
    public var direction: LayoutDirection { self == .fa ? .rightToLeft : .leftToRight }

    /// The catalog form used after a number: English has `one` and `other`; Persian has no
    /// plural agreement after numbers (`۳ کتاب`), so always `other`.
    func pluralForm(_ count: Int) -> String {
        switch self {
        case .en: count == 1 ? "one" : "other"
        case .fa: "other"
        }
    }

    /// The language of a POSIX locale name (`fa_IR.UTF-8` → fa, `en_US` → en, `C` → nil).
    static func fromLocale(_ locale: String) -> Language? { Language(tag: locale) }

    /// The language a session starts in: `--lang` (or `SHOP_LANG`) when given, else the first
    /// set one of `LC_ALL`, `LC_MESSAGES`, `LANG` that names a language we speak, else English.
    /// Throws for a `--lang`/`SHOP_LANG` we do not speak (a typo should not silently mean English).
    ///
    ///     try Language.choose(flag: nil, environment: ["LANG": "fa_IR.UTF-8"])   // .fa
    public static func choose(flag: String?, environment: [String: String]) throws(LanguageError) -> Language {
        if let asked = flag ?? environment["SHOP_LANG"].flatMap({ $0.isEmpty ? nil : $0 }) {
            guard let language = Language(tag: asked) else { throw LanguageError(value: asked) }
            return language
        }
        for name in ["LC_ALL", "LC_MESSAGES", "LANG"] {
            guard let value = environment[name], !value.isEmpty else { continue }
            // POSIX: the first set variable decides; one we do not speak means English.
            return fromLocale(value) ?? .en
        }
        return .en
    }
}

/// `--lang` or `SHOP_LANG` names a language Shop does not speak.
public struct LanguageError: Error, CustomStringConvertible {
    public let value: String
    public var description: String {
        "--lang must be one of \(Language.allCases.map(\.rawValue).joined(separator: ", ")), got \"\(value)\""
    }
}
