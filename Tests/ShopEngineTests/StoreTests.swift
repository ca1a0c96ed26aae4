import Foundation
import Testing
@testable import ShopEngine

@Suite("SQLite store")
struct StoreTests {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("shop-store-\(UUID().uuidString)")
    init() throws { try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true) }
    func path(_ name: String = "db.sqlite") -> String { directory.appendingPathComponent(name).path }

    @Test("a new connection runs in WAL mode with foreign keys, FULL sync and a counted busy timeout")
    func connectionSettings() throws {
        let connection = try Connection(path: path())
        #expect(try connection.scalarString("PRAGMA journal_mode") == "wal")
        #expect(try connection.scalarInt("PRAGMA foreign_keys") == 1)
        #expect(try connection.scalarInt("PRAGMA synchronous") == 2)
        // The busy timeout is BusyWaits' counting handler (SQLite's own schedule, the same total),
        // which SQLite reports as busy_timeout 0; sqlite3_busy_timeout would hide the waits from
        // /metrics. BusyWaitTests check that the schedule adds up and that a locked write waits.
        #expect(try connection.scalarInt("PRAGMA busy_timeout") == 0)
        #expect(BusyWaitTests.totalWait() == Connection.busyTimeoutMilliseconds)
        #expect(try connection.scalarInt("PRAGMA cache_size") == -2000, "SQLite's default unless asked")
    }

    @Test("rows are read by column name (alias or column), whatever the order of the SELECT")
    func rowsByName() throws {
        let connection = try Connection(path: path())
        try connection.execute("CREATE TABLE p(id INTEGER PRIMARY KEY, phone TEXT, photo BLOB, price REAL)")
        try connection.run("INSERT INTO p(phone, photo, price) VALUES (?, ?, ?), (NULL, NULL, 2.5)", "+15550001111", [UInt8]([1, 2]), 1.25)
        let rows = try connection.query("SELECT price, photo, p.phone, id, id > 1 AS later FROM p ORDER BY id") {
            (id: $0.int64("id"), phone: $0.optionalString("phone"), photo: $0.blob("photo"), price: $0.double("price"), later: $0.bool("later"), phoneIsNull: $0.isNull("phone"))
        }
        #expect(rows.map(\.id) == [1, 2])
        #expect(rows[0].phone == "+15550001111" && rows[0].photo == [1, 2] && rows[0].price == 1.25 && !rows[0].later && !rows[0].phoneIsNull)
        #expect(rows[1].phone == nil && rows[1].photo == [] && rows[1].later && rows[1].phoneIsNull)
        // The same statement (cached) read again by name, then a different SELECT order.
        #expect(try connection.first("SELECT price, photo, p.phone, id, id > 1 AS later FROM p WHERE id = 2") { $0.double("price") } == 2.5)
        #expect(try connection.first("SELECT id, phone FROM p WHERE id = 1") { $0.string("phone") } == "+15550001111")
    }

    @Test("a store opened with a small page cache gives it to every connection it opens")
    func smallCache() throws {
        let store = try Store(path: path(), cacheKiB: 512)
        #expect(try store.read { try $0.scalarInt("PRAGMA cache_size") } == -512)
        #expect(try store.write { try $0.scalarInt("PRAGMA cache_size") } == -512)
    }

    @Test("a write transaction rolls back everything when its body throws")
    func rollbackOnThrow() throws {
        let store = try Store(path: path(), migrations: [Migration(1, "t", sql: "CREATE TABLE t(x INTEGER)")])
        struct Boom: Error {}
        #expect(throws: Boom.self) {
            try store.write { db in
                try db.run("INSERT INTO t VALUES (1)")
                throw Boom()
            }
        }
        #expect(try store.read { try $0.scalarInt("SELECT count(*) FROM t") } == 0)
    }

    @Test("errors carry the result code, message and SQL")
    func errorsCarryContext() throws {
        let store = try Store(path: path(), migrations: [Migration(1, "t", sql: "CREATE TABLE t(x INTEGER UNIQUE)")])
        try store.write { try $0.run("INSERT INTO t VALUES (1)") }
        do {
            try store.write { try $0.run("INSERT INTO t VALUES (?)", 1) }
            Issue.record("expected a unique violation")
        } catch let error as SQLiteError {
            #expect(error.isUniqueViolation)
            #expect(error.sql == "INSERT INTO t VALUES (?)")
            #expect(error.message.contains("UNIQUE"))
        }
    }

    @Test("binds and reads every value type, including blobs and NULL")
    func valueRoundTrip() throws {
        let store = try Store(path: path(), migrations: [Migration(1, "t", sql: "CREATE TABLE t(i INTEGER, r REAL, s TEXT, b BLOB, n TEXT)")])
        try store.write { try $0.run("INSERT INTO t VALUES (?, ?, ?, ?, ?)", Int64.max, 2.5, "کیک 🎂", [UInt8]([0, 1, 255]), nil as String?) }
        let row = try store.read { db in try db.first("SELECT i, r, s, b, n FROM t") { ($0.int64(0), $0.double(1), $0.string(2), $0.blob(3), $0.optionalString(4)) } }
        #expect(row?.0 == Int64.max)
        #expect(row?.1 == 2.5)
        #expect(row?.2 == "کیک 🎂")
        #expect(row?.3 == [0, 1, 255])
        #expect(row?.4 == nil)
    }

    @Test("migrations run once on a fresh file and only the new ones on an existing file")
    func migrations() throws {
        let first = [Migration(1, "a", sql: "CREATE TABLE a(x INTEGER)")]
        _ = try Store(path: path(), migrations: first)
        let second = first + [Migration(2, "b", sql: "CREATE TABLE b(y INTEGER); INSERT INTO b VALUES (7);")]
        let store = try Store(path: path(), migrations: second)
        #expect(try store.read { try $0.scalarInt("PRAGMA user_version") } == 2)
        _ = try Store(path: path(), migrations: second) // reopening runs nothing again
        #expect(try store.read { try $0.scalarInt("SELECT count(*) FROM b") } == 1)
    }

    @Test("a file from a newer version of Shop is refused with a clear message")
    func newerSchemaRefused() throws {
        _ = try Store(path: path(), migrations: [Migration(1, "a", sql: "SELECT 1"), Migration(2, "b", sql: "SELECT 1")])
        #expect(throws: SQLiteError.self) { _ = try Store(path: path(), migrations: [Migration(1, "a", sql: "SELECT 1")]) }
    }

    @Test("the full schema migrates a fresh file and an existing file at version 1")
    func realSchema() throws {
        _ = try Store(path: path(), migrations: Array(Schema.migrations.prefix(1)))
        let store = try Store(path: path())
        #expect(try store.read { try $0.scalarInt("PRAGMA user_version") } == Int64(Schema.migrations.count))
        #expect(try store.read { try $0.scalarInt("SELECT count(*) FROM products") } == 0)
    }

    @Test("a new database and its -wal and -shm files are private (0600) under the usual umask 022")
    func newFilesArePrivate() throws {
        let previous = umask(0o022)
        defer { umask(previous) }
        let db = path("private.sqlite")
        let store = try Store(path: db, migrations: [Migration(1, "t", sql: "CREATE TABLE t(x INTEGER)")])
        try store.write { try $0.run("INSERT INTO t VALUES (1)") }
        for file in [db, db + "-wal", db + "-shm"] {
            #expect(Self.mode(file) == 0o600, "\(file) has mode \(String(Self.mode(file) ?? 0, radix: 8)), want 600")
        }
    }

    @Test("a process with umask 0277 still creates a database it can write, mode 0600")
    func strictUmaskStillWritable() throws {
        let db = path("strict.sqlite")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "umask 0277 && exec \"$0\" counter \"$1\" 1", LoadProcess.executable.path, db]
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        #expect(Self.mode(db) == 0o600)
        let store = try Store(path: db, migrations: [Migration(1, "counter", sql: "")])
        #expect(try store.read { try $0.scalarInt("SELECT value FROM counter") } == 1)
    }

    @Test("an existing database file keeps the mode its owner gave it")
    func existingFileModeKept() throws {
        let db = path("shared.sqlite")
        #expect(FileManager.default.createFile(atPath: db, contents: nil, attributes: [.posixPermissions: 0o640]))
        _ = try Store(path: db, migrations: [Migration(1, "t", sql: "CREATE TABLE t(x INTEGER)")])
        #expect(Self.mode(db) == 0o640)
    }

    static func mode(_ path: String) -> mode_t? {
        var info = stat()
        return lstat(path, &info) == 0 ? info.st_mode & 0o777 : nil
    }

    @Test("several processes opening one new file at once all migrate it safely")
    func concurrentFirstOpen() throws {
        let db = path("race.sqlite")
        let results = try LoadProcess.runAll((0..<4).map { _ in ["counter", db, "1"] })
        #expect(results.allSatisfy { $0.status == 0 })
        let store = try Store(path: db, migrations: [Migration(1, "counter", sql: "CREATE TABLE counter(id INTEGER PRIMARY KEY, value INTEGER NOT NULL); INSERT INTO counter VALUES (1, 0);")])
        #expect(try store.read { try $0.scalarInt("SELECT value FROM counter") } == 4)
    }

    @Test("two processes writing the same file at once never see 'database is locked'")
    func twoWriters() throws {
        let db = path("writers.sqlite")
        let results = try LoadProcess.runAll([["counter", db, "400"], ["counter", db, "400"]])
        for result in results {
            #expect(result.status == 0)
            #expect(result.counts["locked"] == nil, "a writer saw 'database is locked': \(result.counts)")
            #expect(result.counts["ok"] == 400)
        }
        let store = try Store(path: db, migrations: [Migration(1, "counter", sql: "")])
        #expect(try store.read { try $0.scalarInt("SELECT value FROM counter") } == 800, "no increment may be lost")
    }
}

/// Runs the `shop-load` helper executable (built beside the test bundle) as separate processes.
enum LoadProcess {
    struct Result { let status: Int32; let counts: [String: Int]; let stderr: String }

    static var executable: URL {
        var dir = Bundle(for: Marker.self).bundleURL.deletingLastPathComponent()
        if !FileManager.default.fileExists(atPath: dir.appendingPathComponent("shop-load").path) {
            dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        }
        return dir.appendingPathComponent("shop-load")
    }
    final class Marker {}

    static func runAll(_ argumentLists: [[String]]) throws -> [Result] {
        let processes = try argumentLists.map { arguments -> (Process, Pipe, Pipe) in
            let process = Process()
            process.executableURL = executable
            process.arguments = arguments
            let out = Pipe(), err = Pipe()
            process.standardOutput = out
            process.standardError = err
            try process.run()
            return (process, out, err)
        }
        return processes.map { process, out, err in
            let output = out.fileHandleForReading.readDataToEndOfFile()
            let errors = err.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            let counts = (try? JSONSerialization.jsonObject(with: output) as? [String: Int]) ?? [:]
            return Result(status: process.terminationStatus, counts: counts, stderr: String(decoding: errors, as: UTF8.self))
        }
    }
}
