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
        // UTF-8 bytes, not Characters: every delimiter is ASCII, so a cut never splits a character,
        // and reading both catalogs this way is a small part of the terminal's start-up instead
        // of most of it (Benchmarks/tui; Characters and Foundation's `contains` were 60%).
        var text = text
        self.entries = try text.withUTF8 { try Self.parse($0, source: source, lowercaseKeys: lowercaseKeys) }
    }

    private static func parse(_ bytes: UnsafeBufferPointer<UInt8>, source: String, lowercaseKeys: Bool) throws -> [String: String] {
        var entries: [String: String] = [:]
        var lineNumber = 0
        var start = 0
        while start <= bytes.count {
            let end = bytes[start...].firstIndex(of: Byte.newline) ?? bytes.count
            defer { start = end + 1 }
            lineNumber += 1
            let line = trimmed(bytes, start..<end)
            if line.isEmpty || bytes[line.lowerBound] == Byte.hash { continue }
            func fail(_ why: String) -> CatalogError { CatalogError(message: "\(source):\(lineNumber): \(why)") }
            guard let equals = bytes[line].firstIndex(of: Byte.equals) else { throw fail("expected key = value") }
            let keyBytes = trimmed(bytes, line.lowerBound..<equals)
            guard !keyBytes.isEmpty, !bytes[keyBytes].contains(Byte.space) else { throw fail("a key is one word before =") }
            let key = string(bytes, keyBytes)
            guard !lowercaseKeys || isLowercaseKey(bytes[keyBytes]) else { throw fail("\"\(key)\" is not a key (lowercase letters, digits, _ and dots)") }
            guard entries[key] == nil else { throw fail("\(key) is given twice") }
            entries[key] = unescape(bytes, trimmed(bytes, (equals + 1)..<line.upperBound))
        }
        return entries
    }

    private enum Byte {
        static let newline = UInt8(ascii: "\n"), hash = UInt8(ascii: "#"), equals = UInt8(ascii: "="), space = UInt8(ascii: " ")
        static let tab = UInt8(ascii: "\t"), carriageReturn = UInt8(ascii: "\r"), backslash = UInt8(ascii: "\\"), dot = UInt8(ascii: ".")
    }

    /// `range` without spaces, tabs and carriage returns at either end.
    private static func trimmed(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Range<Int> {
        let blank: (UInt8) -> Bool = { $0 == Byte.space || $0 == Byte.tab || $0 == Byte.carriageReturn }
        guard let first = bytes[range].firstIndex(where: { !blank($0) }), let last = bytes[range].lastIndex(where: { !blank($0) }) else {
            return range.lowerBound..<range.lowerBound
        }
        return first..<(last + 1)
    }

    private static func string(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self)
    }

    /// `\n` is a line break, `\s` a space kept at either end of a value, `\\` a backslash.
    private static func unescape(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> String {
        guard bytes[range].contains(Byte.backslash) else { return string(bytes, range) }
        var out: [UInt8] = []
        out.reserveCapacity(range.count)
        var escaping = false
        for byte in bytes[range] {
            if escaping {
                switch byte {
                case UInt8(ascii: "n"): out.append(Byte.newline)
                case UInt8(ascii: "s"): out.append(Byte.space)
                default: out.append(byte)
                }
                escaping = false
            } else if byte == Byte.backslash {
                escaping = true
            } else {
                out.append(byte)
            }
        }
        return String(decoding: out, as: UTF8.self)
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
        guard template.utf8.contains(UInt8(ascii: "{")) else { return template }   // not Foundation's contains: every frame asks
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

    private static func isLowercaseKey(_ key: Slice<UnsafeBufferPointer<UInt8>>) -> Bool {
        key.first != Byte.dot && key.last != Byte.dot
            && key.allSatisfy { (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) || $0 == UInt8(ascii: "_") || $0 == Byte.dot }
    }
}

/// A catalog file that cannot be read as one: `file:line: why`.
public struct CatalogError: Error, CustomStringConvertible {
    public let message: String
    public init(message: String) { self.message = message }
    public var description: String { message }
}
