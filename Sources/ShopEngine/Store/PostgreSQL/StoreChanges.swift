import Synchronization

/// PostgreSQL's change counter: every write transaction that changed something adds 1 to its
/// server process's row of `store_changes` before it commits; the counter is the sum of the rows.
///
/// - Exact and of this database only: the row commits with the data (a reader that sees the new
///   sum sees the data; one that read the old sum before the commit reads it again next time),
///   a rolled-back transaction adds nothing, and other databases, autovacuum and checkpoints,
///   which moved the WAL position used before, do not count.
/// - No waiting and no serialization failures between writers: a server process runs one
///   transaction at a time, so no two open transactions ever update the same row. (One row for
///   all would make every two concurrent SERIALIZABLE writers fail and run again; a sequence
///   bumped inside the transaction is seen before the data commits, so a reader could cache the
///   old data under the new number — a revoked session kept.)
/// - Read through the pool, one statement, so `shop` processes need no connection of their own.
/// - Rows of server processes that have ended are folded into row 0 now and then (`read`).
///
/// A program writing to a PostgreSQL shop's tables behind the engine's back runs `bump` in its
/// transaction too, or running shops keep showing (and caching) what it changed.
public enum StoreChanges {
    /// The migration that creates `store_changes`.
    static let sinceMigration = 12

    public static let bump = """
        INSERT INTO store_changes(backend, n) VALUES (pg_backend_pid(), 1)
        ON CONFLICT (backend) DO UPDATE SET n = store_changes.n + 1
        """

    /// The current sum; folds the rows of ended server processes when there are many rows.
    static func read(_ db: Connection) throws -> Int64 {
        let (sum, rows) = try db.first("SELECT coalesce(sum(n), 0)::bigint AS n, count(*) AS row_count FROM store_changes") {
            ($0.int64("n"), $0.int64("row_count"))
        } ?? (0, 0)
        if rows > foldAbove.load(ordering: .relaxed) {
            try fold(db)
        }
        return sum
    }

    /// Moves the counts of server processes that have ended into row 0, in one statement: the sum
    /// stays the same (READ COMMITTED: a row another fold deleted first is skipped, not counted twice).
    static func fold(_ db: Connection) throws {
        try db.run("""
            WITH gone AS (
                DELETE FROM store_changes
                WHERE backend <> 0 AND backend NOT IN (SELECT pid FROM pg_stat_activity WHERE pid IS NOT NULL)
                RETURNING n
            )
            UPDATE store_changes SET n = n + (SELECT coalesce(sum(n), 0) FROM gone) WHERE backend = 0
            """)
        // Many live server processes: fold again only once as many more rows have come.
        let left = try db.scalarInt("SELECT count(*) FROM store_changes") ?? 0
        foldAbove.store(max(defaultFoldAbove, left * 2), ordering: .relaxed)
    }

    static let defaultFoldAbove: Int64 = 256
    private static let foldAbove = Atomic<Int64>(defaultFoldAbove)
}
