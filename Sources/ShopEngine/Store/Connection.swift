import Foundation

/// One connection to the shop's database, SQLite or PostgreSQL: the engine's SQL runs through
/// it unchanged (`?` placeholders, read rows by name). Not thread-safe: the `Store` hands it to
/// one thread at a time.
///
/// ```swift
/// try db.writeTransaction { db in
///     let id = try db.scalarInt("INSERT INTO outbox(channel, recipient, body, created_at) VALUES (?, ?, ?, ?) RETURNING id", …)
/// }
/// ```
public final class Connection {
    enum Driver {
        case sqlite(SQLiteDriver)
        case postgres(PostgresDriver)
    }
    let driver: Driver
    public let dialect: Dialect
    /// Where it points: the SQLite path, or the PostgreSQL URL.
    public let path: String
    /// PostgreSQL: a write transaction that changed something bumps `store_changes` (`StoreChanges`).
    var countsChanges = false

    /// How long a SQLite writer waits for another process's lock before giving up (the busy
    /// handler in `BusyWaits` sleeps on SQLite's own schedule up to this total and counts each wait).
    public static let busyTimeoutMilliseconds: Int32 = 10_000

    /// A SQLite file. `cacheKiB`: this connection's page cache (nil: SQLite's default, 2 MiB).
    public init(path: String, cacheKiB: Int? = nil) throws {
        driver = .sqlite(try SQLiteDriver(path: path, cacheKiB: cacheKiB))
        dialect = .sqlite
        self.path = path
    }

    /// Opens an existing SQLite file read-only to inspect it (a backup, a file about to be
    /// restored): nothing is created and its journal mode is left as it is.
    public init(inspecting path: String) throws {
        driver = .sqlite(try SQLiteDriver(inspecting: path))
        dialect = .sqlite
        self.path = path
    }

    /// A PostgreSQL database (`postgres://user@host:port/dbname`; the password from PGPASSFILE,
    /// ~/.pgpass or PGPASSWORD).
    public init(postgres url: String) throws {
        driver = .postgres(try PostgresDriver(url: url))
        dialect = .postgres
        self.path = url
    }

    public convenience init(_ location: DatabaseLocation, cacheKiB: Int? = nil) throws {
        switch location {
        case .sqlite(let path): try self.init(path: path, cacheKiB: cacheKiB)
        case .postgres(let url): try self.init(postgres: url)
        }
    }

    // MARK: - Running SQL

    /// Runs one or more statements without parameters (schema, pragmas).
    public func execute(_ sql: String) throws {
        switch driver {
        case .sqlite(let d): try d.execute(sql)
        case .postgres(let d): try d.execute(sql)
        }
    }

    /// Runs one statement with parameters; returns the number of rows changed.
    @discardableResult
    public func run(_ sql: String, _ arguments: SQLBindable?...) throws -> Int {
        try run(sql, arguments: arguments)
    }

    @discardableResult
    public func run(_ sql: String, arguments: [SQLBindable?]) throws -> Int {
        switch driver {
        case .sqlite(let d): try d.run(sql, arguments: arguments)
        case .postgres(let d): try d.run(sql, arguments: arguments)
        }
    }

    /// Calls `body` for each result row.
    public func forEach(_ sql: String, _ arguments: SQLBindable?..., body: (Row) throws -> Void) throws {
        try forEach(sql, arguments: arguments, body: body)
    }

    public func forEach(_ sql: String, arguments: [SQLBindable?], body: (Row) throws -> Void) throws {
        switch driver {
        case .sqlite(let d): try d.forEach(sql, arguments: arguments, body: body)
        case .postgres(let d): try d.forEach(sql, arguments: arguments, body: body)
        }
    }

    /// Maps every result row.
    public func query<T>(_ sql: String, _ arguments: SQLBindable?..., map: (Row) throws -> T) throws -> [T] {
        try query(sql, arguments: arguments, map: map)
    }

    public func query<T>(_ sql: String, arguments: [SQLBindable?], map: (Row) throws -> T) throws -> [T] {
        var result: [T] = []
        try forEach(sql, arguments: arguments) { result.append(try map($0)) }
        return result
    }

    /// Maps the first result row, if any.
    public func first<T>(_ sql: String, _ arguments: SQLBindable?..., map: (Row) throws -> T) throws -> T? {
        try first(sql, arguments: arguments, map: map)
    }

    public func first<T>(_ sql: String, arguments: [SQLBindable?], map: (Row) throws -> T) throws -> T? {
        switch driver {
        case .sqlite(let d): try d.first(sql, arguments: arguments, map: map)
        case .postgres(let d): try d.first(sql, arguments: arguments, map: map)
        }
    }

    public func scalarInt(_ sql: String, _ arguments: SQLBindable?...) throws -> Int64? {
        try first(sql, arguments: arguments) { $0.isNull(0) ? nil : $0.int64(0) } ?? nil
    }

    public func scalarString(_ sql: String, _ arguments: SQLBindable?...) throws -> String? {
        try first(sql, arguments: arguments) { $0.optionalString(0) } ?? nil
    }

    /// Runs an `INSERT … RETURNING id` and gives the new row's id.
    public func insert(_ sql: String, _ arguments: SQLBindable?...) throws -> Int64 {
        try insert(sql, arguments: arguments)
    }

    public func insert(_ sql: String, arguments: [SQLBindable?]) throws -> Int64 {
        guard let id = try first(sql, arguments: arguments, map: { $0.int64(0) }) else {
            throw DatabaseError(code: 1, message: "an INSERT … RETURNING id returned no row", sql: sql)
        }
        return id
    }

    /// SQLite: the start of the file's WAL index as this connection has it mapped
    /// (`WALIndexHeader`), valid while the connection is open; nil before its first read, and on
    /// PostgreSQL.
    var walIndex: UnsafeRawPointer? {
        if case .sqlite(let d) = driver { d.walIndex() } else { nil }
    }

    public var isInTransaction: Bool {
        switch driver {
        case .sqlite(let d): d.isInTransaction
        case .postgres(let d): d.isInTransaction
        }
    }

    /// A connection that must not go back to the pool (PostgreSQL's connection was lost).
    var isBroken: Bool {
        if case .postgres(let d) = driver { return d.isBroken }
        return false
    }

    /// PostgreSQL's connection broke before a COMMIT went out on it: nothing it did since its
    /// last commit can have been committed, so the transaction may run again on a new connection.
    var lostBeforeCommit: Bool {
        if case .postgres(let d) = driver { return d.isBroken && !d.commitOutcomeUnknown }
        return false
    }

    // MARK: - Transactions

    /// A write transaction; rolls back when `body` throws.
    ///
    /// SQLite: `BEGIN IMMEDIATE` takes the one write lock up front (waiting through the busy
    /// timeout), so a read-then-write never fails with BUSY_SNAPSHOT and every rule that reads
    /// then writes sees no other writer.
    ///
    /// PostgreSQL: SERIALIZABLE, and the whole body runs again (a bounded number of times) on a
    /// serialization failure or deadlock. Chosen over row locks because the engine's rules that
    /// read then write (code attempts, rate limits, idempotency keys, coupon uses, unpaid-order
    /// caps, returned quantities, order numbers) were written for SQLite's one writer: SERIALIZABLE
    /// keeps every one of them exact without a `FOR UPDATE` per rule, and the guarded
    /// `UPDATE … WHERE stock >= ?` stays the oversell defence either way. Bodies only touch the
    /// database, so running one again is safe.
    @discardableResult
    public func writeTransaction<T>(_ body: (Connection) throws -> T) throws -> T {
        switch driver {
        case .sqlite(let d):
            try d.execute("BEGIN IMMEDIATE")
            do {
                let value = try body(self)
                try d.execute("COMMIT")
                return value
            } catch {
                if d.isInTransaction { try? d.execute("ROLLBACK") }
                throw error
            }
        case .postgres(let d):
            return try PostgresRetry.run {
                try postgresTransaction(d, begin: "BEGIN ISOLATION LEVEL SERIALIZABLE", countsChanges: countsChanges, body)
            }
        }
    }

    /// A read transaction: a consistent snapshot across several statements (PostgreSQL:
    /// REPEATABLE READ READ ONLY, which never fails to serialize).
    public func readTransaction<T>(_ body: (Connection) throws -> T) throws -> T {
        switch driver {
        case .sqlite(let d):
            try d.execute("BEGIN DEFERRED")
            defer { if d.isInTransaction { try? d.execute("COMMIT") } }
            return try body(self)
        case .postgres(let d):
            return try postgresTransaction(d, begin: "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", countsChanges: false, body)
        }
    }

    /// A READ COMMITTED write transaction, for the migrator: after waiting for another
    /// process's migration lock it must see what that process committed. Schema changes are not
    /// counted as changes (`store_changes` may not exist yet).
    func lockingTransaction<T>(_ body: (Connection) throws -> T) throws -> T {
        switch driver {
        case .sqlite: try writeTransaction(body)
        case .postgres(let d): try postgresTransaction(d, begin: "BEGIN", countsChanges: false, body)
        }
    }

    private func postgresTransaction<T>(_ d: PostgresDriver, begin: String, countsChanges: Bool, _ body: (Connection) throws -> T) throws -> T {
        try d.execute(begin)
        do {
            let value = try body(self)
            if countsChanges && d.changesInTransaction > 0 { try d.run(StoreChanges.bump, arguments: []) }
            try d.execute("COMMIT")
            return value
        } catch {
            if d.isInTransaction { try? d.execute("ROLLBACK") }
            throw error
        }
    }
}

/// Runs a PostgreSQL transaction again after a serialization failure or deadlock, with a short
/// random pause that grows with each try, and counts the waits in `BusyWaits` like SQLite's.
enum PostgresRetry {
    static let attempts = 60

    static func run<T>(_ transaction: () throws -> T) throws -> T {
        var attempt = 0
        while true {
            do {
                return try transaction()
            } catch let error as DatabaseError where error.isSerializationFailure && attempt < attempts {
                attempt += 1
                let pause = UInt32.random(in: 500...(1_000 * UInt32(min(attempt, 20)) + 500))
                usleep(pause)
                BusyWaits.record(nanoseconds: UInt64(pause) * 1_000)
            }
        }
    }
}
