import Foundation
import ShopEngine

/// Where a test's database lives: a fresh SQLite file (the default), or — when
/// `SHOP_TEST_POSTGRES` holds an admin URL (`postgres://postgres@127.0.0.1:PORT/postgres`, the
/// cluster's `SHOP_PG_ADMIN_URL`) — a fresh PostgreSQL database `shop_test_<random>` owned by
/// `shop` (`SHOP_TEST_POSTGRES_USER`), dropped when the test's shop closes. The shop connects
/// through `SHOP_TEST_POSTGRES_VIA` (PgBouncer's port) when set.
///
/// ```sh
/// source /tmp/pg-core/env
/// SHOP_TEST_POSTGRES=$SHOP_PG_ADMIN_URL swift test --skip-build --filter ShopEngineTests
/// ```
public enum TestDatabase {
    static var environment: [String: String] { ProcessInfo.processInfo.environment }

    public static var postgresAdminURL: String? { environment["SHOP_TEST_POSTGRES"].flatMap { $0.isEmpty ? nil : $0 } }

    /// True when tests run on PostgreSQL: tests about SQLite files themselves skip then.
    public static var isPostgres: Bool { postgresAdminURL != nil }

    /// One key file for every shop of a PostgreSQL test run, as every host of a PostgreSQL shop
    /// shares one: set as `SHOP_SECRET_FILE` for this process and the processes it starts
    /// (`shop-load`, `shop-server`), which need it to open a PostgreSQL shop at all.
    public static let sharedSecretFile: String = {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("shop-test-pg-\(getpid()).key").path
        setenv("SHOP_SECRET_FILE", path, 1)
        return path
    }()

    /// A new empty PostgreSQL database for one test.
    public static func createPostgres() throws -> PostgresTestDatabase {
        guard let admin = postgresAdminURL, let parts = URLComponents(string: admin), let host = parts.host else {
            throw TestSupportError("SHOP_TEST_POSTGRES must be a postgres:// admin URL")
        }
        let owner = environment["SHOP_TEST_POSTGRES_USER"] ?? "shop"
        let port = parts.port ?? 5432
        let via = environment["SHOP_TEST_POSTGRES_VIA"].flatMap(Int.init) ?? port
        let name = "shop_test_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(16)
        let connection = try Connection(postgres: admin)
        try connection.execute("CREATE DATABASE \(name) OWNER \(owner)")
        return PostgresTestDatabase(name: name, adminURL: admin,
                                    url: "postgres://\(owner)@\(host):\(via)/\(name)",
                                    directURL: "postgres://\(owner)@\(host):\(port)/\(name)")
    }
}

/// One test's PostgreSQL database; `drop()` removes it (ending any connection left to it).
public struct PostgresTestDatabase: Sendable {
    public let name: String
    public let adminURL: String
    /// What the shop connects to (through PgBouncer when `SHOP_TEST_POSTGRES_VIA` is set).
    public let url: String
    /// Straight to the server, never through PgBouncer.
    public let directURL: String

    public func drop() {
        try? Connection(postgres: adminURL).execute("DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
    }

    /// Ends every server connection to this database (`pg_terminate_backend`), as a server
    /// restart or an operator would, and waits until they are gone.
    public func terminateBackends() throws {
        let admin = try Connection(postgres: adminURL)
        try admin.run("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = ? AND pid <> pg_backend_pid()", name)
        var waited = 0
        while try admin.scalarInt("SELECT count(*) FROM pg_stat_activity WHERE datname = ?", name) ?? 0 > 0 {
            guard waited < 1_000 else { throw TestSupportError("backends of \(name) still there after 10 s") }
            usleep(10_000)
            waited += 1
        }
    }

    /// PgBouncer's admin console (`SHOW POOLS`, `KILL db`, `RESUME db`), when the shop goes
    /// through PgBouncer (`SHOP_TEST_POSTGRES_VIA`).
    public var poolerAdmin: Connection? {
        get throws {
            guard let shop = URLComponents(string: url), let admin = URLComponents(string: adminURL),
                  shop.port != admin.port, let host = shop.host, let port = shop.port else { return nil }
            return try Connection(postgres: "postgres://\(admin.user ?? "postgres")@\(host):\(port)/pgbouncer")
        }
    }
}
