import Foundation
import Testing
import ShopEngine
@testable import ShopServer

/// A read whose answer is kept in memory (a signed-in caller's own, or the anonymous catalog's) is
/// answered on the event-loop thread, without the trip to a worker (`Router.ImmediateHandler`). These tests hold that path to what a user
/// would notice: the same bytes as a worker's answer, nobody else's answer, and a session ended
/// anywhere refused on the very next request. On PostgreSQL the path stays out of the way (the
/// change counter is a network read there), and the same answers come from the workers.
@Suite("Kept answers sent from the event loop")
struct APIImmediateAnswerTests {
    private static let origin = "https://shop.example"
    private static let paths = ["/api/v1/me", "/api/v1/cart", "/api/v1/orders?limit=20"]

    /// Whether this backend answers from memory on the event loop (SQLite: yes).
    private func answersOnLoop(_ api: APIServer) -> Bool { !api.shop.store.location.isPostgres }

    /// The raw bytes of everything the server sends for `request` (the last request of it must
    /// close the connection), with the `Date` line taken out (it moves with the clock).
    private func exchange(_ port: Int, _ request: String) throws -> String {
        let client = try TestClient(port: port, receiveTimeout: 30)
        client.send(request)
        let raw = String(decoding: client.readToEnd(), as: UTF8.self)
        return raw.split(separator: "\r\n", omittingEmptySubsequences: false).filter { !$0.hasPrefix("Date: ") }.joined(separator: "\r\n")
    }

    /// A customer with an order and a line in the cart, so every answer has content.
    private func customerWithData(_ api: APIServer, phone: String, staffPhone: String) throws -> (Session, orderID: Int64) {
        let staff = try api.signIn(phone: staffPhone, role: .staff)
        let id = try #require(try api.createProduct(staff, sku: "SKU\(phone.suffix(4))", name: "Tea \(phone.suffix(4))").int("id"))
        let customer = try api.signIn(phone: phone)
        #expect(api.call("POST", "/cart/items", json: ["product_id": id, "quantity": 2], token: customer.access).status == 201)
        let placed = api.call("POST", "/orders", json: api.contact(["payment_method": "cash_on_delivery", "items": [["product_id": id, "quantity": 1]]]),
                              token: customer.access)
        #expect(placed.status == 201)
        return (customer, try #require(placed.int("id")))
    }

    @Test("an answer from memory is byte for byte what a worker sends: GET, HEAD, CORS, Accept-Language, HTTP/1.0, keep-alive; signed in or not")
    func sameBytes() throws {
        let api = try APIServer(corsOrigins: [Self.origin])
        defer { api.stop() }
        // The same router and shop, every request through a worker.
        let workersOnly = try LiveServer({ $0.corsOrigins = [Self.origin] }, handler: api.router.handler)
        defer { workersOnly.stop() }
        let (customer, orderID) = try customerWithData(api, phone: "+15550008201", staffPhone: "+15550008200")
        let signedIn = "Authorization: Bearer \(customer.access)\r\n"
        let productID = try #require(api.call("GET", "/products?limit=1").items.first?.int("id"))
        // Signed-in reads, and the anonymous catalog reads (kept for everyone alike).
        let reads = (Self.paths + ["/api/v1/orders/\(orderID)"]).map { ($0, signedIn) }
            + ["/api/v1/products?limit=20", "/api/v1/products/\(productID)", "/api/v1/categories"].map { ($0, "") }

        for (path, auth) in reads {
            let requests = [
                "GET \(path) HTTP/1.1\r\nHost: t\r\n\(auth)Connection: close\r\n\r\n",
                "HEAD \(path) HTTP/1.1\r\nHost: t\r\n\(auth)Connection: close\r\n\r\n",
                "GET \(path) HTTP/1.1\r\nHost: t\r\n\(auth)Origin: \(Self.origin)\r\nAccept-Language: fa\r\nConnection: close\r\n\r\n",
                "GET \(path) HTTP/1.0\r\n\(auth)Connection: keep-alive\r\n\r\nGET \(path) HTTP/1.0\r\n\(auth)\r\n\r\n",
                "GET \(path) HTTP/1.1\r\nHost: t\r\n\(auth)\r\nGET \(path) HTTP/1.1\r\nHost: t\r\n\(auth)Connection: close\r\n\r\n",
            ]
            _ = try exchange(api.port, requests[0]) // the first answer is computed and kept
            for request in requests {
                let before = api.live.server.immediateAnswers
                let fromLoop = try exchange(api.port, request)
                let fromWorker = try exchange(workersOnly.port, request)
                #expect(fromLoop == fromWorker, "\(request.debugDescription)")
                #expect(fromLoop.hasPrefix("HTTP/1.1 200 OK\r\n"), "\(fromLoop)")
                let answered = api.live.server.immediateAnswers - before
                let sent = request.components(separatedBy: " HTTP/1.").count - 1
                #expect(answered == (answersOnLoop(api) ? sent : 0), "\(path): \(answered) of \(sent) answered on the event loop")
            }
        }
        #expect(workersOnly.server.immediateAnswers == 0)
    }

    @Test("one customer's kept answer never reaches another, even on one connection, and a token off by one character is refused")
    func ownAnswersOnOneConnection() throws {
        let api = try APIServer()
        defer { api.stop() }
        let (ana, _) = try customerWithData(api, phone: "+15550008211", staffPhone: "+15550008210")
        let (ben, _) = try customerWithData(api, phone: "+15550008212", staffPhone: "+15550008210")
        for session in [ana, ben] { for path in Self.paths { #expect(api.call("GET", path, token: session.access).status == 200) } }

        // Pipelined, alternating: Ana, Ben, Ana, Ben … on one keep-alive connection.
        let before = api.live.server.immediateAnswers
        let client = try TestClient(port: api.port, receiveTimeout: 30)
        let order = (0..<6).map { $0 % 2 == 0 ? ana : ben }
        client.send(order.map { "GET /api/v1/me HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer \($0.access)\r\n\r\n" }.joined())
        for session in order {
            let response = try #require(client.readResponse())
            let user = try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any]
            #expect(response.status == 200 && (user?["id"] as? NSNumber)?.int64Value == session.userID)
        }
        if answersOnLoop(api) { #expect(api.live.server.immediateAnswers - before == order.count) }

        // Ana's token with its last character changed: not a token anyone signed in with.
        var forged = Array(ana.access.utf8)
        forged[forged.count - 1] = forged.last == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
        for path in Self.paths {
            let answer = api.call("GET", path, token: String(decoding: forged, as: UTF8.self))
            #expect(answer.status == 401, "\(path) with a forged token: \(answer.status) \(answer.text)")
        }
    }

    @Test("a session ended in another process is refused on the very next request, although the event loop answered it a moment before",
          arguments: APISignedInCacheTests.Ending.allCases)
    func endedElsewhere(_ ending: APISignedInCacheTests.Ending) throws {
        let api = try APIServer()
        defer { api.stop() }
        let (customer, _) = try customerWithData(api, phone: "+15550008221", staffPhone: "+15550008220")
        for path in Self.paths { #expect(api.call("GET", path, token: customer.access).status == 200) }
        let before = api.live.server.immediateAnswers
        for path in Self.paths { #expect(api.call("GET", path, token: customer.access).status == 200) }
        if answersOnLoop(api) { #expect(api.live.server.immediateAnswers - before == Self.paths.count, "answered on the event loop") }

        try ending.end(customer, in: api, adminPhone: "+15550008229")
        for path in Self.paths {
            let answer = api.call("GET", path, token: customer.access)
            #expect(answer.status == 401, "\(path) after \(ending): \(answer.status) \(answer.text)")
        }
    }

    @Test("a role changed in another process changes the very next order list, which the event loop answered before")
    func roleChangedElsewhere() throws {
        let api = try APIServer()
        defer { api.stop() }
        let (_, _) = try customerWithData(api, phone: "+15550008231", staffPhone: "+15550008230")
        let staff = try api.signIn(phone: "+15550008230", role: .staff)
        #expect(api.call("GET", "/orders?limit=20", token: staff.access).items.count == 1, "staff see every customer's orders")
        let before = api.live.server.immediateAnswers
        #expect(api.call("GET", "/orders?limit=20", token: staff.access).items.count == 1)
        if answersOnLoop(api) { #expect(api.live.server.immediateAnswers == before + 1, "answered on the event loop") }

        let other = try api.temporary.openAgain()
        defer { other.store.close() }
        _ = try other.admin.localSetRole(phone: "+15550008230", role: .customer)
        #expect(api.call("GET", "/orders?limit=20", token: staff.access).items.isEmpty, "demoted: only their own orders (none)")
    }

    @Test("the change counter read without waiting moves with every commit in another process, and with none")
    func counterWithoutWaiting() throws {
        let api = try APIServer()
        defer { api.stop() }
        let store = api.shop.store
        guard answersOnLoop(api) else { #expect(store.changeCounterIfReady() == nil); return }
        let other = try api.temporary.openAgain()
        defer { other.store.close() }
        for round in 0..<12 {
            let before = try store.changeCounter()
            #expect(store.changeCounterIfReady() == before, "round \(round): nothing committed, the counter is at hand")
            #expect(try store.changeCounter() == before)
            // Another engine on the file (as another shop-server), or the sqlite3 shell, a process of its own.
            if round % 2 == 0 {
                try other.store.write { try $0.run("INSERT OR REPLACE INTO settings(key, value) VALUES ('test_round', ?)", String(round)) }
            } else {
                #expect(try api.temporary.runSQLInAnotherProcess("INSERT OR REPLACE INTO settings(key, value) VALUES ('test_round', '\(round)');") == 0)
            }
            #expect(store.changeCounterIfReady() != before, "round \(round): a commit elsewhere is never answered with the old counter")
            let after = try store.changeCounter()
            #expect(after != before, "round \(round)")
            #expect(store.changeCounterIfReady() == after)
        }
    }
}
