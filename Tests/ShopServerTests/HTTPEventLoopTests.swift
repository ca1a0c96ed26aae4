import Foundation
import Glibc
import Testing
@testable import ShopServer

/// `/held` waits until the test signals `release` (so shutdown is shown by the order of events);
/// `/fast` is answered on the event loop itself; anything else goes to a worker.
private struct Handlers {
    let started = DispatchSemaphore(value: 0)
    let release = DispatchSemaphore(value: 0)

    var worker: @Sendable (HTTPRequest) -> HTTPResponse {
        { [started, release] request in
            if request.path == "/held" { started.signal(); _ = release.wait(timeout: .now() + 10) }
            return HTTPResponse(status: 200, headers: ["Content-Type": "text/plain"], body: text("worker \(request.path)"))
        }
    }
    var immediate: @Sendable (HTTPRequest) -> HTTPResponse? {
        { request in
            request.path == "/fast" ? HTTPResponse(status: 200, headers: ["Content-Type": "text/plain"], body: text("loop \(request.path)")) : nil
        }
    }
}

private func server(loops: Int, _ configure: (inout HTTPServerConfiguration) -> Void = { _ in }) throws -> (LiveServer, Handlers) {
    let handlers = Handlers()
    let live = try LiveServer({ $0.eventLoops = loops; configure(&$0) }, handler: handlers.worker, immediateHandler: handlers.immediate)
    return (live, handlers)
}

/// A connection that was let in: its first request was answered.
private func admitted(_ port: Int) -> TestClient? {
    guard let client = try? TestClient(port: port), client.get("/in")?.status == 200 else { return nil }
    return client
}

private func refusedCode(_ port: Int) throws -> String? {
    let client = try TestClient(port: port)
    client.send("GET /one-too-many HTTP/1.1\r\nHost: t\r\n\r\n")
    guard let response = client.readResponse(), response.status == 503 else { return nil }
    #expect(client.isClosedByPeer())
    let body = try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any]
    return body?["code"] as? String
}

/// Polls `attempt` for up to 10 s: for what the server does just after a client leaves.
private func poll<T>(_ attempt: () -> T?) -> T? {
    let deadline = Date().addingTimeInterval(10)
    while Date() < deadline {
        if let value = attempt() { return value }
        usleep(10_000)
    }
    return attempt()
}

@Suite("Several event loops", .serialized)
struct HTTPEventLoopTests {

    @Test("connections are taken on by every loop in turn, and each gets its own answers in order, pipelined too",
          arguments: [1, 3])
    func connectionsSpreadOverLoops(_ loops: Int) throws {
        let (live, _) = try server(loops: loops)
        defer { live.stop() }
        let clients = try (0..<(3 * loops)).map { _ in try TestClient(port: live.port) }
        for (i, client) in clients.enumerated() {
            // Worker and loop answers mixed in one write: they must come back in request order.
            client.send("GET /w\(i)a HTTP/1.1\r\nHost: t\r\n\r\nGET /fast HTTP/1.1\r\nHost: t\r\n\r\nGET /w\(i)b HTTP/1.1\r\nHost: t\r\n\r\n")
        }
        for (i, client) in clients.enumerated() {
            #expect(client.readResponse()?.bodyText == "worker /w\(i)a")
            #expect(client.readResponse()?.bodyText == "loop /fast")
            #expect(client.readResponse()?.bodyText == "worker /w\(i)b")
        }
        #expect(live.server.adoptedPerLoop == Array(repeating: 3, count: loops), "every loop owns its share of the connections")
    }

    @Test("the connection caps count across loops: the total and per address, each place given back once")
    func capsAcrossLoops() throws {
        let (live, _) = try server(loops: 3) { $0.maxConnections = 4 }
        defer { live.stop() }
        var held = try (0..<4).map { _ in try #require(admitted(live.port)) }
        #expect(live.server.adoptedPerLoop.allSatisfy { $0 > 0 }, "the four are on all three loops: \(live.server.adoptedPerLoop)")
        #expect(try refusedCode(live.port) == "unavailable")
        #expect(try refusedCode(live.port) == "unavailable")
        for client in held { #expect(client.get("/fast")?.bodyText == "loop /fast", "the admitted ones are still served") }
        held.removeFirst()
        held.append(try #require(poll { admitted(live.port) }, "a place is free again after one connection closed"))
        #expect(try refusedCode(live.port) == "unavailable", "and only one place came back")

        let (perAddress, _) = try server(loops: 3) { $0.maxConnectionsPerAddress = 2 }
        defer { perAddress.stop() }
        let two = try (0..<2).map { _ in try #require(admitted(perAddress.port)) }
        #expect(try refusedCode(perAddress.port) == "too_many_connections")
        #expect(try refusedCode(perAddress.port) == "too_many_connections")
        _ = two
    }

    @Test("shutdown with three loops closes the port at once, answers the requests in flight on each loop, then run() returns")
    func shutdownDrainsEveryLoop() throws {
        let (live, handlers) = try server(loops: 3)
        let port = live.port
        let busy = try (0..<3).map { _ in try TestClient(port: port) }
        let idle = try TestClient(port: port)
        #expect(idle.get("/fast")?.status == 200)
        for client in busy { client.send("GET /held HTTP/1.1\r\nHost: t\r\n\r\n") }
        for _ in busy { #expect(handlers.started.wait(timeout: .now() + 5) == .success) }
        #expect(live.server.adoptedPerLoop.allSatisfy { $0 > 0 })

        live.server.shutdown()
        #expect(idle.isClosedByPeer(), "an idle connection is closed at once")
        #expect(live.finished.wait(timeout: .now() + 0.3) == .timedOut, "run() waits for the requests in flight")
        #expect(poll { (try? TestClient(port: port)) == nil ? true : nil } == true,
                "meanwhile a new connection is refused at once, not left waiting in the backlog")
        for _ in busy { handlers.release.signal() }
        for client in busy {
            let response = try #require(client.readResponse())
            #expect(response.bodyText == "worker /held")
            #expect(response.headers["connection"] == "close")
            #expect(client.isClosedByPeer())
        }
        #expect(live.finished.wait(timeout: .now() + 5) == .success)
    }

    @Test("--event-loops must be a whole number from 1 to 256: a clear usage error before anything is opened")
    func flagValidation() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("shop-loops-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let database = directory.appendingPathComponent("shop.sqlite").path
        for bad in ["0", "-1", "two", "257"] {
            #expect(ServeCommand.run(["--db", database, "--event-loops", bad]) == 64, "\(bad)")
        }
        #expect(!FileManager.default.fileExists(atPath: database), "no database was created")
        #expect(ServeCommand.usage.contains("--event-loops N"))
        #expect(ServeCommand.usage.contains("SHOP_EVENT_LOOPS"))
    }
}
