import Foundation
import Testing
@testable import ShopEngine

/// A database written by an earlier release opens in this one with nothing lost. Each fixture
/// under Fixtures/ is an SQL dump made by scripts/make-upgrade-fixture.sh with that release;
/// every new migration must keep this test passing.
@Suite("Upgrades from earlier releases")
struct UpgradeTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    /// Loads a dump into a new file with the sqlite3 shell (it also restores the FTS tables).
    static func load(_ name: String, into path: String) throws {
        let shell = Process()
        shell.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        shell.arguments = [path]
        shell.standardInput = try FileHandle(forReadingFrom: fixtures.appendingPathComponent(name))
        try shell.run()
        shell.waitUntilExit()
        #expect(shell.terminationStatus == 0)
    }

    @Test("the release-2026-11 database opens with every kind of record readable and every check passing")
    func release202611() throws {
        let t = try TestShop()
        let path = t.directory.appendingPathComponent("old.sqlite").path
        try Self.load("release-2026-11.sql", into: path)
        let shop = try Shop(ShopConfiguration(databasePath: path, messages: .file(t.messagesPath), passwordIterations: 1_000))
        #expect(try HealthCheck.run(database: path) == [])
        let admin = try shop.admin.localSignIn(phone: "+15550100999").caller

        // Catalog: products with variants, Persian names, search, photos, the ledger.
        let all = try shop.catalog.list(ProductQuery(limit: 100, includeInactive: true), caller: admin).items
        #expect(all.count == 40)
        #expect(all.contains { !$0.variants.isEmpty } && all.contains { $0.name.unicodeScalars.contains { (0x0600...0x06FF).contains($0.value) } })
        #expect(try shop.catalog.list(ProductQuery(text: "bread"), caller: .guest()).items.count > 0, "the search index survives")
        #expect(try shop.catalog.photo(productID: 1, caller: .guest()).contentType == "image/png")
        #expect(try shop.settings().lowStockThreshold == 4)

        // Orders in every status, a counter sale, a return, payments of each kind, a coupon.
        let orders = try shop.orders.list(limit: 100, caller: admin).items
        #expect(Set(orders.map(\.status)) == Set(OrderStatus.allCases))
        #expect(orders.contains { $0.channel == .counter })
        #expect(orders.contains { !$0.returns.isEmpty && $0.refunded > 0 })
        #expect(try shop.orders.coupons(caller: admin).contains { $0.code == "FIXTURE-10" })

        // Accounts: the demo's people, a password account whose email and phone wait for codes,
        // a remembered key, a photo.
        let users = try shop.admin.localListUsers()
        let fixture = try #require(users.first { $0.username == "fixture" })
        #expect(fixture.email == "fixture@example.com" && !fixture.emailVerified && !fixture.phoneVerified)
        _ = try shop.accounts.login("fixture", password: "fixture-pass-1", caller: .guest())
        let customer = try shop.admin.localSignIn(phone: "+15550100001").caller
        #expect(try shop.accounts.rememberedKeys(caller: customer).map(\.fingerprint) == ["SHA256:fixture"])
        #expect(try shop.accounts.photo(caller: customer).contentType == "image/png")
        #expect(try shop.accounts.exportData(caller: customer).orders.count >= 1)
    }
}
