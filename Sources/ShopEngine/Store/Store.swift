import Foundation
import Synchronization

/// The database every process shares: a small pool of connections to one SQLite file.
///
/// ```swift
/// let store = try Store(path: "shop.sqlite")
/// let count = try store.read { try $0.scalarInt("SELECT count(*) FROM users") }
/// try store.write { try $0.run("UPDATE users SET active = 0 WHERE id = ?", id) }
/// ```
public final class Store: Sendable {
    public let path: String
    private let idle: Mutex<[Connection]> = Mutex([])
    private let maxIdle: Int
    private let cacheKiB: Int?

    /// Opens (creating if needed) the file and runs pending migrations. `cacheKiB` is each
    /// connection's page cache (nil: SQLite's default).
    public init(path: String, migrations: [Migration] = Schema.migrations, maxIdleConnections: Int = 16, cacheKiB: Int? = nil) throws {
        self.path = path
        self.maxIdle = maxIdleConnections
        self.cacheKiB = cacheKiB
        let connection = try Connection(path: path, cacheKiB: cacheKiB)
        try Migrator(migrations: migrations).migrate(connection)
        checkIn(connection)
    }

    private func checkOut() throws -> Connection {
        if let connection = idle.withLock({ $0.popLast() }) { return connection }
        return try Connection(path: path, cacheKiB: cacheKiB)
    }

    private func checkIn(_ connection: Connection) {
        guard !connection.isInTransaction else { return } // never reuse a connection in a bad state
        idle.withLock { pool in
            if pool.count < maxIdle { pool.append(connection) }
        }
    }

    private func withConnection<T>(_ body: (Connection) throws -> T) throws -> T {
        let connection = try checkOut()
        defer { checkIn(connection) }
        return try body(connection)
    }

    /// Runs `body` in a `BEGIN IMMEDIATE` transaction; rolls back when it throws.
    @discardableResult
    public func write<T>(_ body: (Connection) throws -> T) throws -> T {
        try withConnection { try $0.writeTransaction(body) }
    }

    /// A write transaction that commits even when its outcome is a failure, then throws it: a
    /// wrong code must count as a try although the caller gets an error.
    public func writeCommittingFailure<T>(_ body: (Connection) throws -> Result<T, ShopError>) throws -> T {
        try write(body).get()
    }

    /// Runs `body` in a read transaction (one consistent snapshot).
    public func read<T>(_ body: (Connection) throws -> T) throws -> T {
        try withConnection { try $0.readTransaction(body) }
    }

    /// A number that changes whenever any connection — in this process or another — commits to
    /// the file (SQLite's `PRAGMA data_version` on a connection that never writes). Cheap enough
    /// to check on every request, so caches of read results stay exact.
    public func changeCounter() throws -> Int64 {
        try watcher.withLock { watcher in
            if watcher == nil { watcher = try Connection(path: path, cacheKiB: cacheKiB) }
            return try watcher!.scalarInt("PRAGMA data_version") ?? 0
        }
    }
    private let watcher: Mutex<Connection?> = Mutex(nil)

    /// Closes idle connections (e.g. before exit, so the WAL is checkpointed).
    public func close() {
        idle.withLock { $0.removeAll() }
        watcher.withLock { $0 = nil }
    }
}

extension Connection: @unchecked Sendable {} // handed to one thread at a time by Store's pool
