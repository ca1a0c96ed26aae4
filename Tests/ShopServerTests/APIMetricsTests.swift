import Foundation
import Glibc
import Testing
import ShopEngine
@testable import ShopServer

/// `GET /metrics` on a live server: the counters move by exactly what was sent, labels are route
/// patterns, the page parses, and only local clients or staff may read it.
@Suite("API metrics", .serialized)
struct APIMetricsTests {
    private func scrape(_ api: APIServer, headers: [String: String] = [:], token: String? = nil) throws -> MetricsPage {
        let response = api.call("GET", "/metrics", token: token, headers: headers)
        try #require(response.status == 200, "\(response.status) \(response.text)")
        #expect(response.headers["content-type"]?.hasPrefix("text/plain; version=0.0.4") == true)
        return try MetricsPage(response.text)
    }

    private func poll(_ seconds: Double = 10, _ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline { if condition() { return true }; usleep(10_000) }
        return condition()
    }

    @Test("requests are counted by route pattern, method and status, exactly as many as were sent")
    func requestsByRoute() throws {
        let api = try APIServer()
        defer { api.stop() }
        let before = try scrape(api)
        for id in [1, 2, 424242] { api.call("GET", "/products/\(id)") }            // all 404: no such product
        api.call("GET", "/products/not-a-number")                                  // 404 from the same route
        api.call("GET", "/categories")
        api.call("GET", "/categories")
        api.call("GET", "/no/such/path/\(UUID().uuidString)")                      // no route: unmatched
        api.call("DELETE", "/healthz")                                             // 405: unmatched too
        let after = try scrape(api)

        func delta(_ route: String, _ method: String, _ status: Int) -> Double {
            let labels = ["route": route, "method": method, "status": String(status)]
            return after.value("shop_http_requests_total", labels) - before.value("shop_http_requests_total", labels)
        }
        #expect(delta("/api/v1/products/{id}", "GET", 404) == 4)
        #expect(delta("/api/v1/categories", "GET", 200) == 2)
        #expect(delta("unmatched", "GET", 404) == 1)
        #expect(delta("unmatched", "DELETE", 405) == 1)
        #expect(delta("/metrics", "GET", 200) == 1) // the first scrape; the second is counted after it is rendered

        // Label values are patterns only: no raw path, id or random segment ever becomes a label.
        let routes = Set(after.samples.compactMap { $0.labels["route"] })
        let patterns = Set(api.router.routes.map(\.pattern)).union(["unmatched"])
        #expect(routes.isSubset(of: patterns), "\(routes.subtracting(patterns))")

        // Every request between the scrapes (8, and the first scrape itself) is in the histogram once.
        let count = after.value("shop_http_request_duration_seconds_count") - before.value("shop_http_request_duration_seconds_count")
        #expect(count == 9)
        let sent = after.samples.filter { $0.name == "shop_http_requests_total" }.map(\.value).reduce(0, +)
        #expect(after.value("shop_http_request_duration_seconds_count") == sent)
        #expect(after.value("shop_http_request_duration_seconds_bucket", ["le": "+Inf"]) == sent)
        let buckets = after.samples.filter { $0.name == "shop_http_request_duration_seconds_bucket" }.map(\.value)
        #expect(buckets == buckets.sorted(), "buckets are cumulative")
        #expect(after.value("shop_http_request_duration_seconds_sum") > 0)
    }

    @Test("the page parses: HELP and TYPE for every family, counters end in _total, one histogram")
    func pageFormat() throws {
        let api = try APIServer()
        defer { api.stop() }
        api.call("GET", "/healthz")
        let page = try scrape(api)
        for (name, type) in page.types where type == "counter" {
            #expect(name.hasSuffix("_total"), "\(name)")
        }
        #expect(page.types["shop_http_request_duration_seconds"] == "histogram")
        #expect(page.types["shop_http_open_connections"] == "gauge")
        for family in ["shop_orders_placed_total", "shop_checkouts_out_of_stock_total", "shop_db_busy_waits_total",
                       "shop_db_busy_wait_seconds_total", "shop_http_requests_total"] {
            #expect(page.types[family] == "counter", "\(family)")
        }
        let bounds = page.samples.filter { $0.name == "shop_http_request_duration_seconds_bucket" }.compactMap { $0.labels["le"] }
        #expect(bounds.last == "+Inf")
        #expect(bounds.dropLast().compactMap(Double.init) == ServerMetrics.latencyBuckets)

        // The store's busy waits are rendered from BusyWaits' snapshot.
        let rendered = try MetricsPage(api.metrics.render(busyWaits: .init(retries: 3, nanoseconds: 1_500_000_000)))
        #expect(rendered.value("shop_db_busy_waits_total") == 3)
        #expect(rendered.value("shop_db_busy_wait_seconds_total") == 1.5)
    }

    @Test("orders placed and checkouts refused for stock are counted; an idempotent replay is not a new order")
    func ordersAndStock() throws {
        let api = try APIServer()
        defer { api.stop() }
        let staff = try api.signIn(phone: "+15550001001", role: .staff)
        let customer = try api.signIn(phone: "+15550001002")
        let product = try api.createProduct(staff, sku: "MET-1", stock: 1)
        let id = try #require(product["id"] as? Int)
        let before = try scrape(api)

        let order = api.contact(["items": [["product_id": id, "quantity": 1]]])
        #expect(api.call("POST", "/orders", json: order, token: customer.access, headers: ["Idempotency-Key": "metrics-1"]).status == 201)
        #expect(api.call("POST", "/orders", json: order, token: customer.access, headers: ["Idempotency-Key": "metrics-1"]).status == 200)
        let refused = api.call("POST", "/orders", json: order, token: customer.access)
        #expect(refused.status == 409 && refused.code == "out_of_stock", "\(refused.text)")

        let after = try scrape(api)
        #expect(after.value("shop_orders_placed_total") - before.value("shop_orders_placed_total") == 1)
        #expect(after.value("shop_checkouts_out_of_stock_total") - before.value("shop_checkouts_out_of_stock_total") == 1)
        #expect(after.value("shop_http_requests_total", ["route": "/api/v1/orders", "method": "POST", "status": "409"])
                - before.value("shop_http_requests_total", ["route": "/api/v1/orders", "method": "POST", "status": "409"]) == 1)
    }

    @Test("open connections go up while clients are connected and back down when they leave")
    func openConnections() throws {
        let api = try APIServer()
        defer { api.stop() }
        #expect(poll { api.metrics.connections == 0 })
        var clients = try (0..<3).map { _ in try TestClient(port: api.port) }
        #expect(poll { api.metrics.connections == 3 }, "\(api.metrics.connections)")
        let page = try MetricsPage(try #require(clients[0].get("/metrics")).bodyText)
        #expect(page.value("shop_http_open_connections") == 3)
        clients.removeAll()
        #expect(poll { api.metrics.connections == 0 }, "\(api.metrics.connections)")
    }

    @Test("a remote client is refused with 403 and the JSON error; so is a request relayed by a local proxy")
    func remoteRefused() throws {
        let api = try APIServer()
        defer { api.stop() }
        // No socket here gives a non-loopback peer: route an injected address in process.
        for address in ["203.0.113.9", "10.0.0.1", "::ffff:192.0.2.1", "2001:db8::1"] {
            let response = api.router.handle(HTTPRequest(method: "GET", target: "/metrics", headers: ["Host": "t"], remoteAddress: address))
            #expect(response.status == 403, "\(address)")
            let body = try #require(try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any])
            #expect(body["code"] as? String == "forbidden")
            #expect(body["error"] is String)
        }
        for address in ["127.0.0.1", "127.8.9.10", "::1", "::ffff:127.0.0.1"] {
            let response = api.router.handle(HTTPRequest(method: "GET", target: "/metrics", headers: ["Host": "t"], remoteAddress: address))
            #expect(response.status == 200, "\(address)")
        }
        #expect(!ShopAPI.isLocalClient(address: "1270.0.0.1", headers: { _ in nil }))
        #expect(!ShopAPI.isLocalClient(address: "127.0.0.1", headers: { $0 == "x-real-ip" ? "198.51.100.4" : nil }))

        // Over the socket: a loopback peer that relays for someone else needs a staff token.
        let relayed = ["X-Forwarded-For": "198.51.100.7"]
        let anonymous = api.call("GET", "/metrics", headers: relayed)
        #expect(anonymous.status == 403 && anonymous.code == "forbidden", "\(anonymous.status) \(anonymous.text)")
        #expect(api.call("GET", "/metrics", headers: ["Forwarded": "for=198.51.100.7"]).status == 403)
        let customer = try api.signIn(phone: "+15550001003")
        #expect(api.call("GET", "/metrics", token: customer.access, headers: relayed).status == 403)
        #expect(api.call("GET", "/metrics", token: "not-a-token", headers: relayed).status == 401)
        let staff = try api.signIn(phone: "+15550001004", role: .staff)
        let page = try scrape(api, headers: relayed, token: staff.access)
        #expect(page.types["shop_http_requests_total"] == "counter")
        let admin = try api.signIn(phone: "+15550001005", role: .admin)
        _ = try scrape(api, headers: relayed, token: admin.access)
    }
}
