/// One numbered schema change. Ids are consecutive from 1 and recorded in `PRAGMA user_version`.
public struct Migration: Sendable {
    public let id: Int
    public let name: String
    public let apply: @Sendable (Connection) throws -> Void

    public init(_ id: Int, _ name: String, apply: @escaping @Sendable (Connection) throws -> Void) {
        self.id = id
        self.name = name
        self.apply = apply
    }

    public init(_ id: Int, _ name: String, sql: String) {
        self.init(id, name) { try $0.execute(sql) }
    }
}

/// Runs pending migrations in one immediate transaction: when several processes open the same
/// new file at once, the first migrates and the others wait, then find nothing left to do.
struct Migrator {
    let migrations: [Migration]

    func migrate(_ connection: Connection) throws {
        precondition(migrations.enumerated().allSatisfy { $0.offset + 1 == $0.element.id },
                     "migration ids must be consecutive from 1") // a programmer error, not a runtime one
        try connection.writeTransaction { db in
            let current = Int(try db.scalarInt("PRAGMA user_version") ?? 0)
            guard current <= migrations.count else {
                throw SQLiteError(code: 1, message: "database schema version \(current) is newer than this program (\(migrations.count)); upgrade Shop", sql: nil)
            }
            for migration in migrations where migration.id > current {
                try migration.apply(db)
                try db.execute("PRAGMA user_version = \(migration.id)")
            }
        }
    }
}
