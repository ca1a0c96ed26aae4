import Foundation

/// The SQL fragments where SQLite and PostgreSQL truly differ. Everything else the engine writes
/// is the subset both accept (COALESCE, CASE, `ON CONFLICT`, `RETURNING`, `?` placeholders).
///
/// ```swift
/// db.query("SELECT id FROM products WHERE id = ?\(db.dialect.forUpdate)", id) { … }
/// ```
public enum Dialect: Sendable {
    case sqlite, postgres

    /// Locks the rows a read-then-write rule reads. SQLite's `BEGIN IMMEDIATE` already holds
    /// the one write lock; PostgreSQL's SERIALIZABLE would catch the conflict anyway, and the
    /// lock makes the second writer wait instead of failing and running again.
    public var forUpdate: String { self == .postgres ? " FOR UPDATE" : "" }

    /// The values of `expression` joined by `separator` (a literal, quoted by the caller).
    public func groupConcat(_ expression: String, separator: String) -> String {
        self == .postgres ? "string_agg(\(expression), \(separator))" : "group_concat(\(expression), \(separator))"
    }

    /// The position (1-based) of `needle` in `haystack`, 0 when absent.
    public func position(of needle: String, in haystack: String) -> String {
        self == .postgres ? "strpos(\(haystack), \(needle))" : "instr(\(haystack), \(needle))"
    }

    /// A Unix time in seconds as the local calendar day (`2026-11-21`) and hour (0–23), in this
    /// process's time zone (SQLite's 'localtime'; PostgreSQL is told the zone, not its session's).
    public func localDay(_ seconds: String) -> String {
        self == .postgres ? "to_char(\(Self.localTimestamp(seconds)), 'YYYY-MM-DD')" : "date(\(seconds), 'unixepoch', 'localtime')"
    }

    public func localHour(_ seconds: String) -> String {
        self == .postgres ? "CAST(extract(hour FROM \(Self.localTimestamp(seconds))) AS BIGINT)" : "CAST(strftime('%H', \(seconds), 'unixepoch', 'localtime') AS INTEGER)"
    }

    private static func localTimestamp(_ seconds: String) -> String {
        let zone = TimeZone.current.identifier.replacingOccurrences(of: "'", with: "''")
        return "(to_timestamp(\(seconds)) AT TIME ZONE '\(zone)')"
    }
}
