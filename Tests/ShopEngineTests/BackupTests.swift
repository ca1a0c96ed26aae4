import Foundation
import Testing
import ShopTestSupport
@testable import ShopEngine

@Suite("Backups, restores and health checks", .disabled(if: TestDatabase.isPostgres, "backups, restores and checks of SQLite files"))
struct BackupTests {
    /// A shop with a few products, orders and payments that satisfy every invariant.
    func stocked() throws -> (t: TestShop, product: Product) {
        let t = try TestShop()
        let staff = try t.staff()
        let tea = try t.shop.catalog.create(ProductDraft(sku: "TEA", name: "Black tea", price: 450, stock: 10_000), caller: staff.caller)
        _ = try t.shop.catalog.create(ProductDraft(sku: "CAKE", name: "Cake", variants: [.init(name: "1 kg", price: 2400, stock: 5)]), caller: staff.caller)
        return (t, tea)
    }

    @Test("a backup taken while 4 processes place orders is a consistent copy that passes every check")
    func backupUnderLoad() throws {
        let (t, tea) = try stocked()
        let folder = t.directory.appendingPathComponent("backups").path
        let children = try (0..<4).map { _ -> Process in
            let process = Process()
            process.executableURL = LoadProcess.executable
            process.arguments = ["checkout", t.databasePath, String(tea.id), "1", "150"]
            process.standardOutput = FileHandle.nullDevice
            try process.run()
            return process
        }
        var copies: [String] = []
        var takenWhileWriting = 0
        repeat {
            let writing = children.contains { $0.isRunning }
            copies.append(try Backup.take(database: t.databasePath, to: folder + "/", keep: 100, now: Date().addingTimeInterval(Double(copies.count))).path)
            if writing { takenWhileWriting += 1 }
        } while children.contains(where: \.isRunning) && copies.count < 50
        children.forEach { $0.waitUntilExit() }
        #expect(takenWhileWriting >= 1, "at least one copy was taken while the writers ran")
        for copy in copies {
            #expect(try HealthCheck.run(database: copy) == [], "\(copy)")
            var info = stat()
            stat(copy, &info)
            #expect(info.st_mode & 0o777 == 0o600)
        }
        #expect(try HealthCheck.run(database: t.databasePath) == [])
        let sold = try t.shop.store.read { try $0.scalarInt("SELECT count(*) FROM orders") }
        #expect(sold == 600)
    }

    @Test("--keep rotates dated copies; --with-key copies the key 0600; an unwritable target writes nothing")
    func rotationKeyAndUnwritableTarget() throws {
        let (t, _) = try stocked()
        let folder = t.directory.appendingPathComponent("b").path
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        for i in 0..<4 { _ = try Backup.take(database: t.databasePath, to: folder, keep: 2, withKey: t.databasePath + ".key", now: start.addingTimeInterval(Double(i) * 60)) }
        let names = try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
        let kept = [120.0, 180].map { "shop-" + Backup.stamp(start.addingTimeInterval($0)) + ".sqlite" }
        #expect(names == [kept[0], kept[0] + ".key", kept[1], kept[1] + ".key"], "the two newest copies, each with its key")
        var info = stat()
        stat(folder + "/" + names[1], &info)
        #expect(info.st_mode & 0o777 == 0o600)

        let locked = t.directory.appendingPathComponent("locked").path
        try FileManager.default.createDirectory(atPath: locked, withIntermediateDirectories: true)
        chmod(locked, 0o500)
        defer { chmod(locked, 0o700) }
        if getuid() != 0 {   // root writes anywhere on disk; sysfs refuses even root (below)
            expectError("backup_failed") { try Backup.take(database: t.databasePath, to: locked + "/copy.sqlite") }
            #expect(try FileManager.default.contentsOfDirectory(atPath: locked).isEmpty)
        }
        expectError("backup_failed", "a folder nobody may write to, root included") { try Backup.take(database: t.databasePath, to: "/sys/shop-backup-test.sqlite") }
        #expect(!FileManager.default.fileExists(atPath: "/sys/shop-backup-test.sqlite"))
        expectError("backup_failed", "an existing file is never overwritten") { try Backup.take(database: t.databasePath, to: folder + "/" + names[0]) }
        expectError("backup_failed") { try Backup.take(database: t.directory.appendingPathComponent("missing.sqlite").path, to: folder + "/x.sqlite") }
    }

    @Test("restore is refused while a process has the database open, keeps the replaced file aside, and checks the result")
    func restore() throws {
        let (t, _) = try stocked()
        let copy = try Backup.take(database: t.databasePath, to: t.directory.appendingPathComponent("copy.sqlite").path).path
        let staff = try t.staff("+15550008888")
        _ = try t.shop.catalog.create(ProductDraft(sku: "LATER", name: "Added after the backup", price: 100, stock: 1), caller: staff.caller)
        t.shop.store.close()

        // Another process (the sqlite3 shell) holds the database open.
        let shell = Process()
        shell.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        shell.arguments = [t.databasePath]
        let input = Pipe(), output = Pipe()
        shell.standardInput = input
        shell.standardOutput = output
        try shell.run()
        input.fileHandleForWriting.write(Data("SELECT 'open', count(*) FROM products;\n".utf8))
        _ = output.fileHandleForReading.availableData   // it has answered: the database is open
        #expect(Backup.processesUsing(t.databasePath) == [shell.processIdentifier])
        do {
            _ = try Backup.restore(database: t.databasePath, from: copy)
            Issue.record("restore must be refused while another process has the database open")
        } catch let error as ShopError {
            #expect(error.message.contains("Process \(shell.processIdentifier) (sqlite3) has"))
        }
        try input.fileHandleForWriting.close()
        shell.waitUntilExit()

        let restored = try Backup.restore(database: t.databasePath, from: copy)
        let aside = try #require(restored.replacedPath)
        let skus = { (path: String) in try Connection(inspecting: path).query("SELECT sku FROM products ORDER BY sku") { $0.string(0) } }
        #expect(try skus(t.databasePath) == ["CAKE", "TEA"])
        #expect(try skus(aside) == ["CAKE", "LATER", "TEA"], "the replaced database is kept whole, its WAL included")
        #expect(try HealthCheck.run(database: t.databasePath) == [])
    }

    @Test("a damaged or foreign file is never restored, and the database stays as it was")
    func restoreRefusesBadBackups() throws {
        let (t, _) = try stocked()
        t.shop.store.close()
        let notADatabase = t.directory.appendingPathComponent("notes.txt").path
        try Data("hello".utf8).write(to: URL(fileURLWithPath: notADatabase))
        expectError("backup_failed") { try Backup.restore(database: t.databasePath, from: notADatabase) }
        let foreign = t.directory.appendingPathComponent("foreign.sqlite").path
        _ = try Store(path: foreign, migrations: [])
        expectError("backup_failed") { try Backup.restore(database: t.databasePath, from: foreign) }
        #expect(try Connection(inspecting: t.databasePath).scalarInt("SELECT count(*) FROM products") == 2)
        #expect(try FileManager.default.contentsOfDirectory(atPath: t.directory.path).filter { $0.contains("replaced") }.isEmpty)
    }

    @Test("check reports stock that differs from its ledger, totals that differ from their lines, and paid orders not covered")
    func checkFindsBrokenInvariants() throws {
        let (t, tea) = try stocked()
        #expect(try HealthCheck.run(database: t.databasePath) == [])
        try t.shop.store.write { db in
            try db.run("UPDATE products SET stock = stock + 1 WHERE id = ?", tea.id)
            try db.run("UPDATE product_variants SET stock = 7")
            try db.run("""
                INSERT INTO orders(number, status, subtotal, discount, total, currency, payment_method, created_at, updated_at)
                VALUES ('X-1', 'paid', 500, 0, 400, 'USD', 'card', 0, 0)
                """)
        }
        let checks = Set(try HealthCheck.run(database: t.databasePath).map(\.check))
        #expect(checks == ["stock_ledger", "order_totals", "payments"])
    }
}
