import Foundation
import ShopEngine

/// The messages of one language, read from `assets/locales/CODE.txt` (format: README.md here).
///
///     let catalog = try Catalog.parse("cart.title = Cart\n", name: "en.txt")
///     catalog.messages["cart.title"]   // "Cart"
public struct Catalog: Sendable {
    public let messages: [String: String]

    /// Reads `text`; a line that is neither blank, a `#` comment nor `key = value`, a bad key or
    /// a key given twice throws with the file name and line number.
    public static func parse(_ text: String, name: String) throws -> Catalog {
        var messages: [String: String] = [:]
        for (number, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            func fail(_ why: String) -> CatalogError { CatalogError(message: "\(name):\(number + 1): \(why)") }
            guard let eq = line.firstIndex(of: "=") else { throw fail("expected key = value") }
            let key = line[..<eq].trimmingCharacters(in: .whitespaces)
            guard isKey(key) else { throw fail("\"\(key)\" is not a key (lowercase letters, digits, _ and dots)") }
            guard messages[key] == nil else { throw fail("\(key) is given twice") }
            messages[key] = unescape(line[line.index(after: eq)...].trimmingCharacters(in: .whitespaces))
        }
        return Catalog(messages: messages)
    }

    /// Loads the catalog of `language` from the assets folder.
    public static func load(_ language: Language) throws -> Catalog {
        let name = "locales/\(language.rawValue).txt"
        let data = try Assets.data(name)
        guard let text = String(data: data, encoding: .utf8) else { throw CatalogError(message: "assets/\(name) is not UTF-8") }
        return try parse(text, name: name)
    }

    /// `messages[key]` with each `{name}` replaced by `arguments[name]` (an unknown name stays
    /// as written, so a mistake shows on screen instead of vanishing).
    func format(_ key: String, _ arguments: [String: String]) -> String? {
        guard let template = messages[key] else { return nil }
        guard !arguments.isEmpty, template.contains("{") else { return template }
        var out = ""
        var rest = Substring(template)
        while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
            out += rest[..<open]
            let name = String(rest[rest.index(after: open)..<close])
            out += arguments[name] ?? "{\(name)}"
            rest = rest[rest.index(after: close)...]
        }
        return out + rest
    }

    /// The `{name}` placeholders of a message, in order.
    public static func placeholders(_ message: String) -> [String] {
        var names: [String] = []
        var rest = Substring(message)
        while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
            names.append(String(rest[rest.index(after: open)..<close]))
            rest = rest[rest.index(after: close)...]
        }
        return names
    }

    static func isKey(_ key: String) -> Bool {
        !key.isEmpty && !key.hasPrefix(".") && !key.hasSuffix(".")
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

/// A catalog file that cannot be read as one.
public struct CatalogError: Error, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}
