import Foundation
import Synchronization
import Testing
import ShopTestSupport
@testable import ShopEngine

/// Starting on a database: many processes at once (hundreds of `shop` logins) must not queue on
/// the migration lock when there is nothing to migrate, and a new database is migrated once.
/// On the backend the tests run on (SQLite file or PostgreSQL).
@Suite("Migrations at start")
struct MigrationStartTests {
    /// A new empty database, removed afterwards: its path or URL, and a way to hold the
    /// migration lock (SQLite: the write lock; PostgreSQL: the advisory lock) until released.
    final class FreshDatabase: @unchecked Sendable {
        let path: String
        let postgres: PostgresTestDatabase?
        private var directory: URL?

        init() throws {
            if TestDatabase.isPostgres {
                postgres = try TestDatabase.createPostgres()
                path = postgres!.url
            } else {
                postgres = nil
                let directory = FileManager.default.temporaryDirectory.appendingPathComponent("shop-migrate-\(UUID().uuidString)")
                try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
                self.directory = directory
                path = directory.appendingPathComponent("shop.sqlite").path
            }
        }

        deinit {
            postgres?.drop()
            if let directory { try? FileManager.default.removeItem(at: directory) }
        }

        /// A connection holding the lock every migration takes; `COMMIT` on it releases it.
        func holdMigrationLock() throws -> Connection {
            let connection = try Connection(try DatabaseLocation(path))
            if postgres != nil {
                try connection.execute("BEGIN")
                _ = try connection.scalarInt("SELECT 1 FROM (SELECT pg_advisory_xact_lock(?)) AS locked", Migrator.lockKey)
            } else {
                try connection.execute("BEGIN IMMEDIATE")
            }
            return connection
        }

        /// Sessions waiting for PostgreSQL's migration lock.
        func lockWaiters() throws -> Int64 {
            let admin = try Connection(postgres: try #require(postgres).adminURL)
            return try admin.scalarInt("""
                SELECT count(*) FROM pg_locks l JOIN pg_database d ON d.oid = l.database
                WHERE l.locktype = 'advisory' AND NOT l.granted AND d.datname = ?
                """, try #require(postgres).name) ?? 0
        }
    }

    final class Count: Sendable {
        let value = Atomic<Int>(0)
        var now: Int { value.load(ordering: .relaxed) }
    }

    /// Two migrations that count how often each is applied.
    static func countedMigrations(_ applied: Count) -> [Migration] {
        [
            Migration(1, "a") { db in
                applied.value.add(1, ordering: .relaxed)
                try db.execute("CREATE TABLE a(x BIGINT)")
            },
            Migration(2, "b") { db in
                applied.value.add(1, ordering: .relaxed)
                try db.execute("CREATE TABLE b(y BIGINT); INSERT INTO b VALUES (7);")
            },
        ]
    }

    /// Opens `count` stores on `path` at once, each on a thread of its own (all may wait at once,
    /// which `concurrentPerform` on two cores would not allow); their errors, if any.
    static func openTogether(_ count: Int, _ path: String, _ migrations: [Migration]) -> [String] {
        let errors = Mutex<[String]>([])
        let done = DispatchGroup()
        for _ in 0..<count {
            done.enter()
            Thread.detachNewThread {
                do { try Store(path: path, migrations: migrations).close() } catch { errors.withLock { $0.append("\(error)") } }
                done.leave()
            }
        }
        done.wait()
        return errors.withLock { $0 }
    }

    @Test("several stores starting on one new database at once: each migration is applied exactly once, all start")
    func concurrentFirstStarts() throws {
        let database = try FreshDatabase()
        let applied = Count()
        let migrations = Self.countedMigrations(applied)
        if database.postgres != nil {
            // All six queue on the lock before any may migrate: the race is certain, not lucky.
            let holder = try database.holdMigrationLock()
            let done = DispatchGroup()
            let errors = Mutex<[String]>([])
            DispatchQueue.global().async(group: done) {
                errors.withLock { $0 = Self.openTogether(6, database.path, migrations) }
            }
            let deadline = Date().addingTimeInterval(60)
            while try database.lockWaiters() < 6 && Date() < deadline { usleep(10_000) }
            #expect(try database.lockWaiters() == 6, "every start waits for the lock on a new database")
            try holder.execute("COMMIT")
            done.wait()
            #expect(errors.withLock { $0 } == [])
        } else {
            #expect(Self.openTogether(6, database.path, migrations) == [])
        }
        #expect(applied.now == 2, "each migration once")
        let store = try Store(path: database.path, migrations: migrations)
        defer { store.close() }
        #expect(try store.read { try $0.scalarInt("SELECT count(*) FROM b") } == 1)
        #expect(applied.now == 2, "nothing again on a later start")
    }

    @Test("stores starting on a migrated database take no lock: they start while another process holds it")
    func migratedStartsTakeNoLock() throws {
        let database = try FreshDatabase()
        try Store(path: database.path).close()
        let holder = try database.holdMigrationLock()
        let done = DispatchGroup()
        let errors = Mutex<[String]>([])
        DispatchQueue.global().async(group: done) {
            errors.withLock { $0 = Self.openTogether(8, database.path, Schema.migrations) }
        }
        // Before: every start waited for the lock (SQLite: failed after its busy timeout).
        let finished = done.wait(timeout: .now() + 60) == .success
        try holder.execute("COMMIT")
        done.wait()
        #expect(finished, "starts waited for the migration lock")
        #expect(errors.withLock { $0 } == [])

        let older = Array(Schema.migrations.prefix(1))
        let refused = #expect(throws: DatabaseError.self) { try Store(path: database.path, migrations: older) }
        #expect(refused?.message.contains("newer than this program") == true, "a newer schema is still refused without the lock")
    }
}
