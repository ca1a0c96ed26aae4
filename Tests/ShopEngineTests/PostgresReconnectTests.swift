import Foundation
import Testing
import ShopTestSupport
@testable import ShopEngine

/// A lost PostgreSQL connection (a restarted server or PgBouncer, a terminated backend): the next
/// request works; a checkout cut off before its COMMIT runs once more on a new connection and
/// makes one order; one cut off during its COMMIT is never run twice. Runs only with
/// `SHOP_TEST_POSTGRES` (see `TestDatabase`).
@Suite("PostgreSQL: a lost connection", .enabled(if: TestDatabase.isPostgres, "set SHOP_TEST_POSTGRES to a PostgreSQL admin URL"))
struct PostgresReconnectTests {
    /// A trigger function that ends its own connection the first time it fires (a sequence
    /// remembers it: sequences are not rolled back), and how often it fired.
    static let cutOnce = """
    CREATE SEQUENCE cut_once;
    CREATE FUNCTION cut_connection_once() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF nextval('cut_once') = 1 THEN PERFORM pg_terminate_backend(pg_backend_pid()); END IF;
        RETURN NULL;
    END $$;
    """

    /// The fixture's shop, and the same shop opened straight on the server: PgBouncer hides a
    /// server connection that ended between transactions, a direct connection does not.
    func direct(_ f: CommerceFixture) throws -> Shop {
        var configuration = f.t.configuration
        configuration.databasePath = try #require(f.t.postgres).directURL
        return try Shop(configuration)
    }

    func buy(_ shop: Shop, _ f: CommerceFixture, quantity: Int64 = 1) throws -> Order {
        try shop.orders.create(OrderRequest(items: [.init(productID: f.tea.id, quantity: quantity)], contact: .sample, paymentMethod: .cashOnDelivery),
                               caller: f.customer.caller)
    }

    func fired(_ f: CommerceFixture) throws -> Int64 {
        try f.shop.store.read { try $0.scalarInt("SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM cut_once") ?? -1 }
    }

    @Test("after the server ended every pooled connection, the next checkout succeeds, once")
    func serverEndedIdleConnections() throws {
        let f = try CommerceFixture()
        let straight = try direct(f)
        defer { straight.store.close() }
        for shop in [f.shop, straight] {
            _ = try buy(shop, f)              // leaves a connection in the pool
            try f.t.postgres!.terminateBackends()
            _ = try buy(shop, f, quantity: 2) // its pooled connection is gone
        }
        #expect(try f.count("SELECT count(*) FROM orders") == 4)
        #expect(try f.stock(f.tea) == 10 - 6)
    }

    @Test("a checkout whose connection is lost before its COMMIT runs once more on a new connection: one order, stock taken once")
    func lostBeforeCommitRunsAgain() throws {
        let f = try CommerceFixture()
        try f.shop.store.write { db in
            try db.execute(Self.cutOnce)
            try db.execute("CREATE TRIGGER cut_mid_checkout AFTER INSERT ON orders FOR EACH ROW EXECUTE FUNCTION cut_connection_once()")
        }
        let order = try buy(f.shop, f, quantity: 3)
        #expect(try fired(f) == 2, "the first try was cut off, the second ran to its end")
        #expect(try f.count("SELECT count(*) FROM orders") == 1)
        #expect(try f.stock(f.tea) == 7)
        #expect(try f.count("SELECT count(*) FROM stock_ledger WHERE reason = 'sale'") == 1)
        #expect(try f.shop.orders.list(limit: 10, caller: f.customer.caller).items.map(\.id) == [order.id])
    }

    @Test("a checkout whose connection is lost during its COMMIT is not run again: the caller gets the error")
    func lostDuringCommitIsReported() throws {
        let f = try CommerceFixture()
        try f.shop.store.write { db in
            try db.execute(Self.cutOnce)
            // Deferred: fires inside COMMIT, after the engine sent it.
            try db.execute("CREATE CONSTRAINT TRIGGER cut_in_commit AFTER INSERT ON orders DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION cut_connection_once()")
        }
        #expect(throws: (any Error).self) { try buy(f.shop, f) }
        #expect(try fired(f) == 1, "the checkout ran once")
        #expect(try f.count("SELECT count(*) FROM orders") == 0)
        #expect(try f.stock(f.tea) == 10)
        _ = try buy(f.shop, f)   // and the shop goes on
        #expect(try f.count("SELECT count(*) FROM orders") == 1)
    }

    @Test("PgBouncer dropping every client connection (KILL, as a restart does) or its server connections (RECONNECT): the next checkout succeeds, once",
          .enabled(if: ProcessInfo.processInfo.environment["SHOP_TEST_POSTGRES_VIA"] != nil, "needs PgBouncer (SHOP_TEST_POSTGRES_VIA)"))
    func poolerRestart() throws {
        let f = try CommerceFixture()
        let database = try #require(f.t.postgres)
        let pooler = try #require(try database.poolerAdmin)
        _ = try buy(f.shop, f)
        try pooler.execute("KILL \(database.name)")
        try pooler.execute("RESUME \(database.name)")
        _ = try buy(f.shop, f)
        try pooler.execute("RECONNECT \(database.name)")
        _ = try buy(f.shop, f)
        #expect(try f.count("SELECT count(*) FROM orders") == 3)
        #expect(try f.stock(f.tea) == 7)
    }
}
