import CSQLite

/// A failure reported by the database, with enough context to debug it: the backend's code,
/// message and SQL. SQLite gives an extended result code; PostgreSQL a five-character SQLSTATE.
public struct DatabaseError: Error, CustomStringConvertible, Sendable {
    /// SQLite's extended result code (e.g. SQLITE_CONSTRAINT_UNIQUE); 0 from PostgreSQL.
    public let code: Int32
    /// PostgreSQL's SQLSTATE (e.g. "23505"); nil from SQLite.
    public let sqlState: String?
    public let message: String
    public let sql: String?

    public init(code: Int32, message: String, sql: String?) {
        self.code = code
        self.sqlState = nil
        self.message = message
        self.sql = sql
    }

    init(sqlState: String?, message: String, sql: String?) {
        self.code = 0
        self.sqlState = sqlState
        self.message = message
        self.sql = sql
    }

    public var primaryCode: Int32 { code & 0xff }

    /// Another writer held the database (SQLite) or this transaction lost a serialization
    /// conflict or a deadlock (PostgreSQL): trying again later may succeed.
    public var isBusy: Bool {
        if let sqlState { return sqlState == "40001" || sqlState == "40P01" || sqlState == "55P03" }
        return primaryCode == SQLITE_BUSY || primaryCode == SQLITE_LOCKED
    }

    /// PostgreSQL's serialization failure or deadlock: the whole transaction may be run again.
    var isSerializationFailure: Bool { sqlState == "40001" || sqlState == "40P01" }

    public var isUniqueViolation: Bool {
        if let sqlState { return sqlState == "23505" }
        return code == shop_sqlite_constraint_unique || code == shop_sqlite_constraint_primarykey
    }

    public var isConstraintViolation: Bool {
        if let sqlState { return sqlState.hasPrefix("23") }
        return primaryCode == SQLITE_CONSTRAINT
    }

    public var description: String {
        let backend = sqlState.map { "PostgreSQL error \($0)" } ?? "SQLite error \(code)"
        return "\(backend): \(message)" + (sql.map { " — in: \($0)" } ?? "")
    }
}

/// The name the engine used when SQLite was the only backend.
public typealias SQLiteError = DatabaseError
