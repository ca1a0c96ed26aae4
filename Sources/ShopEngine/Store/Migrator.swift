/// One numbered schema change. Ids are consecutive from 1 and recorded in `PRAGMA user_version`
/// (SQLite) or the `schema_migrations` table (PostgreSQL).
public struct Migration: Sendable {
    public let id: Int
    public let name: String
    public let apply: @Sendable (Connection) throws -> Void

    public init(_ id: Int, _ name: String, apply: @escaping @Sendable (Connection) throws -> Void) {
        self.id = id
        self.name = name
        self.apply = apply
    }

    /// The same SQL on both backends.
    public init(_ id: Int, _ name: String, sql: String) {
        self.init(id, name) { try $0.execute(sql) }
    }

    /// SQL per backend, where they differ.
    public init(_ id: Int, _ name: String, sqlite: String, postgres: String) {
        self.init(id, name) { try $0.execute($0.dialect == .postgres ? postgres : sqlite) }
    }
}

/// Runs pending migrations in one transaction: when several processes open the same new
/// database at once, the first migrates and the others wait, then find nothing left to do.
/// SQLite: an immediate transaction. PostgreSQL: a transaction-scoped advisory lock (nothing
/// left in the session, so it works through PgBouncer), then `schema_migrations`.
///
/// Most starts find the schema current: a read-only look comes first, and only a database with
/// something to migrate takes the lock, so hundreds of `shop` processes starting together
/// neither queue on it nor write.
struct Migrator {
    let migrations: [Migration]

    /// Any number, the same in every process: the advisory lock's key.
    static let lockKey: Int64 = 0x5348_4F50 // "SHOP"

    func migrate(_ connection: Connection) throws {
        precondition(migrations.enumerated().allSatisfy { $0.offset + 1 == $0.element.id },
                     "migration ids must be consecutive from 1") // a programmer error, not a runtime one
        let applied = try connection.readTransaction { db in
            if db.dialect == .postgres { try Self.requireByteOrder(db) }
            return try Self.appliedVersion(db)
        }
        try requireNotNewer(applied)
        guard applied < migrations.count else { return }
        try connection.lockingTransaction { db in
            let current = try Self.lockedVersion(db)
            try requireNotNewer(current)
            for migration in migrations where migration.id > current {
                try migration.apply(db)
                switch db.dialect {
                case .sqlite: try db.execute("PRAGMA user_version = \(migration.id)")
                case .postgres: try db.run("INSERT INTO schema_migrations(version, name) VALUES (?, ?)", migration.id, migration.name)
                }
            }
        }
    }

    private func requireNotNewer(_ version: Int) throws {
        guard version <= migrations.count else {
            throw DatabaseError(code: 1, message: "database schema version \(version) is newer than this program (\(migrations.count)); upgrade Shop", sql: nil)
        }
    }

    /// SQLite compares text byte by byte; PostgreSQL by the database's collation. Catalog pages by
    /// name, search-word ranges and every list ordered by text must come out as they do on SQLite,
    /// so a PostgreSQL database must sort bytes (the C or C.UTF-8 locale, libc provider): any other
    /// is refused, saying how to create one.
    static func requireByteOrder(_ db: Connection) throws {
        let (collation, provider) = try db.first("SELECT datcollate, datlocprovider::text AS provider FROM pg_database WHERE datname = current_database()") {
            ($0.string("datcollate"), $0.string("provider"))
        } ?? ("", "")
        guard provider == "c", ["C", "C.UTF-8", "C.utf8", "POSIX"].contains(collation) else {
            throw DatabaseError(code: 1, message: "the PostgreSQL database sorts text by \(provider == "i" ? "an ICU locale" : "the locale \"\(collation)\""), but Shop needs byte order to list and search exactly as on SQLite: create it with `createdb --template=template0 --locale=C.UTF-8 --owner=shop shop` (or LC_COLLATE 'C.UTF-8' in CREATE DATABASE)", sql: nil)
        }
    }

    /// The last migration applied (0: a new database), without any lock or write.
    static func appliedVersion(_ db: Connection) throws -> Int {
        switch db.dialect {
        case .sqlite:
            return Int(try db.scalarInt("PRAGMA user_version") ?? 0)
        case .postgres:
            guard try db.scalarInt("SELECT count(*) FROM (SELECT to_regclass('schema_migrations') AS t) AS r WHERE t IS NOT NULL") == 1 else { return 0 }
            return Int(try db.scalarInt("SELECT coalesce(max(version), 0) FROM schema_migrations") ?? 0)
        }
    }

    /// The last migration applied, read again under PostgreSQL's migration lock (taken first, and
    /// `schema_migrations` created when new); SQLite holds its write lock already.
    static func lockedVersion(_ db: Connection) throws -> Int {
        if db.dialect == .postgres {
            _ = try db.scalarInt("SELECT 1 FROM (SELECT pg_advisory_xact_lock(?)) AS locked", lockKey)
            try db.execute("""
                CREATE TABLE IF NOT EXISTS schema_migrations(
                    version BIGINT PRIMARY KEY,
                    name TEXT NOT NULL,
                    applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
                )
                """)
        }
        return try appliedVersion(db)
    }
}
