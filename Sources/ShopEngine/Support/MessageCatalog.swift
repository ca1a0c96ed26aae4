import Foundation

/// Texts of one language by key, read from a catalog file under `assets/locales/`.
///
/// The format (shared with the TUI's catalogs): one `key = value` per line; `#` starts a
/// comment line; blank lines are ignored; `{name}` is a placeholder filled when the text is
/// used; `\n` in a value is a line break. Keys are unique; spaces around `=` are trimmed.
///
/// ```
/// # api-fa.txt
/// out_of_stock = موجودی {name} کافی نیست
/// ```
public struct MessageCatalog: Sendable {
    public let entries: [String: String]

    /// Reads catalog text; a malformed line or a repeated key throws, naming `source` and the line.
    public init(parsing text: String, source: String = "catalog") throws {
        var entries: [String: String] = [:]
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            guard let equals = line.firstIndex(of: "=") else {
                throw ShopError(.internal, "invalid_catalog", "\(source) line \(index + 1): expected key = value")
            }
            let key = line[..<equals].trimmingCharacters(in: .whitespaces)
            let value = line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "\\n", with: "\n")
            guard !key.isEmpty, !key.contains(" ") else {
                throw ShopError(.internal, "invalid_catalog", "\(source) line \(index + 1): a key is one word before =")
            }
            guard entries[key] == nil else {
                throw ShopError(.internal, "invalid_catalog", "\(source) line \(index + 1): \(key) is defined twice")
            }
            entries[key] = value
        }
        self.entries = entries
    }

    /// `assets/locales/NAME` (see `Assets`).
    public static func load(_ name: String) throws -> MessageCatalog {
        try MessageCatalog(parsing: String(decoding: try Assets.data("locales/" + name), as: UTF8.self), source: name)
    }

    public subscript(key: String) -> String? { entries[key] }

    /// The text of `key` with its placeholders filled; nil when the key is missing or a
    /// placeholder has no value (a caller then falls back to a plainer text).
    public func text(_ key: String, _ values: [String: String] = [:]) -> String? {
        guard let template = entries[key] else { return nil }
        return Self.fill(template, values)
    }

    static func fill(_ template: String, _ values: [String: String]) -> String? {
        var out = ""
        var rest = Substring(template)
        while let open = rest.firstIndex(of: "{") {
            guard let close = rest[open...].firstIndex(of: "}") else { break }
            guard let value = values[String(rest[rest.index(after: open)..<close])] else { return nil }
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
}
