/// An engine error's message in a language, from the error catalogs `assets/locales/api-LANG.txt`
/// (keys are `ShopError` codes). Faces show this instead of `ShopError.message`, which is English.
///
/// ```swift
/// let messages = ErrorMessages.load()
/// messages.message(for: error, in: .fa)   // "این کالا موجود نیست"
/// ```
///
/// A text is looked up, most specific first: `CODE.REASON` (when the error's parameters name a
/// `reason`), `CODE`, then (each with its `.REASON` first) for a field error `invalid_field` / `missing_field` naming the field
/// (`field.NAME` gives its label), then `kind.KIND`. A key whose placeholders cannot all be
/// filled is skipped, so the answer is always whole. English keeps the engine's own message,
/// which names the exact product or limit; the English catalog is the reference translators use.
public struct ErrorMessages: Sendable {
    public let catalogs: [Language: MessageCatalog]

    public init(catalogs: [Language: MessageCatalog]) { self.catalogs = catalogs }

    /// Both catalogs from `assets/locales/`; a language whose file is missing is answered in English.
    public static func load() -> ErrorMessages {
        var catalogs: [Language: MessageCatalog] = [:]
        for language in Language.allCases {
            catalogs[language] = try? MessageCatalog.load("api-\(language.rawValue).txt")
        }
        return ErrorMessages(catalogs: catalogs)
    }

    /// The language an answer about `error` is really in: `language` when its catalog is loaded.
    public func language(for requested: Language) -> Language {
        requested == .en || catalogs[requested] != nil ? requested : .en
    }

    public func message(for error: ShopError, in language: Language) -> String {
        guard language != .en, let catalog = catalogs[language] else { return error.message }
        var values = error.parameters
        if let field = error.field { values["field"] = catalog["field.\(field)"] ?? field }
        if let wait = error.retryAfter {
            values["seconds"] = "\(wait)"
            values["minutes"] = "\(max(1, (wait + 59) / 60))"
            values["hours"] = "\(max(1, (wait + 3599) / 3600))"
        }
        if language == .fa {
            // Numbers in Persian digits; names and codes as they are.
            for (name, value) in values where !value.isEmpty && value.allSatisfy({ $0.isASCII && $0.isNumber }) {
                values[name] = Text.persianDigits(value)
            }
        }
        for key in Self.keys(for: error) {
            if let text = catalog.text(key, values) { return text }
        }
        return error.message
    }

    /// The catalog keys that may say `error`, most specific first.
    static func keys(for error: ShopError) -> [String] {
        var keys: [String] = []
        func add(_ key: String) {
            if let reason = error.parameters["reason"] { keys.append("\(key).\(reason)") }
            keys.append(key)
        }
        add(error.code)
        if error.field != nil {
            if error.code.hasPrefix("missing_") { add("missing_field") }
            add("invalid_field")
        }
        keys.append("kind.\(error.kind)")
        return keys
    }
}
