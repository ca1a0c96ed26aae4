import Foundation
import Testing
import ShopTestSupport
@testable import ShopEngine

/// The store's change counter (`Store.changeCounter`) tells open screens and caches that the
/// shop's data changed: every commit of this shop counts, in any process, and nothing else does.
@Suite("Change counter")
struct ChangeCounterTests {
    @Test("a write by another process is seen on the very next check; reads and a rolled-back write are not changes")
    func anotherProcessWrites() throws {
        let t = try TestShop()
        defer { t.close() }
        let store = t.shop.store
        let before = try store.changeCounter()
        #expect(try store.changeCounter() == before, "nothing changed")
        _ = try store.read { try $0.scalarInt("SELECT count(*) FROM products") }
        #expect(try store.changeCounter() == before, "a read is no change")
        struct Abandon: Error {}
        #expect(throws: Abandon.self) {
            try store.write { db in
                try db.run("INSERT INTO settings(key, value) VALUES ('store_name', 'Never')")
                throw Abandon()
            }
        }
        #expect(try store.changeCounter() == before, "a rolled-back write is no change")

        // A customer account created by another program on the same database.
        let results = try LoadProcess.runAll([["tokens", t.databasePath, "1"]])
        #expect(results.map(\.status) == [0], "\(results.map(\.stderr))")
        #expect(try store.changeCounter() != before, "seen on the very next check")
    }

    @Test("writes to another database of the same PostgreSQL cluster and a CHECKPOINT are no change to this shop",
          .enabled(if: TestDatabase.isPostgres, "needs PostgreSQL"))
    func otherDatabasesDoNotCount() throws {
        let t = try TestShop()
        defer { t.close() }
        let postgres = try #require(t.postgres)
        let other = try TestDatabase.createPostgres()
        defer { other.drop() }
        let before = try t.shop.store.changeCounter()

        let neighbour = try Connection(postgres: other.url)
        try neighbour.execute("CREATE TABLE busy(x BIGINT)")
        for n in 0..<20 { try neighbour.run("INSERT INTO busy VALUES (?)", Int64(n)) }
        let admin = try Connection(postgres: postgres.adminURL)
        try admin.execute("CHECKPOINT")
        #expect(try t.shop.store.changeCounter() == before, "another database's writes and a checkpoint moved the counter")

        try t.shop.store.write { try $0.run("INSERT INTO settings(key, value) VALUES ('store_name', 'Here')") }
        #expect(try t.shop.store.changeCounter() != before, "this shop's own write does")
    }

    @Test("writers on many connections at once each count once, and folding the rows of ended server processes keeps the count",
          .enabled(if: TestDatabase.isPostgres, "needs PostgreSQL"))
    func concurrentWritersAndFolding() throws {
        let t = try TestShop()
        defer { t.close() }
        let postgres = try #require(t.postgres)
        let store = t.shop.store
        let before = try store.changeCounter()
        DispatchQueue.concurrentPerform(iterations: 4) { worker in
            for n in 0..<25 {
                try! store.write { try $0.run("INSERT INTO settings(key, value) VALUES (?, 'x')", "bench_\(worker)_\(n)") }
            }
        }
        #expect(try store.changeCounter() == before + 100, "one count per committed write transaction")

        // Every server process ends (a restart): their rows are folded into row 0, the sum stays.
        try postgres.terminateBackends()
        let direct = try Connection(postgres: postgres.directURL)
        try StoreChanges.fold(direct)
        #expect(try direct.scalarInt("SELECT count(*) FROM store_changes WHERE backend <> 0") == 0, "the rows of ended processes are gone")
        #expect(try store.changeCounter() == before + 100, "folding is no change")
        try store.write { try $0.run("UPDATE settings SET value = 'y' WHERE key = 'bench_0_0'") }
        #expect(try store.changeCounter() == before + 101)
    }
}
