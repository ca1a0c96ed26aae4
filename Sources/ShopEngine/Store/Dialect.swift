import Foundation

/// The SQL fragments where SQLite and PostgreSQL truly differ. Everything else the engine writes
/// is the subset both accept (COALESCE, CASE, `ON CONFLICT`, `RETURNING`, `IS [NOT] DISTINCT
/// FROM`, `?` placeholders); where a statement exists on one side only (PRAGMA, FTS5), the
/// engine asks `db.dialect` and takes its own branch.
///
/// ```swift
/// db.query("SELECT \(db.dialect.localDay("created_at")) AS day, sum(amount) FROM payments GROUP BY day") { … }
/// ```
public enum Dialect: Sendable {
    case sqlite, postgres

    /// A Unix time in seconds as the local calendar day (`2026-11-21`) and hour (0–23), in this
    /// process's time zone (SQLite's 'localtime'; PostgreSQL is told the zone, not its session's).
    public func localDay(_ seconds: String) -> String {
        self == .postgres ? "to_char(\(Self.localTimestamp(seconds)), 'YYYY-MM-DD')" : "date(\(seconds), 'unixepoch', 'localtime')"
    }

    public func localHour(_ seconds: String) -> String {
        self == .postgres ? "CAST(extract(hour FROM \(Self.localTimestamp(seconds))) AS BIGINT)" : "CAST(strftime('%H', \(seconds), 'unixepoch', 'localtime') AS INTEGER)"
    }

    /// Whether the text `needle` occurs in the text `text` (SQL expressions both): SQLite's
    /// `instr`, PostgreSQL's `strpos`.
    public func textContains(_ text: String, _ needle: String) -> String {
        self == .postgres ? "strpos(\(text), \(needle)) > 0" : "instr(\(text), \(needle)) > 0"
    }

    private static func localTimestamp(_ seconds: String) -> String {
        let zone = TimeZone.current.identifier.replacingOccurrences(of: "'", with: "''")
        return "(to_timestamp(\(seconds)) AT TIME ZONE '\(zone)')"
    }
}
