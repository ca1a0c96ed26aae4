import Foundation
import Glibc
import Testing
import ShopEngine
@testable import ShopServer

/// Malformed HTTP, limits, concurrency and CORS through the full API server.
@Suite("API robustness")
struct APIRobustnessTests {

    @Test("oversized JSON (413), image over 2 MiB (413), non-PNG bytes to a photo route (415)")
    func limits() throws {
        let api = try APIServer()
        defer { api.stop() }
        let staff = try api.signIn(phone: "+15550009000", role: .staff)
        let pid = try #require(try api.createProduct(staff, sku: "BIG", price: 1, stock: 1).int("id"))
        let bigJSON = Array(("{\"phone\":\"" + String(repeating: "1", count: 1_100_000) + "\"}").utf8)
        let big = api.call("POST", "/auth/otp/request", body: bigJSON, contentType: "application/json")
        #expect(big.status == 413)
        #expect(big.isErrorBody)
        // Just under the JSON limit but with an over-long string: a 400 naming the field.
        let longString = api.call("POST", "/products", json: ["sku": "L", "name": String(repeating: "n", count: 200_000), "price": 1], token: staff.access)
        #expect(longString.status == 400)
        let bigImage = api.call("PUT", "/products/\(pid)/photo", body: TestImages.pngSized(2 * 1024 * 1024 + 1), contentType: "image/png", token: staff.access)
        #expect(bigImage.status == 413)
        #expect(bigImage.isErrorBody)
        let bigMe = api.call("PUT", "/me/photo", body: TestImages.pngSized(2 * 1024 * 1024 + 1), contentType: "image/png", token: staff.access)
        #expect(bigMe.status == 413)
        let notPNG = api.call("PUT", "/products/\(pid)/photo", body: Array("<svg xmlns='http://www.w3.org/2000/svg'/>".utf8), contentType: "image/png", token: staff.access)
        #expect(notPNG.status == 415)
        #expect(notPNG.isErrorBody)
        let svg = api.call("PUT", "/products/\(pid)/photo", body: Array("<svg/>".utf8), contentType: "image/svg+xml", token: staff.access)
        #expect(svg.status == 415)
        // A JPEG labelled PNG is refused too (type must match the bytes).
        let jpegAsPNG = api.call("PUT", "/products/\(pid)/photo", body: [0xFF, 0xD8, 0xFF, 0xE0] + [UInt8](repeating: 0, count: 64), contentType: "image/png", token: staff.access)
        #expect(jpegAsPNG.status == 415)
        #expect(api.call("GET", "/products/\(pid)").object["has_photo"] as? Bool == false)
        // The server still works.
        #expect(api.call("GET", "/healthz").status == 200)
    }

    @Test("request smuggling shapes, garbage bytes and a client that stops mid-request are refused without harm")
    func malformedHTTP() throws {
        let api = try APIServer()
        defer { api.stop() }
        let session = try api.signIn(phone: "+15550009010")
        let cases: [(String, Int)] = [
            ("POST /api/v1/cart/items HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400),
            ("POST /api/v1/cart/items HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!", 400),
            ("POST /api/v1/cart/items HTTP/1.1\r\nHost: t\r\nContent-Length: -1\r\n\r\n", 400),
            ("POST /api/v1/cart/items HTTP/1.1\r\nHost: t\r\nContent-Length: 1,1\r\n\r\nx", 400),
            ("POST /api/v1/cart/items HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 411),
            ("GET /api/v1/products HTTP/1.1\r\n\r\n", 400),
            ("GET /api/v1/products HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400),
            ("GET /api/v1/products HTTP/1.1\r\nHost: t\r\n Folded: x\r\n\r\n", 400),
            ("GET /api/v1/products HTTP/1.1\r\nHost: t\r\nBad Header: x\r\n\r\n", 400),
            ("\u{01}\u{02}garbage\u{7F}\r\n\r\n", 400),
            ("GET /" + String(repeating: "a", count: 9000) + " HTTP/1.1\r\nHost: t\r\n\r\n", 414),
        ]
        for (raw, status) in cases {
            let client = try TestClient(port: api.port, receiveTimeout: 10)
            client.send(raw + "GET /api/v1/me HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer \(session.access)\r\n\r\n")
            let response = client.readResponse()
            #expect(response?.status == status, "\(raw.prefix(60).debugDescription) → \(response?.status ?? -1)")
            if let response { #expect(response.headers["content-type"]?.hasPrefix("application/json") == true) }
            // The connection is closed: the smuggled second request is never answered.
            let rest = client.readToEnd()
            #expect(!String(decoding: rest, as: UTF8.self).contains("HTTP/1.1 200"), "a request after a framing error was answered")
        }
        // Random bytes.
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<10 {
            let client = try TestClient(port: api.port, receiveTimeout: 10)
            client.send((0..<512).map { _ in UInt8.random(in: 0...255, using: &generator) } + Array("\r\n\r\n".utf8))
            let response = client.readResponse()
            #expect(response == nil || (400..<500).contains(response!.status))
        }
        // A client that stops mid-request (headers, then half a body) and hangs up.
        for partial in ["POST /api/v1/cart/items HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"product_id\":",
                        "GET /api/v1/products HTTP/1.1\r\nHost: t\r\nX-Half: "] {
            let client = try TestClient(port: api.port, receiveTimeout: 1)
            client.send(partial)
            shutdown(client.fd, Int32(SHUT_WR))
            _ = client.readToEnd()
        }
        // Keep-alive and pipelining still work afterwards.
        let client = try TestClient(port: api.port, receiveTimeout: 10)
        client.send("GET /healthz HTTP/1.1\r\nHost: t\r\n\r\nGET /api/v1/me HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer \(session.access)\r\n\r\n")
        #expect(client.readResponse()?.status == 200)
        #expect(client.readResponse()?.status == 200)
        #expect(api.call("GET", "/me", token: session.access).status == 200)
    }

    @Test("40 clients × 25 mixed requests with checkouts racing for limited stock: nothing lost, no 5xx, stock + sold = initial")
    func concurrency() throws {
        let api = try APIServer(workers: 8)
        defer { api.stop() }
        let staff = try api.signIn(phone: "+15550009020", role: .staff)
        let initial: Int64 = 30
        let scarce = try #require(try api.createProduct(staff, sku: "SCARCE", price: 100, stock: Int(initial)).int("id"))
        let plenty = try #require(try api.createProduct(staff, sku: "PLENTY", price: 10, stock: 100_000).int("id"))
        let sessions = try (0..<40).map { try api.signIn(phone: "+1555001\(String(format: "%04d", $0))") }
        let body = try [UInt8](JSONSerialization.data(withJSONObject: api.contact(["items": [["product_id": scarce, "quantity": 1]]])))
        let stats = ConcurrencyStats()
        DispatchQueue.concurrentPerform(iterations: sessions.count) { i in
            let session = sessions[i]
            for j in 0..<25 {
                let r: APIResult
                switch j % 5 {
                case 0: r = api.call("GET", "/products?limit=5")
                case 1: r = api.call("POST", "/cart/items", body: Array(#"{"product_id":\#(plenty),"quantity":1}"#.utf8), contentType: "application/json", token: session.access)
                case 2: r = api.call("GET", "/cart", token: session.access)
                case 3:
                    r = api.call("POST", "/orders", body: body, contentType: "application/json", token: session.access)
                    if r.status == 201 { stats.sold() } else if r.code != "out_of_stock" { stats.problem("order \(r.status) \(r.text)") }
                    continue
                default: r = api.call("GET", "/products/\(scarce)")
                }
                stats.record(r.status)
                if r.status != 200 && r.status != 201 { stats.problem("\(j % 5) \(r.status) \(r.text)") }
            }
        }
        #expect(stats.problems.isEmpty, "\(stats.problems.prefix(5))")
        #expect(stats.count == 40 * 20)
        let stock = try #require(api.call("GET", "/products/\(scarce)").int("stock"))
        #expect(stock >= 0)
        #expect(stock + stats.soldCount == initial)
        #expect(stats.soldCount == initial, "200 checkouts for 30 units sell all of them")
        let orders = api.call("GET", "/orders?limit=100", token: staff.access)
        #expect(orders.items.count == Int(initial))
        // Each customer's cart line counts exactly its 5 adds.
        for session in sessions.prefix(5) {
            #expect(api.call("GET", "/cart", token: session.access).items.first { $0.int("product_id") == plenty }?.int("quantity") == 5)
        }
    }

    @Test("CORS: a preflight and a real request from an allowed origin get the headers; another origin gets none")
    func cors() throws {
        let api = try APIServer(corsOrigins: ["https://shop.example"])
        defer { api.stop() }
        let preflight = api.call("OPTIONS", "/api/v1/cart/items", headers: ["Origin": "https://shop.example", "Access-Control-Request-Method": "POST",
                                                                            "Access-Control-Request-Headers": "authorization, content-type"])
        #expect(preflight.status == 204)
        #expect(preflight.headers["access-control-allow-origin"] == "https://shop.example")
        #expect(preflight.headers["access-control-allow-methods"]?.contains("POST") == true)
        #expect(preflight.headers["access-control-allow-headers"]?.lowercased().contains("authorization") == true)
        #expect(preflight.headers["access-control-allow-headers"]?.lowercased().contains("idempotency-key") == true)
        let real = api.call("GET", "/products", headers: ["Origin": "https://shop.example"])
        #expect(real.status == 200)
        #expect(real.headers["access-control-allow-origin"] == "https://shop.example")
        #expect(real.headers["vary"]?.contains("Origin") == true)
        let error = api.call("GET", "/me", headers: ["Origin": "https://shop.example"])
        #expect(error.status == 401)
        #expect(error.headers["access-control-allow-origin"] == "https://shop.example")
        let other = api.call("GET", "/products", headers: ["Origin": "https://evil.example"])
        #expect(other.status == 200)
        #expect(other.headers["access-control-allow-origin"] == nil)
        let otherPreflight = api.call("OPTIONS", "/api/v1/cart/items", headers: ["Origin": "https://evil.example", "Access-Control-Request-Method": "POST"])
        #expect(otherPreflight.headers["access-control-allow-origin"] == nil)
    }
}

final class ConcurrencyStats: @unchecked Sendable {
    private let lock = NSLock()
    private var statuses: [Int] = []
    private var errors: [String] = []
    private var soldUnits: Int64 = 0
    func record(_ status: Int) { lock.lock(); statuses.append(status); lock.unlock() }
    func problem(_ text: String) { lock.lock(); errors.append(text); lock.unlock() }
    func sold() { lock.lock(); soldUnits += 1; lock.unlock() }
    var count: Int { lock.lock(); defer { lock.unlock() }; return statuses.count }
    var problems: [String] { lock.lock(); defer { lock.unlock() }; return errors }
    var soldCount: Int64 { lock.lock(); defer { lock.unlock() }; return soldUnits }
}
