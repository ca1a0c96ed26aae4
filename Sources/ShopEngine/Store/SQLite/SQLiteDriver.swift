import CSQLite
import Foundation

/// One SQLite connection, driven by `Connection`. Not thread-safe: the `Store` hands it to one
/// thread at a time.
///
/// Opening turns on extended result codes, foreign keys, a busy timeout, `synchronous=FULL`,
/// and checks that WAL really took.
final class SQLiteDriver {
    let handle: OpaquePointer
    let path: String
    private var statements: [String: Statement] = [:]

    /// `cacheKiB`: this connection's page cache (nil: SQLite's default, 2 MiB).
    init(path: String, cacheKiB: Int?) throws {
        try Self.createPrivateFile(path)
        self.handle = try Self.openHandle(path, flags: SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX)
        self.path = path
        try execute("PRAGMA foreign_keys = ON")
        try enableWAL()
        try execute("PRAGMA synchronous = FULL")
        // A process that sets its own small cache (the TUI: memory per SSH session) keeps
        // plain reads: mapped pages it touches would count in its RSS and PSS.
        if let cacheKiB { try execute("PRAGMA cache_size = -\(cacheKiB)") } else { try execute("PRAGMA mmap_size = \(Self.mmapBytes)") }
    }

    /// Reads straight from the file mapped in memory: no copy into each connection's 2 MiB page
    /// cache, and every connection shares the kernel's one copy of a page. Catalog queries on
    /// 100,000 products spent 3–10× less system time (sqlite3 shell, .timer on). Address space
    /// only; the pages cost memory once, in the kernel's page cache.
    static let mmapBytes = 1 << 30

    /// Opens an existing file read-only to inspect it (a backup, a file about to be restored):
    /// nothing is created and its journal mode is left as it is.
    init(inspecting path: String) throws {
        self.handle = try Self.openHandle(path, flags: SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX)
        self.path = path
    }

    /// Opens a handle with extended result codes and the busy timeout every connection has.
    private static func openHandle(_ path: String, flags: Int32) throws -> OpaquePointer {
        var db: OpaquePointer?
        let rc = sqlite3_open_v2(path, &db, flags, nil)
        guard rc == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "cannot open"
            sqlite3_close_v2(db)
            throw DatabaseError(code: rc, message: "\(message) (\(path))", sql: nil)
        }
        sqlite3_extended_result_codes(db, 1)
        BusyWaits.install(on: db) // the busy timeout, counted for /metrics
        return db
    }

    /// The database holds password hashes, addresses and orders: a new file is created 0600
    /// (owner only) whatever the process's umask, before SQLite opens it. SQLite gives the
    /// `-wal` and `-shm` files it creates the database file's mode, so they are 0600 too.
    /// An existing file is left as it is (its owner chose its mode).
    static func createPrivateFile(_ path: String) throws {
        guard !path.isEmpty, path != ":memory:", !path.hasPrefix("file:") else { return }
        // O_EXCL: only a file this call creates is touched; O_NOFOLLOW: never through a link.
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        if fd < 0 {
            if errno == EEXIST { return }
            let reason = String(cString: strerror(errno))
            throw DatabaseError(code: SQLITE_CANTOPEN, message: "cannot create \(path): \(reason)", sql: nil)
        }
        defer { close(fd) }
        // The umask may have taken bits from 0600 (e.g. 0277 leaves 0400, and SQLite could not write).
        guard fchmod(fd, 0o600) == 0 else {
            let reason = String(cString: strerror(errno))
            throw DatabaseError(code: SQLITE_CANTOPEN, message: "cannot make \(path) private (mode 0600): \(reason)", sql: nil)
        }
    }

    deinit {
        statements.removeAll()
        sqlite3_close_v2(handle)
    }

    /// Switching a new file to WAL needs a brief exclusive lock; when several processes open
    /// the same new file at once, one may see BUSY here even with a busy timeout, so retry.
    private func enableWAL() throws {
        var mode = ""
        for attempt in 0..<200 {
            do {
                mode = try first("PRAGMA journal_mode = WAL", arguments: []) { $0.string(0) } ?? ""
                if mode == "wal" { return }
            } catch let error as DatabaseError where error.isBusy {
                let pause = 5_000 + attempt * 1_000
                usleep(useconds_t(pause))
                BusyWaits.record(nanoseconds: UInt64(pause) * 1_000)
                continue
            }
            break
        }
        throw DatabaseError(code: SQLITE_ERROR, message: "WAL mode did not take (journal_mode=\(mode))", sql: nil)
    }

    /// The start of the file's WAL index (`-shm`) as SQLite has it mapped for this connection, or
    /// nil (not mapped yet: no read so far; or no shared index: exclusive locking mode). Valid
    /// while this connection is open.
    func walIndex() -> UnsafeRawPointer? {
        var file: UnsafeMutablePointer<sqlite3_file>?
        guard sqlite3_file_control(handle, "main", SQLITE_FCNTL_FILE_POINTER, &file) == SQLITE_OK, let file,
              let methods = file.pointee.pMethods, methods.pointee.iVersion >= 2, let map = methods.pointee.xShmMap else { return nil }
        var region: UnsafeMutableRawPointer?
        guard map(file, 0, WALIndexHeader.regionBytes, 0, &region) == SQLITE_OK, let region else { return nil }
        return UnsafeRawPointer(region)
    }

    func error(_ rc: Int32, sql: String?) -> DatabaseError {
        DatabaseError(code: sqlite3_extended_errcode(handle), message: String(cString: sqlite3_errmsg(handle)), sql: sql)
    }

    private func prepared(_ sql: String) throws -> Statement {
        if let cached = statements[sql] { return cached }
        let statement = try Statement(self, sql)
        statements[sql] = statement
        return statement
    }

    // MARK: - Running SQL

    func execute(_ sql: String) throws {
        var message: UnsafeMutablePointer<CChar>?
        let rc = sqlite3_exec(handle, sql, nil, nil, &message)
        if rc != SQLITE_OK {
            let text = message.map { String(cString: $0) } ?? "error \(rc)"
            sqlite3_free(message)
            throw DatabaseError(code: sqlite3_extended_errcode(handle), message: text, sql: sql)
        }
    }

    func run(_ sql: String, arguments: [SQLBindable?]) throws -> Int {
        let statement = try prepared(sql)
        try statement.bind(arguments)
        defer { statement.reset() }
        while try statement.step() {}
        return Int(sqlite3_changes(handle))
    }

    func forEach(_ sql: String, arguments: [SQLBindable?], body: (Row) throws -> Void) throws {
        let statement = try prepared(sql)
        try statement.bind(arguments)
        defer { statement.reset() }
        while try statement.step() { try body(statement.row) }
    }

    func first<T>(_ sql: String, arguments: [SQLBindable?], map: (Row) throws -> T) throws -> T? {
        let statement = try prepared(sql)
        try statement.bind(arguments)
        defer { statement.reset() }
        return try statement.step() ? try map(statement.row) : nil
    }

    var isInTransaction: Bool { sqlite3_get_autocommit(handle) == 0 }
}
