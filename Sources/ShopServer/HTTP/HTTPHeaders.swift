// MARK: - HTTPHeaders

/// One header field as received or to be sent.
public struct HTTPField: Sendable, Equatable {
    public var name: String
    public var value: String
    /// Lowercased name, computed once so lookups do not allocate.
    let lowercasedName: String

    public init(name: String, value: String) {
        self.name = name
        self.value = value
        self.lowercasedName = name.lowercased()
    }
}

/// Ordered header fields with case-insensitive lookup.
///
/// ```swift
/// var headers: HTTPHeaders = ["Content-Type": "application/json"]
/// headers["content-type"]            // "application/json"
/// headers.add(name: "Set-Cookie", value: "a=1")
/// headers.values(for: "set-cookie")  // ["a=1"]
/// ```
public struct HTTPHeaders: Sendable, Equatable, Sequence, ExpressibleByDictionaryLiteral {
    public private(set) var fields: [HTTPField] = []

    public init() {}

    public init(dictionaryLiteral elements: (String, String)...) {
        fields.reserveCapacity(elements.count)
        for (name, value) in elements { fields.append(HTTPField(name: name, value: value)) }
    }

    public var count: Int { fields.count }
    public var isEmpty: Bool { fields.isEmpty }

    public func makeIterator() -> IndexingIterator<[HTTPField]> { fields.makeIterator() }

    /// Appends a field, keeping any existing field of the same name.
    public mutating func add(name: String, value: String) {
        fields.append(HTTPField(name: name, value: value))
    }

    /// Removes every field with this name (case-insensitive).
    public mutating func remove(name: String) {
        let lower = name.lowercased()
        fields.removeAll { $0.lowercasedName == lower }
    }

    /// All values of a field, in order (case-insensitive name).
    public func values(for name: String) -> [String] {
        let lower = name.lowercased()
        return fields.compactMap { $0.lowercasedName == lower ? $0.value : nil }
    }

    /// True if a field with this name is present (case-insensitive).
    public func contains(_ name: String) -> Bool {
        let lower = name.lowercased()
        return fields.contains { $0.lowercasedName == lower }
    }

    /// The first value for a name (case-insensitive); setting replaces all fields of that name,
    /// setting `nil` removes them.
    public subscript(name: String) -> String? {
        get {
            let lower = name.lowercased()
            return fields.first { $0.lowercasedName == lower }?.value
        }
        set {
            remove(name: name)
            if let newValue { add(name: name, value: newValue) }
        }
    }

    /// True if a comma-separated header (e.g. `Connection`) contains `token` (case-insensitive).
    public func hasToken(_ token: String, in name: String) -> Bool {
        let wanted = token.lowercased()
        for value in values(for: name) {
            for part in value.split(separator: ",") {
                if part.trimmingSpaces().lowercased() == wanted { return true }
            }
        }
        return false
    }
}

extension Substring {
    /// Trims spaces and horizontal tabs (HTTP optional whitespace) without Foundation.
    func trimmingSpaces() -> Substring {
        var s = self
        while let f = s.first, f == " " || f == "\t" { s.removeFirst() }
        while let l = s.last, l == " " || l == "\t" { s.removeLast() }
        return s
    }
}
