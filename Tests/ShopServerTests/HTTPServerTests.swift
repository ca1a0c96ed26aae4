import Foundation
import Glibc
import Synchronization
import Testing
@testable import ShopServer

/// Echoes the method and path; `/slow` waits 300 ms first; POST echoes the body.
private let echoHandler: @Sendable (HTTPRequest) -> HTTPResponse = { request in
    if request.path == "/slow" { usleep(300_000) }
    if request.method == "POST" { return HTTPResponse(status: 200, headers: ["Content-Type": "text/plain"], body: request.body) }
    return HTTPResponse(status: 200, headers: ["Content-Type": "text/plain"], body: text("\(request.method) \(request.path)"))
}

private func elapsed(since start: UInt64) -> Double { Double(MonotonicClock.now() - start) / 1e9 }

/// A handler whose `/held` requests keep their worker until the test releases them, so that
/// parallel workers and graceful shutdown are shown by the order of events, not by timing.
private final class HeldRequests: Sendable {
    private let started = DispatchSemaphore(value: 0)
    private let release = DispatchSemaphore(value: 0)

    var handler: @Sendable (HTTPRequest) -> HTTPResponse {
        { [started, release] request in
            if request.path == "/held" { started.signal(); _ = release.wait(timeout: .now() + 10) }
            return echoHandler(request)
        }
    }
    /// Whether `count` held requests are inside the handler at the same time (within 5 s).
    func waitUntilRunning(_ count: Int) -> Bool { (0..<count).allSatisfy { _ in started.wait(timeout: .now() + 5) == .success } }
    func releaseAll(_ count: Int) { for _ in 0..<count { release.signal() } }
}

/// Polls `condition` for up to `seconds`: for what the server does just after a response.
private func eventually(_ seconds: Double = 5, _ condition: () -> Bool) -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline { if condition() { return true }; usleep(10_000) }
    return condition()
}

@Suite("Live HTTP server", .serialized)
struct HTTPServerTests {

    @Test("two requests are answered on one keep-alive connection")
    func keepAlive() throws {
        let live = try LiveServer(handler: echoHandler)
        defer { live.stop() }
        let client = try TestClient(port: live.port)
        let first = try #require(client.get("/one"))
        #expect(first.status == 200)
        #expect(first.bodyText == "GET /one")
        #expect(first.headers["connection"] == nil)
        #expect(first.headers["server"] == "shop")
        #expect(first.headers["date"]?.hasSuffix("GMT") == true)
        let second = try #require(client.get("/two"))
        #expect(second.bodyText == "GET /two")
    }

    @Test("three pipelined requests are answered in request order even when the first is slow")
    func pipelining() throws {
        let live = try LiveServer(handler: echoHandler)
        defer { live.stop() }
        let client = try TestClient(port: live.port)
        client.send("GET /slow HTTP/1.1\r\nHost: t\r\n\r\nPOST /p HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\nfirstGET /third HTTP/1.1\r\nHost: t\r\n\r\n")
        let bodies = (0..<3).compactMap { _ in client.readResponse()?.bodyText }
        #expect(bodies == ["GET /slow", "first", "GET /third"])
    }

    @Test("Connection: close is honoured")
    func connectionClose() throws {
        let live = try LiveServer(handler: echoHandler)
        defer { live.stop() }
        let client = try TestClient(port: live.port, receiveTimeout: 2)
        let response = try #require(client.get("/x", headers: "Connection: close\r\n"))
        #expect(response.status == 200)
        #expect(response.headers["connection"] == "close")
        #expect(client.isClosedByPeer())
    }

    @Test("HTTP/1.0 closes by default and stays open with keep-alive")
    func http10() throws {
        let live = try LiveServer(handler: echoHandler)
        defer { live.stop() }
        let plain = try TestClient(port: live.port, receiveTimeout: 2)
        plain.send("GET /old HTTP/1.0\r\n\r\n")
        #expect(plain.readResponse()?.bodyText == "GET /old")
        #expect(plain.isClosedByPeer())

        let kept = try TestClient(port: live.port, receiveTimeout: 0.5)
        kept.send("GET /a HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
        let response = try #require(kept.readResponse())
        #expect(response.headers["connection"] == "keep-alive")
        #expect(!kept.isClosedByPeer())
        kept.send("GET /b HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
        #expect(kept.readResponse()?.bodyText == "GET /b")
    }

    @Test("a client that stalls mid-request gets 408 and is dropped after the header timeout")
    func headerTimeout() throws {
        let live = try LiveServer({ $0.headerTimeout = .milliseconds(300) }, handler: echoHandler)
        defer { live.stop() }
        let client = try TestClient(port: live.port, receiveTimeout: 3)
        let start = MonotonicClock.now()
        client.send("GET /slowloris HTTP/1.1\r\nHost: t\r\nX-Partial: ")
        let response = try #require(client.readResponse())
        #expect(response.status == 408)
        #expect(client.isClosedByPeer())
        let seconds = elapsed(since: start)
        #expect(seconds >= 0.25 && seconds < 5, "took \(seconds) s")
    }

    @Test("a stalled body is dropped after the body timeout")
    func bodyTimeout() throws {
        let live = try LiveServer({ $0.bodyTimeout = .milliseconds(300) }, handler: echoHandler)
        defer { live.stop() }
        let client = try TestClient(port: live.port, receiveTimeout: 3)
        client.send("POST /p HTTP/1.1\r\nHost: t\r\nContent-Length: 10\r\n\r\nabc")
        #expect(client.readResponse()?.status == 408)
        #expect(client.isClosedByPeer())
    }

    @Test("an idle keep-alive connection is closed after the idle timeout")
    func idleTimeout() throws {
        let live = try LiveServer({ $0.idleTimeout = .milliseconds(300) }, handler: echoHandler)
        defer { live.stop() }
        let client = try TestClient(port: live.port, receiveTimeout: 3)
        #expect(client.get("/a")?.status == 200)
        let start = MonotonicClock.now()
        #expect(client.isClosedByPeer())
        let seconds = elapsed(since: start)
        #expect(seconds >= 0.25 && seconds < 5, "took \(seconds) s")
    }

    @Test("past the connection cap a new client gets a 503 JSON error and is closed")
    func connectionCap() throws {
        let live = try LiveServer({ $0.maxConnections = 2 }, handler: echoHandler)
        defer { live.stop() }
        let a = try TestClient(port: live.port), b = try TestClient(port: live.port)
        #expect(a.get("/a")?.status == 200)
        #expect(b.get("/b")?.status == 200)
        let c = try TestClient(port: live.port, receiveTimeout: 3)
        c.send("GET /c HTTP/1.1\r\nHost: t\r\n\r\n")
        let rejected = try #require(c.readResponse())
        #expect(rejected.status == 503)
        #expect(rejected.headers["content-type"] == "application/json")
        #expect(rejected.bodyText.contains(#""code":"unavailable""#))
        #expect(c.isClosedByPeer())
        // Capacity comes back when a connection closes.
        a.send("GET /bye HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
        _ = a.readResponse()
        #expect(a.isClosedByPeer())
        #expect(eventually { (try? TestClient(port: live.port))?.get("/d")?.status == 200 }, "a place is free again")
    }

    @Test("clients that disconnect mid-request or mid-handler do not disturb others")
    func disconnects() throws {
        let live = try LiveServer(handler: echoHandler)
        defer { live.stop() }
        do {
            let partial = try TestClient(port: live.port)
            partial.send("POST /p HTTP/1.1\r\nHost: t\r\nContent-Length: 100\r\n\r\nabc")
            let waiting = try TestClient(port: live.port)
            waiting.send("GET /slow HTTP/1.1\r\nHost: t\r\n\r\n")
            var linger = linger(l_onoff: 1, l_linger: 0) // close with RST
            setsockopt(waiting.fd, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<linger>.size))
        } // both closed here
        let other = try TestClient(port: live.port)
        for i in 0..<5 { #expect(other.get("/ok\(i)")?.bodyText == "GET /ok\(i)") }
        usleep(400_000) // let the slow handler finish and its result be dropped
        #expect(other.get("/after")?.bodyText == "GET /after")
    }

    @Test("50 concurrent clients making 20 mixed requests each all get correct answers")
    func manyClients() throws {
        let live = try LiveServer({ $0.workerThreads = 8 }, handler: echoHandler)
        defer { live.stop() }
        let failures = LineCollector()
        let group = DispatchGroup()
        let port = live.port
        for clientIndex in 0..<50 {
            group.enter()
            let thread = Thread {
                defer { group.leave() }
                guard let client = try? TestClient(port: port) else { failures.append("connect \(clientIndex)"); return }
                for i in 0..<20 {
                    if i % 3 == 0 {
                        let payload = "client \(clientIndex) request \(i) " + String(repeating: "x", count: i * 100)
                        client.send("POST /p HTTP/1.1\r\nHost: t\r\nContent-Length: \(payload.utf8.count)\r\n\r\n\(payload)")
                        if client.readResponse()?.bodyText != payload { failures.append("post \(clientIndex)/\(i)") }
                    } else if client.get("/c\(clientIndex)/r\(i)?q=1")?.bodyText != "GET /c\(clientIndex)/r\(i)" {
                        failures.append("get \(clientIndex)/\(i)")
                    }
                }
            }
            thread.start()
        }
        #expect(group.wait(timeout: .now() + 30) == .success)
        #expect(failures.lines.isEmpty, "\(failures.lines.prefix(5))")
    }

    @Test("handlers busy on other connections do not hold up a fast request")
    func workersRunInParallel() throws {
        let held = HeldRequests()
        let live = try LiveServer({ $0.workerThreads = 4 }, handler: held.handler)
        defer { live.stop() }
        let busy = try (0..<3).map { _ in try TestClient(port: live.port) }
        for client in busy { client.send("GET /held HTTP/1.1\r\nHost: t\r\n\r\n") }
        #expect(held.waitUntilRunning(3), "three workers run handlers at once")
        let fast = try TestClient(port: live.port, receiveTimeout: 5)
        #expect(fast.get("/fast")?.bodyText == "GET /fast", "answered while three handlers are still busy")
        held.releaseAll(3)
        for client in busy { #expect(client.readResponse()?.bodyText == "GET /held") }
    }

    @Test("graceful shutdown refuses new connections, answers an in-flight request before run() returns")
    func gracefulShutdown() throws {
        let held = HeldRequests()
        let live = try LiveServer(handler: held.handler)
        let port = live.port
        let client = try TestClient(port: port)
        client.send("GET /held HTTP/1.1\r\nHost: t\r\n\r\n")
        #expect(held.waitUntilRunning(1))
        live.server.shutdown()
        // Checked while the request is still in flight: once run() has returned, the port is free
        // and another test's server may already hold it.
        let deadline = Date().addingTimeInterval(5)
        var refused = false
        while !refused && Date() < deadline {
            do { _ = try TestClient(port: port); Thread.sleep(forTimeInterval: 0.01) } catch { refused = true }
        }
        #expect(refused, "a new connection is refused once shutdown() was called")
        #expect(live.finished.wait(timeout: .now() + 0.3) == .timedOut, "run() waits for the request in flight")
        held.releaseAll(1)
        let response = try #require(client.readResponse())
        #expect(response.bodyText == "GET /held")
        #expect(live.finished.wait(timeout: .now() + 5) == .success)
        #expect(client.isClosedByPeer())
    }

    @Test("CORS: an allowed origin gets a preflight 204 without the handler and headers on responses")
    func cors() throws {
        let calls = Atomic<Int>(0)
        let live = try LiveServer({ $0.corsOrigins = ["https://shop.example"] }) { request in
            calls.add(1, ordering: .relaxed)
            return echoHandler(request)
        }
        defer { live.stop() }
        let client = try TestClient(port: live.port)
        client.send("OPTIONS /api/v1/cart HTTP/1.1\r\nHost: t\r\nOrigin: https://shop.example\r\nAccess-Control-Request-Method: POST\r\nAccess-Control-Request-Headers: content-type\r\n\r\n")
        let preflight = try #require(client.readResponse())
        #expect(preflight.status == 204)
        #expect(preflight.headers["access-control-allow-origin"] == "https://shop.example")
        #expect(preflight.headers["vary"] == "Origin")
        #expect(preflight.headers["access-control-allow-methods"]?.contains("POST") == true)
        #expect(preflight.headers["access-control-allow-headers"] == "Authorization, Content-Type, Idempotency-Key")
        #expect(preflight.headers["access-control-max-age"] != nil)
        #expect(calls.load(ordering: .relaxed) == 0)

        let simple = try #require(client.get("/x", headers: "Origin: https://shop.example\r\n"))
        #expect(simple.headers["access-control-allow-origin"] == "https://shop.example")
        #expect(simple.headers["vary"] == "Origin")

        let foreign = try #require(client.get("/x", headers: "Origin: https://evil.example\r\n"))
        #expect(foreign.headers["access-control-allow-origin"] == nil)
        #expect(foreign.headers["vary"] == nil)
        #expect(calls.load(ordering: .relaxed) == 2)
    }

    @Test("the access log has method, path and status but never the query, body or Authorization")
    func accessLog() throws {
        let log = LineCollector()
        let live = try LiveServer({ $0.accessLog = log.sink }, handler: echoHandler)
        defer { live.stop() }
        let client = try TestClient(port: live.port)
        _ = client.get("/items?token=s3cret-query", headers: "Authorization: Bearer s3cret-auth\r\n")
        client.send("POST /p?x=s3cret-post HTTP/1.1\r\nHost: t\r\nContent-Length: 11\r\n\r\ns3cret-body")
        _ = client.readResponse()
        client.send("BR(EW /pot HTTP/1.1\r\nHost: t\r\n\r\n")   // not a method token: 400
        _ = client.readResponse()
        #expect(eventually { log.lines.count == 3 })
        let lines = log.lines
        #expect(lines.first?.hasPrefix("127.0.0.1 GET /items 200 ") == true, "\(lines)")
        #expect(lines.contains { $0.contains("POST /p 200") })
        #expect(lines.contains { $0.contains(" 400 ") })
        #expect(lines.allSatisfy { $0.hasSuffix("ms") })
        #expect(!lines.contains { $0.contains("s3cret") || $0.contains("?") })
    }

    @Test("a malformed request gets 400 and the connection is closed")
    func badRequestCloses() throws {
        let live = try LiveServer(handler: echoHandler)
        defer { live.stop() }
        let client = try TestClient(port: live.port)
        client.send("GET / HTTP/1.1\r\nHost: t\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\nxGET / HTTP/1.1\r\nHost: t\r\n\r\n")
        let response = try #require(client.readResponse())
        #expect(response.status == 400)
        #expect(response.headers["connection"] == "close")
        #expect(client.isClosedByPeer())
    }

    @Test("a handler response that could split headers becomes a logged 500")
    func invalidHandlerResponse() throws {
        let live = try LiveServer { request in
            if request.path == "/bad-status" { return HTTPResponse(status: 42) }
            return HTTPResponse(status: 200, headers: ["X-Evil": "a\r\nSet-Cookie: pwned=1"])
        }
        defer { live.stop() }
        let client = try TestClient(port: live.port)
        let split = try #require(client.get("/split"))
        #expect(split.status == 500)
        #expect(split.headers["set-cookie"] == nil)
        #expect(client.get("/bad-status")?.status == 500)
        #expect(live.errors.lines.count == 2)
    }

    @Test("HEAD gets headers with the GET Content-Length but no body")
    func headRequest() throws {
        var router = Router()
        router.add("GET", "/h") { _ in .json(data: text("{\"a\":1}")) }
        let live = try LiveServer(handler: router.handler)
        defer { live.stop() }
        let client = try TestClient(port: live.port)
        client.send("HEAD /h HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
        let raw = String(decoding: client.readToEnd(), as: UTF8.self)
        #expect(raw.hasPrefix("HTTP/1.1 200 OK\r\n"))
        #expect(raw.contains("Content-Length: 7\r\n"))
        #expect(raw.hasSuffix("\r\n\r\n"), "no body after the head: \(raw)")
    }

    @Test("an unknown method token over a socket gets 405 with Allow and the connection stays open")
    func unknownMethodOverSocket() throws {
        var router = Router()
        router.add("GET", "/api/v1/cart") { _ in .json(data: text("{}")) }
        router.add("DELETE", "/api/v1/cart") { _ in .noContent }
        let live = try LiveServer(handler: router.handler)
        defer { live.stop() }
        let client = try TestClient(port: live.port)
        client.send("QUERY /api/v1/cart HTTP/1.1\r\nHost: t\r\nContent-Length: 2\r\n\r\n{}")
        let query = try #require(client.readResponse())
        #expect(query.status == 405)
        #expect(query.headers["allow"] == "DELETE, GET, HEAD")
        #expect(query.bodyText.contains("method_not_allowed"))
        client.send("BREW /nowhere HTTP/1.1\r\nHost: t\r\n\r\n")
        #expect(client.readResponse()?.status == 404)
        #expect(client.get("/api/v1/cart")?.status == 200, "keep-alive survives both")
    }

    @Test("Expect: 100-continue gets an interim 100 before the body is sent")
    func expectContinue() throws {
        let live = try LiveServer(handler: echoHandler)
        defer { live.stop() }
        let client = try TestClient(port: live.port, receiveTimeout: 2)
        client.send("POST /p HTTP/1.1\r\nHost: t\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n")
        #expect(client.readResponse()?.status == 100)
        client.send("body")
        let response = try #require(client.readResponse())
        #expect(response.status == 200)
        #expect(response.bodyText == "body")
    }
}
