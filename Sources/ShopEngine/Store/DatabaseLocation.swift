/// Where the shop's data lives: a SQLite file (the default, one machine) or a PostgreSQL
/// database that several hosts share (`postgres://user@host:port/dbname`).
///
/// ```swift
/// try DatabaseLocation("shop.sqlite")                        // .sqlite(path: "shop.sqlite")
/// try DatabaseLocation("postgres://shop@db:5432/shop")        // .postgres(url: …)
/// try DatabaseLocation("postgres://shop:secret@db/shop")      // throws: passwords go in ~/.pgpass
/// ```
public enum DatabaseLocation: Sendable, Equatable, CustomStringConvertible {
    case sqlite(path: String)
    case postgres(url: String)

    public struct Invalid: Error, CustomStringConvertible, Sendable {
        public let description: String
    }

    public init(_ text: String) throws {
        guard Self.isPostgres(text) else {
            guard !text.isEmpty else { throw Invalid(description: "--db needs a file path or a postgres:// URL") }
            self = .sqlite(path: text)
            return
        }
        let rest = text[text.range(of: "://")!.upperBound...]
        let authority = rest.prefix { $0 != "/" && $0 != "?" }
        let hasPassword = authority.firstIndex(of: "@").map { authority[..<$0].contains(":") } ?? false
        let query = rest.firstIndex(of: "?").map { rest[$0...].lowercased() } ?? ""
        if hasPassword || query.contains("password=") {
            throw Invalid(description: "the database URL must not hold a password (command lines and environments are visible to others): put it in the file PGPASSFILE names (default ~/.pgpass, mode 0600; a line host:port:dbname:user:password) or in PGPASSWORD")
        }
        guard rest.contains("/"), !(rest.split(separator: "/", maxSplits: 1).last ?? "").isEmpty, authority.count < rest.count else {
            throw Invalid(description: "a PostgreSQL URL names its database: postgres://user@host:port/dbname, got \"\(text)\"")
        }
        self = .postgres(url: text)
    }

    public static func isPostgres(_ text: String) -> Bool {
        text.hasPrefix("postgres://") || text.hasPrefix("postgresql://")
    }

    public var isPostgres: Bool { if case .postgres = self { true } else { false } }

    /// The text given: a path, or a URL (never holding a password: `init` refuses those).
    public var description: String {
        switch self {
        case .sqlite(let path): path
        case .postgres(let url): url
        }
    }

    /// A URL for messages, without any password it may hold.
    static func redacted(_ url: String) -> String {
        guard let scheme = url.range(of: "://"), let at = url[scheme.upperBound...].firstIndex(of: "@") else { return url }
        let user = url[scheme.upperBound..<at].prefix { $0 != ":" }
        return String(url[..<scheme.upperBound]) + user + url[at...]
    }
}
