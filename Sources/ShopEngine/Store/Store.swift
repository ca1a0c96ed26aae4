import Foundation
import Synchronization

/// The database every process shares: a small pool of connections to one SQLite file or one
/// PostgreSQL database (`postgres://…`, see `DatabaseLocation`).
///
/// ```swift
/// let store = try Store(path: "shop.sqlite")
/// let count = try store.read { try $0.scalarInt("SELECT count(*) FROM users") }
/// try store.write { try $0.run("UPDATE users SET active = 0 WHERE id = ?", id) }
/// ```
public final class Store: Sendable {
    /// The SQLite path or the PostgreSQL URL, as given.
    public let path: String
    public let location: DatabaseLocation
    public let dialect: Dialect
    private let idle: Mutex<[Connection]> = Mutex([])
    private let maxIdle: Int
    private let cacheKiB: Int?
    /// PostgreSQL: write transactions bump `store_changes` (the schema has it from migration 12;
    /// a store opened with a shorter list of migrations, as some tests do, has no counter).
    private let countsChanges: Bool

    /// Opens (creating if needed) the database and runs pending migrations. `path` is a SQLite
    /// file or a `postgres://` URL. `cacheKiB` is each SQLite connection's page cache (nil:
    /// SQLite's default).
    public init(path: String, migrations: [Migration] = Schema.migrations, maxIdleConnections: Int = 16, cacheKiB: Int? = nil) throws {
        self.path = path
        self.location = try DatabaseLocation(path)
        self.dialect = location.isPostgres ? .postgres : .sqlite
        self.maxIdle = maxIdleConnections
        self.cacheKiB = cacheKiB
        self.countsChanges = location.isPostgres && migrations.count >= StoreChanges.sinceMigration
        let connection = try open()
        try Migrator(migrations: migrations).migrate(connection)
        checkIn(connection)
    }

    private func open() throws -> Connection {
        let connection = try Connection(location, cacheKiB: cacheKiB)
        connection.countsChanges = countsChanges
        return connection
    }

    private func checkOut() throws -> Connection {
        if let connection = idle.withLock({ $0.popLast() }) { return connection }
        return try open()
    }

    private func checkIn(_ connection: Connection) {
        // Never reuse a connection in a bad state.
        guard !connection.isInTransaction, !connection.isBroken else { return }
        idle.withLock { pool in
            if pool.count < maxIdle { pool.append(connection) }
        }
    }

    /// Runs `body` on a pooled connection. When PostgreSQL's connection was lost (the server or
    /// PgBouncer restarted, the backend was terminated) before a COMMIT was sent on it, nothing
    /// was committed, so `body` — a whole transaction — runs once more on a new connection. When
    /// the COMMIT may have gone out, it never runs again: the caller gets the error.
    private func withConnection<T>(_ body: (Connection) throws -> T) throws -> T {
        let connection = try checkOut()
        do {
            defer { checkIn(connection) }
            return try body(connection)
        } catch {
            guard connection.lostBeforeCommit else { throw error }
            // The idle ones most likely went the same way (a restart): new connections for all.
            idle.withLock { $0.removeAll() }
            let fresh = try open()
            defer { checkIn(fresh) }
            return try body(fresh)
        }
    }

    /// Runs `body` in a write transaction (SQLite: `BEGIN IMMEDIATE`; PostgreSQL: SERIALIZABLE,
    /// run again on a serialization failure); rolls back when it throws.
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

    /// A number that changes whenever any connection — in this process or another — commits a
    /// change. Cheap enough to check on every request, so caches of read results stay exact.
    ///
    /// SQLite: `PRAGMA data_version` on a connection that never writes, read again only when the
    /// WAL index header shows a commit since the last reading (`changeCounterIfReady`).
    /// PostgreSQL: the sum of `store_changes`, read through the pool (`StoreChanges`): this
    /// database's commits only.
    public func changeCounter() throws -> Int64 {
        switch location {
        case .sqlite(let path):
            if let unchanged = changeCounterIfReady() { return unchanged }
            return try watcher.withLock { watcher in
                if watcher == nil { watcher = try Connection(path: path, cacheKiB: cacheKiB) }
                // The header before the counter: a commit in between leaves them unmatched, never stale.
                let index = watcher!.walIndex
                let header = index.flatMap(WALIndexHeader.read)
                let version = try watcher!.scalarInt("PRAGMA data_version") ?? 0
                if let index, let header { lastRead.withLock { $0 = LastRead(version: version, header: header, index: index) } }
                return version
            }
        case .postgres:
            guard countsChanges else {
                throw DatabaseError(code: 1, message: "this schema has no change counter (store_changes, migration \(StoreChanges.sinceMigration))", sql: nil)
            }
            return try withConnection { try StoreChanges.read($0) }
        }
    }

    /// `changeCounter()` for a thread that must never wait (the HTTP server's event loop), or nil.
    /// SQLite: the counter last read, as long as the file's WAL index header still is what it was
    /// then (nothing committed since, in any process): a few memory reads, no statement, no lock
    /// anyone holds for long. nil when something changed, a writer is rewriting the header, nothing
    /// was read yet, or another thread is publishing a new reading: then ask `changeCounter()`.
    /// Always nil on PostgreSQL.
    public func changeCounterIfReady() -> Int64? {
        lastRead.withLockIfAvailable { last -> Int64? in
            guard let last, WALIndexHeader.read(last.index) == last.header else { return nil }
            return last.version
        } ?? nil
    }

    /// The change counter as last read on `watcher`, with the WAL index header from just before.
    private struct LastRead: @unchecked Sendable { // `index` is SQLite's mapping, valid while `watcher` is open (see `close`)
        let version: Int64
        let header: WALIndexHeader
        let index: UnsafeRawPointer
    }
    private let lastRead = Mutex<LastRead?>(nil)
    private let watcher: Mutex<Connection?> = Mutex(nil)

    /// Closes idle connections (e.g. before exit, so the WAL is checkpointed).
    public func close() {
        idle.withLock { $0.removeAll() }
        watcher.withLock { watcher in
            lastRead.withLock { $0 = nil } // before its mapping goes with the connection
            watcher = nil
        }
    }
}

extension Connection: @unchecked Sendable {} // handed to one thread at a time by Store's pool
