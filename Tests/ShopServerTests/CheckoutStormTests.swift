import Foundation
import Glibc
import Synchronization
import Testing
import ShopEngine
import ShopTestSupport
@testable import ShopServer

/// Two real `shop-server` processes on one database (a SQLite file, or PostgreSQL when the run
/// has `SHOP_TEST_POSTGRES`), buyers checking out through both with an `Idempotency-Key` each,
/// one server killed with SIGKILL in the middle and started again. Buyers retry a request that
/// got no answer with the same key, on either server, as a real client would.
@Suite("Checkout storm across processes, one killed with SIGKILL", .serialized)
struct CheckoutStormTests {
    static let initialStock: Int64 = 50

    /// One `shop-server` process on the test's database.
    final class ServerProcess: @unchecked Sendable {   // killed once, from one thread
        let port: Int
        private let process = Process()

        init(database: TemporaryShop<SystemClock>, port: Int) throws {
            self.port = port
            process.executableURL = APIExecutableTests.executable
            process.arguments = ["--db", database.databasePath, "--port", String(port), "--quiet", "--workers", "4"]
            var environment = ProcessInfo.processInfo.environment
            environment["SHOP_ASSETS"] = APIServer.packageRoot.appendingPathComponent("assets").path
            process.environment = environment
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            let deadline = Date().addingTimeInterval(60)
            while Date() < deadline && process.isRunning {
                if let client = try? TestClient(port: port, receiveTimeout: 5), client.get("/healthz")?.status == 200 { return }
                usleep(50_000)
            }
            throw TestSupportError("shop-server did not answer on port \(port)")
        }

        func killNine() {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }

        deinit { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
    }

    static var dateAWeekAhead: String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd"
        return formatter.string(from: Date().addingTimeInterval(7 * 86_400))
    }

    /// What one buyer's key finally got: an order (201 first time, 200 on a replay) or out of stock.
    enum Outcome: Equatable { case order(id: Int64, quantity: Int64), outOfStock }

    @Test("every acknowledged order survives, a retried key never makes a second order, stock + sold = initial")
    func killNineMidStorm() throws {
        let t = try TemporaryShop(clock: SystemClock(), prefix: "storm")
        defer { t.close() }
        let staff = try t.person("+15550061999", role: .staff)
        let product = try t.shop.catalog.create(ProductDraft(sku: "STORM", name: "Storm tea", category: "Tea", price: 500, stock: Self.initialStock),
                                                caller: staff.caller)
        let buyers = try (0..<10).map { try t.customer(String(format: "+15550061%03d", $0)) }
        let ports = [try freeTCPPort(), try freeTCPPort()]
        let first = try ServerProcess(database: t, port: ports[0]), second = try ServerProcess(database: t, port: ports[1])

        let outcomes = Mutex<[String: Outcome]>([:])
        let acknowledged = Atomic<Int>(0)
        let killed = Atomic<Bool>(false)
        let retries = Atomic<Int>(0)
        let delivery = Self.dateAWeekAhead
        // 10 buyers × 4 orders of 1–2 units (60): more than the stock, so the last ones are refused.
        DispatchQueue.concurrentPerform(iterations: buyers.count) { b in
            for n in 0..<4 {
                let key = "storm-\(b)-\(n)"
                let quantity = Int64(1 + (b + n) % 2)
                let body = #"{"items":[{"product_id":\#(product.id),"quantity":\#(quantity)}],"first_name":"Storm","last_name":"Buyer","phone":"+15550061999","address":"1 Main Street","postal_code":"6135135","delivery_date":"\#(delivery)","payment_method":"cash_on_delivery"}"#
                var attempt = 0
                while true {
                    attempt += 1
                    let port = ports[(b + n + attempt) % 2]
                    guard let client = try? TestClient(port: port, receiveTimeout: 20) else { retries.add(1, ordering: .relaxed); usleep(50_000); continue }
                    client.send("POST /api/v1/orders HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer \(buyers[b].access)\r\nIdempotency-Key: \(key)\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)")
                    guard let response = client.readResponse() else { retries.add(1, ordering: .relaxed); usleep(50_000); continue }   // killed mid-request: retry
                    let json = (try? JSONSerialization.jsonObject(with: Data(response.body))) as? [String: Any]
                    if response.status == 201 || response.status == 200, let id = (json?["id"] as? NSNumber)?.int64Value {
                        outcomes.withLock { $0[key] = .order(id: id, quantity: quantity) }
                        acknowledged.add(1, ordering: .relaxed)
                        break
                    }
                    if response.status == 409, json?["code"] as? String == "out_of_stock" { outcomes.withLock { $0[key] = .outOfStock }; break }
                    if response.status >= 500 || response.status == 503 { usleep(50_000); continue }   // a server going down or busy
                    Issue.record("\(key): \(response.status) \(response.bodyText)")
                    break
                }
                if b == 0 && n == 1 {
                    // The storm is on: kill one server without warning, then start it again.
                    while acknowledged.load(ordering: .relaxed) < 8 { usleep(10_000) }
                    if !killed.exchange(true, ordering: .relaxed) { first.killNine() }
                }
            }
        }
        let wasKilled = killed.load(ordering: .relaxed)
        #expect(wasKilled, "one server was killed during the storm")
        let retried = retries.load(ordering: .relaxed)
        #expect(retried > 0, "buyers retried requests the killed server did not answer")
        let restarted = try ServerProcess(database: t, port: ports[0])   // starts again on what the kill left

        let finals = outcomes.withLock { $0 }
        #expect(finals.count == buyers.count * 4, "every key got a final answer")
        let ordered: [(id: Int64, quantity: Int64)] = finals.values.compactMap { outcome in
            if case .order(let id, let quantity) = outcome { return (id, quantity) }
            return nil
        }
        let orderIDs = Set(ordered.map { $0.id })
        #expect(orderIDs.count == ordered.count, "no two keys share an order")

        // What the database holds: exactly the acknowledged orders, no extra one from a retry.
        let stored: [(id: Int64, quantity: Int64)] = try t.shop.store.read { db in
            try db.query("SELECT o.id, i.quantity FROM orders o JOIN order_items i ON i.order_id = o.id WHERE i.product_id = ?", product.id) {
                ($0.int64("id"), $0.int64("quantity"))
            }
        }
        #expect(Set(stored.map { $0.id }) == orderIDs, "every acknowledged order survives and there is no other")
        let sold = stored.reduce(Int64(0)) { $0 + $1.quantity }
        let stock = try t.shop.catalog.product(id: product.id, caller: staff.caller).stock
        #expect(stock >= 0)
        #expect(stock + sold == Self.initialStock, "stock \(stock) + sold \(sold) = \(Self.initialStock)")
        #expect(finals.values.contains(.outOfStock) && stock < 2, "demand exceeded the stock: the last buyers were refused")
        withExtendedLifetime((first, second, restarted)) {}
    }
}
