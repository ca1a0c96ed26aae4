import CSQLite

/// A failure reported by SQLite, with enough context to debug it: result code, message, SQL.
public struct SQLiteError: Error, CustomStringConvertible, Sendable {
    /// Extended result code (e.g. SQLITE_CONSTRAINT_UNIQUE).
    public let code: Int32
    public let message: String
    public let sql: String?

    public var primaryCode: Int32 { code & 0xff }
    public var isBusy: Bool { primaryCode == SQLITE_BUSY || primaryCode == SQLITE_LOCKED }
    public var isUniqueViolation: Bool { code == shop_sqlite_constraint_unique || code == shop_sqlite_constraint_primarykey }
    public var isConstraintViolation: Bool { primaryCode == SQLITE_CONSTRAINT }

    public var description: String {
        "SQLite error \(code): \(message)" + (sql.map { " — in: \($0)" } ?? "")
    }
}
