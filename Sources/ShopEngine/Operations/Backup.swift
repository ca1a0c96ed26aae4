import Foundation

/// Backups and restores of a shop's database file, safe while other Shop processes use it.
///
/// ```swift
/// let copy = try Backup.take(database: "shop.sqlite", to: "/var/backups/shop/", keep: 7)
/// print(copy.path)   // /var/backups/shop/shop-20261129-031500.sqlite, checked with integrity_check
/// ```
public enum Backup {
    public struct Copy: Sendable {
        public let path: String
        public let bytes: Int64
        /// Where the key file was copied (`withKey`), 0600.
        public let keyPath: String?
        /// Older copies removed by `keep`.
        public let removed: [String]
    }

    static func failure(_ message: String) -> ShopError { ShopError(.invalid, "backup_failed", message) }

    /// Copies `database` into `target` with `VACUUM INTO` (one consistent snapshot: writers in
    /// other processes carry on), checks the copy with `integrity_check`, and only then gives it its
    /// name. `target` is a file name, or a folder (an existing one, a path ending in `/`, or any
    /// target with `keep`) that receives `shop-YYYYMMDD-HHMMSS.sqlite` (UTC); `keep` then removes
    /// all but the newest `keep` copies there. The copy and the key are 0600.
    public static func take(database: String, to target: String, keep: Int? = nil, withKey keyFile: String? = nil, now: Date = Date()) throws -> Copy {
        try requireSQLite(database)
        guard FileManager.default.fileExists(atPath: database) else { throw failure("There is no database at \(database)") }
        var isFolder: ObjCBool = false
        let exists = FileManager.default.fileExists(atPath: target, isDirectory: &isFolder)
        let folderMode = isFolder.boolValue || target.hasSuffix("/") || keep != nil
        let folder = folderMode ? target : ((target as NSString).deletingLastPathComponent.isEmpty ? "." : (target as NSString).deletingLastPathComponent)
        let path = folderMode ? (folder as NSString).appendingPathComponent("shop-\(stamp(now)).sqlite") : target
        if folderMode {
            do { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700]) }
            catch { throw failure("Cannot create the backup folder \(folder): \(error.localizedDescription)") }
        } else if exists {
            throw failure("\(target) already exists; give a new file name, or a folder (with --keep N to rotate)")
        }
        if FileManager.default.fileExists(atPath: path) { throw failure("\(path) already exists") }

        // A private temporary file beside the target: renamed into place only once it checks out.
        let temporary = (folder as NSString).appendingPathComponent(".shop-backup-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).tmp")
        try createPrivate(temporary, what: "the backup")
        var renamed = false
        defer { if !renamed { unlink(temporary) } }
        do {
            let source = try Connection(path: database)
            try source.run("VACUUM INTO ?", temporary)
        } catch let error as SQLiteError {
            throw failure("Could not copy the database: \(error.message)")
        }
        try requireIntact(temporary, what: "The copy")
        guard fsyncFile(temporary), rename(temporary, path) == 0 else { throw failure("Cannot write \(path): \(String(cString: strerror(errno)))") }
        renamed = true
        _ = fsyncFile(folder)

        var keyCopy: String?
        if let keyFile {
            keyCopy = path + ".key"
            try copyPrivate(keyFile, to: keyCopy!)
        }
        let removed = try keep.map { try rotate(folder: folder, keep: $0) } ?? []
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.int64Value ?? 0
        return Copy(path: path, bytes: size, keyPath: keyCopy, removed: removed)
    }

    /// Removes all but the newest `keep` backups (`shop-*.sqlite`, with their `.key`) in `folder`.
    static func rotate(folder: String, keep: Int) throws -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        let copies = names.filter { $0.hasPrefix("shop-") && $0.hasSuffix(".sqlite") }.sorted(by: >)   // stamps sort by time
        var removed: [String] = []
        for name in copies.dropFirst(max(keep, 1)) {
            let path = (folder as NSString).appendingPathComponent(name)
            unlink(path)
            unlink(path + ".key")
            removed.append(path)
        }
        return removed
    }

    // MARK: - Restore

    /// The processes that have `database` open: every SQLite connection to a WAL database holds a
    /// shared lock on one byte of its `-shm` file (the "DMS" byte, offset 128) while it is open;
    /// `F_GETLK` names a process holding it. (Locks held by this process are not seen: check
    /// before opening the file here.)
    /// Backups and restores copy SQLite files; a PostgreSQL shop has its server's own tools.
    private static func requireSQLite(_ database: String) throws {
        guard DatabaseLocation.isPostgres(database) else { return }
        throw failure("backup and restore are for SQLite files; for PostgreSQL use pg_dump and pg_restore (or a standby server)")
    }

    public static func processesUsing(_ database: String) -> [pid_t] {
        let fd = open(database + "-shm", O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return [] }   // no shared-memory file: nobody has it open in WAL mode
        defer { close(fd) }
        var lock = flock()
        lock.l_type = Int16(F_WRLCK)
        lock.l_whence = Int16(SEEK_SET)
        lock.l_start = 128
        lock.l_len = 1
        guard fcntl(fd, F_GETLK, &lock) == 0, lock.l_type != Int16(F_UNLCK) else { return [] }
        return [lock.l_pid]
    }

    public struct Restored: Sendable {
        /// Where the replaced database was kept (nil when there was none).
        public let replacedPath: String?
    }

    /// Replaces `database` with the backup at `source`: refuses while another process has the
    /// database open, checks the backup first, keeps the replaced file aside
    /// (`<db>.replaced-YYYYMMDD-HHMMSS`, its last WAL writes checkpointed into it first), copies
    /// the backup in under a temporary name and renames it into place, then opens the result
    /// (running any migrations) and checks it.
    public static func restore(database: String, from source: String, now: Date = Date()) throws -> Restored {
        try requireSQLite(database)
        guard FileManager.default.fileExists(atPath: source) else { throw failure("There is no backup at \(source)") }
        try requireIntact(source, what: "The backup")
        if let pid = processesUsing(database).first {
            throw failure("Process \(pid)\(processName(pid).map { " (\($0))" } ?? "") has \(database) open; stop every shop and shop-server using it first")
        }
        var replaced: String?
        if FileManager.default.fileExists(atPath: database) {
            // Merge a WAL a crashed writer left behind, so the file kept aside is whole.
            do {
                let current = try Connection(path: database)
                try current.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            } catch let error as SQLiteError {
                throw failure("Cannot checkpoint the current database before replacing it: \(error.message)")
            }
            replaced = database + ".replaced-\(stamp(now))"
            guard rename(database, replaced!) == 0 else { throw failure("Cannot move \(database) aside: \(String(cString: strerror(errno)))") }
            unlink(database + "-wal")
            unlink(database + "-shm")
        }
        let folder = (database as NSString).deletingLastPathComponent.isEmpty ? "." : (database as NSString).deletingLastPathComponent
        let temporary = (folder as NSString).appendingPathComponent(".shop-restore-\(getpid()).tmp")
        do {
            try copyPrivate(source, to: temporary)
            guard fsyncFile(temporary), rename(temporary, database) == 0 else { throw failure("Cannot write \(database): \(String(cString: strerror(errno)))") }
            _ = fsyncFile(folder)
            let store = try Store(path: database)   // migrations for an older backup run here
            store.close()
            try requireIntact(database, what: "The restored database")
        } catch {
            unlink(temporary)
            if let replaced, !FileManager.default.fileExists(atPath: database) { rename(replaced, database) }
            throw error
        }
        return Restored(replacedPath: replaced)
    }

    // MARK: - Files

    static func requireIntact(_ path: String, what: String) throws {
        do {
            let db = try Connection(inspecting: path)
            let result = try db.query("PRAGMA integrity_check") { $0.string(0) }
            guard result == ["ok"] else { throw failure("\(what) is damaged: \(result.prefix(3).joined(separator: "; "))") }
            let version = Int(try db.scalarInt("PRAGMA user_version") ?? 0)
            guard version >= 1 else { throw failure("\(what) is not a Shop database") }
            guard version <= Schema.migrations.count else {
                throw failure("\(what) has schema version \(version), newer than this program (\(Schema.migrations.count)); upgrade Shop")
            }
        } catch let error as SQLiteError {
            throw failure("\(what) cannot be read as a database: \(error.message)")
        }
    }

    static func createPrivate(_ path: String, what: String) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw failure("Cannot write \(what) to \((path as NSString).deletingLastPathComponent): \(String(cString: strerror(errno)))") }
        fchmod(fd, 0o600)
        close(fd)
    }

    /// Copies a file to a new private file (0600), never through a link.
    static func copyPrivate(_ source: String, to target: String) throws {
        guard let data = FileManager.default.contents(atPath: source) else { throw failure("Cannot read \(source)") }
        unlink(target)
        try createPrivate(target, what: "a copy")
        let fd = open(target, O_WRONLY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else { throw failure("Cannot write \(target): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        let written = data.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        guard written == data.count, fsync(fd) == 0 else { throw failure("Cannot write \(target): \(String(cString: strerror(errno)))") }
    }

    static func fsyncFile(_ path: String) -> Bool {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        return fsync(fd) == 0
    }

    static func processName(_ pid: pid_t) -> String? {
        (try? String(contentsOfFile: "/proc/\(pid)/comm", encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static func stamp(_ date: Date) -> String {
        var time = time_t(date.timeIntervalSince1970)
        var parts = tm()
        gmtime_r(&time, &parts)
        return String(format: "%04d%02d%02d-%02d%02d%02d", parts.tm_year + 1900, parts.tm_mon + 1, parts.tm_mday, parts.tm_hour, parts.tm_min, parts.tm_sec)
    }
}
