import Foundation

/// Texts of one language by key, read from a catalog file under `assets/locales/`: the engine's
/// error texts (`api-LANG.txt`) and the terminal's words (`LANG.txt`) share this one parser.
///
/// The format: one `key = value` per line; `#` starts a comment line; blank lines are ignored;
/// spaces around `=` and at both ends of the value are dropped; in a value `\n` is a line break,
/// `\s` a space kept at either end and `\\` a backslash; `{name}` is a placeholder filled when
/// the text is used. A key is given once. A malformed line throws `CatalogError` as `file:line: why`.
///
/// ```
/// # api-fa.txt
/// out_of_stock = موجودی {name} کافی نیست
/// ```
public struct MessageCatalog: Sendable {
    public let entries: [String: String]

    public init(entries: [String: String]) { self.entries = entries }

    /// Reads catalog text; a malformed line or a repeated key throws, naming `source` and the
    /// line. `lowercaseKeys`: keys only of `a-z`, digits, `_` and dots (the terminal's catalogs).
    public init(parsing text: String, source: String = "catalog", lowercaseKeys: Bool = false) throws {
        var entries: [String: String] = [:]
        // Substrings and a plain trim: Foundation's trimmingCharacters goes through NSString and
        // made reading the catalogs half of the terminal's start-up.
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = Self.trimmed(rawLine)
            if line.isEmpty || line.first == "#" { continue }
            func fail(_ why: String) -> CatalogError { CatalogError(message: "\(source):\(index + 1): \(why)") }
            guard let equals = line.firstIndex(of: "=") else { throw fail("expected key = value") }
            let key = String(Self.trimmed(line[..<equals]))
            guard !key.isEmpty, !key.contains(" ") else { throw fail("a key is one word before =") }
            guard !lowercaseKeys || Self.isLowercaseKey(key) else { throw fail("\"\(key)\" is not a key (lowercase letters, digits, _ and dots)") }
            guard entries[key] == nil else { throw fail("\(key) is given twice") }
            entries[key] = Self.unescape(String(Self.trimmed(line[line.index(after: equals)...])))
        }
        self.entries = entries
    }

    /// `assets/locales/NAME` (see `Assets`).
    public static func load(_ name: String, lowercaseKeys: Bool = false) throws -> MessageCatalog {
        let data = try Assets.data("locales/" + name)
        guard let text = String(data: data, encoding: .utf8) else { throw CatalogError(message: "assets/locales/\(name) is not UTF-8") }
        return try MessageCatalog(parsing: text, source: "locales/" + name, lowercaseKeys: lowercaseKeys)
    }

    public subscript(key: String) -> String? { entries[key] }

    /// The text of `key` with its placeholders filled; nil when the key is missing or a
    /// placeholder has no value (a caller then falls back to a plainer text).
    public func text(_ key: String, _ values: [String: String] = [:]) -> String? {
        guard let template = entries[key] else { return nil }
        return Self.fill(template, values)
    }

    /// The text of `key` with its placeholders filled; one without a value stays as written
    /// (`{name}`), so a mistake shows on screen instead of vanishing. Nil for a missing key.
    public func format(_ key: String, _ values: [String: String]) -> String? {
        guard let template = entries[key] else { return nil }
        return Self.fill(template, values, keepUnknown: true)
    }

    static func fill(_ template: String, _ values: [String: String], keepUnknown: Bool = false) -> String? {
        guard template.contains("{") else { return template }
        var out = ""
        var rest = Substring(template)
        while let open = rest.firstIndex(of: "{") {
            guard let close = rest[open...].firstIndex(of: "}") else { break }
            let name = String(rest[rest.index(after: open)..<close])
            guard let value = values[name] ?? (keepUnknown ? "{\(name)}" : nil) else { return nil }
            out += rest[..<open] + value
            rest = rest[rest.index(after: close)...]
        }
        return out + rest
    }

    /// The placeholder names in a text: `{name}` → "name".
    public static func placeholders(in template: String) -> Set<String> {
        var names: Set<String> = []
        var rest = Substring(template)
        while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
            names.insert(String(rest[rest.index(after: open)..<close]))
            rest = rest[rest.index(after: close)...]
        }
        return names
    }

    /// `text` without spaces, tabs and carriage returns at either end.
    static func trimmed(_ text: Substring) -> Substring {
        let blank: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\r" }
        guard let first = text.firstIndex(where: { !blank($0) }), let last = text.lastIndex(where: { !blank($0) }) else { return "" }
        return text[first...last]
    }

    static func isLowercaseKey(_ key: String) -> Bool {
        !key.hasPrefix(".") && !key.hasSuffix(".")
            && key.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_" || $0 == "." }
    }

    /// `\n` is a line break, `\s` a space kept at either end of a value, `\\` a backslash.
    static func unescape(_ value: String) -> String {
        guard value.contains("\\") else { return value }
        var out = ""
        var escaping = false
        for ch in value {
            if escaping {
                switch ch {
                case "n": out.append("\n")
                case "s": out.append(" ")
                default: out.append(ch)
                }
                escaping = false
            } else if ch == "\\" {
                escaping = true
            } else {
                out.append(ch)
            }
        }
        return out
    }
}

/// A catalog file that cannot be read as one: `file:line: why`.
public struct CatalogError: Error, CustomStringConvertible {
    public let message: String
    public init(message: String) { self.message = message }
    public var description: String { message }
}
