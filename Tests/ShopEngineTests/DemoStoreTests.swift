import Foundation
import Synchronization
import Testing
import ShopTestSupport
@testable import ShopEngine

@Suite("Demo store")
struct DemoStoreTests {
    @Test("the demo fills an empty store with ~40 products, staff, customers and orders in every status")
    func seed() throws {
        let t = try TestShop(currency: try DemoStore.currency())
        try DemoStore.seed(t.shop)
        let staff = try t.shop.admin.localSignIn(phone: "+15550100900").caller
        var products: [Product] = []
        var cursor: String?
        repeat {
            let page = try t.shop.catalog.list(ProductQuery(limit: 100, cursor: cursor), caller: .guest())
            products += page.items
            cursor = page.nextCursor
        } while cursor != nil
        #expect(products.count >= 35)
        #expect(products.contains { $0.name == "نان سنگک" })
        #expect(products.contains { !$0.variants.isEmpty })
        #expect(products.contains { $0.stock <= 2 })
        #expect(try t.shop.catalog.categories(caller: .guest()).count >= 5)
        let statuses = Set(try t.shop.orders.list(limit: 100, caller: staff).items.map(\.status))
        #expect(statuses == Set(OrderStatus.allCases))
        #expect(t.shop.storeName().contains("Demo"))
        expectError("not_empty") { try DemoStore.seed(t.shop) }
        #expect(try DemoStore.people().contains { $0.role == .admin })
    }

    @Test("--demo uses a temporary file, or a named one only while it is empty", .disabled(if: TestDatabase.isPostgres, "about SQLite demo files"))
    func demoDatabase() throws {
        let demo = try DemoDatabase.open(try Options.parse(["--demo"], flags: Options.engineFlags + [.init("demo", help: "")]))
        #expect(demo.isTemporary)
        #expect(FileManager.default.fileExists(atPath: demo.path))
        demo.remove()
        #expect(!FileManager.default.fileExists(atPath: demo.path))

        let t = try TestShop()
        _ = try t.customer()
        let flags = Options.engineFlags + [.init("demo", help: "")]
        expectError("not_empty") { try DemoDatabase.open(try Options.parse(["--demo", "--db", t.databasePath], flags: flags)) }
        let other = t.directory.appendingPathComponent("other.sqlite").path
        _ = FileManager.default.createFile(atPath: other, contents: Data("not a database at all".utf8))
        expectError("not_empty") { try DemoDatabase.open(try Options.parse(["--demo", "--db", other], flags: flags)) }
        #expect(try String(contentsOfFile: other, encoding: .utf8) == "not a database at all", "left untouched")
        let fresh = t.directory.appendingPathComponent("fresh.sqlite").path
        let named = try DemoDatabase.open(try Options.parse(["--demo", "--db", fresh], flags: flags))
        #expect(!named.isTemporary)
        named.remove()
        #expect(FileManager.default.fileExists(atPath: fresh), "a named demo database is kept")
    }

    @Test("--demo on a named empty database (a file, or PostgreSQL) fills it once however many start on it together, and later starts use it; another shop or the demo in the other language is refused")
    func namedDemoFilledOnce() throws {
        let t = try TestShop()          // holds another shop (a customer), and gives a folder
        _ = try t.customer()
        let database = TestDatabase.isPostgres ? try TestDatabase.createPostgres() : nil
        defer { database?.drop() }
        let target = database?.url ?? t.directory.appendingPathComponent("named.sqlite").path
        let flags = Options.engineFlags + [.init("demo", help: "")]
        let options = try Options.parse(["--demo", "--db", target], flags: flags)
        let catalog = try DemoStore.load()

        let opened = Mutex<[DemoDatabase]>([])
        let failures = Mutex<[String]>([])
        DispatchQueue.concurrentPerform(iterations: 4) { _ in
            do {
                let demo = try DemoDatabase.open(options)
                opened.withLock { $0.append(demo) }
            } catch {
                failures.withLock { $0.append("\(error)") }
            }
        }
        #expect(failures.withLock { $0 } == [])
        let again = try DemoDatabase.open(options)   // a later start
        defer { (opened.withLock { $0 } + [again]).forEach { $0.shop.store.close() } }
        #expect(!again.isTemporary)
        let counts = try again.shop.store.read { db in
            [try db.scalarInt("SELECT count(*) FROM products"), try db.scalarInt("SELECT count(*) FROM orders")]
        }
        #expect(counts == [Int64(catalog.products.count), Int64(catalog.orders.count)], "filled once")

        expectError("not_empty") { try DemoDatabase.open(options, language: .fa) }
        #expect(try again.shop.store.read { try $0.scalarString("SELECT value FROM settings WHERE key = 'currency'") } == (try DemoStore.currency()).spec,
                "the refused Persian demo changed nothing")
        expectError("not_empty") { try DemoDatabase.open(try Options.parse(["--demo", "--db", t.databasePath], flags: flags)) }
    }
}
