import Foundation
import Glibc
import Testing
import ShopEngine
@testable import ShopServer

private let okHandler: @Sendable (HTTPRequest) -> HTTPResponse = { request in
    HTTPResponse(status: 200, headers: ["Content-Type": "text/plain"], body: text("\(request.method) \(request.path)"))
}

/// Polls `attempt` until it returns a value (for up to `seconds`): for what the server does just
/// after a client leaves. Never a guessed sleep.
private func poll<T>(_ seconds: Double = 10, _ attempt: () -> T?) -> T? {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if let value = attempt() { return value }
        usleep(10_000)
    }
    return attempt()
}

/// A new connection from `host` that was let in: it got a 200 for a request and stays open.
/// `thenPartial` starts a second request in the same write, so the connection waits under the
/// header timeout instead of the idle one.
private func admitted(_ port: Int, host: String = "127.0.0.1", thenPartial: Bool = false) -> TestClient? {
    guard let client = try? TestClient(port: port, host: host, receiveTimeout: 5) else { return nil }
    client.send("GET /in HTTP/1.1\r\nHost: t\r\n\r\n" + (thenPartial ? "GET /held HTTP/1.1\r\n" : ""))
    guard client.readResponse()?.status == 200 else { return nil }
    return client
}

/// What a refused connection gets: the 503, its JSON error and `Retry-After`, then the close.
private func expectRefused(_ port: Int, host: String = "127.0.0.1", code: String = "too_many_connections",
                           sourceLocation: SourceLocation = #_sourceLocation) throws {
    let client = try TestClient(port: port, host: host, receiveTimeout: 5)
    client.send("GET /one-too-many HTTP/1.1\r\nHost: t\r\n\r\n")
    let response = try #require(client.readResponse(), sourceLocation: sourceLocation)
    #expect(response.status == 503, sourceLocation: sourceLocation)
    #expect(response.headers["content-type"] == "application/json", sourceLocation: sourceLocation)
    let body = try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any]
    #expect(body?["code"] as? String == code, "\(response.bodyText)", sourceLocation: sourceLocation)
    #expect((body?["error"] as? String)?.isEmpty == false, sourceLocation: sourceLocation)
    #expect(response.headers["retry-after"] == "1", sourceLocation: sourceLocation)
    #expect(response.headers["connection"] == "close", sourceLocation: sourceLocation)
    #expect(client.isClosedByPeer(), sourceLocation: sourceLocation)
}

/// Whether this machine has IPv6 loopback and a `::` listener also takes IPv4 (mapped) peers.
private let hasIPv6: Bool = {
    let v6only = (try? String(contentsOfFile: "/proc/sys/net/ipv6/bindv6only", encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
    guard v6only != "1" else { return false }
    let fd = socket(AF_INET6, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { return false }
    defer { close(fd) }
    var addr = sockaddr_in6()
    addr.sin6_family = sa_family_t(AF_INET6)
    addr.sin6_addr = in6addr_loopback
    return withUnsafePointer(to: &addr) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in6>.size)) }
    } == 0
}()

@Suite("Connections per client address", .serialized)
struct HTTPConnectionCapTests {

    @Test("N connections from one address are held open, the next one gets 503 too_many_connections with Retry-After, and closing one lets a new one in")
    func perAddressCap() throws {
        let live = try LiveServer({ $0.maxConnectionsPerAddress = 3 }, handler: okHandler)
        defer { live.stop() }
        var held = try (0..<3).map { _ in try #require(admitted(live.port)) }
        try expectRefused(live.port)
        try expectRefused(live.port)
        // Still open and served: refusing newcomers does not disturb the three.
        for client in held { #expect(client.get("/again")?.status == 200) }

        held.removeFirst() // closes its socket: the server sees the end of the stream
        let replacement = try #require(poll { admitted(live.port) }, "a place is free again after one connection closed")
        held.append(replacement)
        try expectRefused(live.port) // …and only one place came back
    }

    /// The ways a counted connection can end; each must give its place back exactly once.
    enum Ending: String, CaseIterable, CustomTestStringConvertible {
        case clientCloses, connectionCloseHeader, reset, idleTimeout, headerTimeout, malformedRequest
        var testDescription: String { rawValue }
    }

    @Test("a connection's place comes back however it ends, and only once", arguments: Ending.allCases)
    func everyEndingGivesThePlaceBack(_ ending: Ending) throws {
        let live = try LiveServer({ configuration in
            configuration.maxConnectionsPerAddress = 1
            // Only the timeout under test is short, so the connection that takes the place
            // afterwards is not closed by it while the test looks.
            if ending == .idleTimeout { configuration.idleTimeout = .milliseconds(200) }
            if ending == .headerTimeout { configuration.headerTimeout = .milliseconds(200) }
        }, handler: okHandler)
        defer { live.stop() }

        var first: TestClient? = try #require(poll { admitted(live.port) })
        // The place is taken (not checked under the short idle timeout: it may be over already).
        if ending != .idleTimeout { try expectRefused(live.port) }
        switch ending {
        case .clientCloses:
            first = nil
        case .connectionCloseHeader:
            #expect(first?.get("/bye", headers: "Connection: close\r\n")?.status == 200)
            #expect(first?.isClosedByPeer() == true)
        case .reset:
            var option = linger(l_onoff: 1, l_linger: 0)
            setsockopt(first!.fd, SOL_SOCKET, SO_LINGER, &option, socklen_t(MemoryLayout<linger>.size))
            first = nil
        case .idleTimeout:
            #expect(first?.isClosedByPeer() == true)
        case .headerTimeout:
            first?.send("GET /stalled HTTP/1.1\r\nHost: t\r\nX-Partial: ")
            #expect(first?.readResponse()?.status == 408)
            #expect(first?.isClosedByPeer() == true)
        case .malformedRequest:
            first?.send("GET / HTTP/1.1\r\nHost: t\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nx")
            #expect(first?.readResponse()?.status == 400)
            #expect(first?.isClosedByPeer() == true)
        }
        _ = first

        // Under the idle test, the newcomer holds the place with a request in progress (the
        // header timeout is long there), not idle.
        let second = try #require(poll { admitted(live.port, thenPartial: ending == .idleTimeout) },
                                  "the place came back after: \(ending)")
        try expectRefused(live.port) // counted once: the new connection holds the only place
        _ = second
    }

    @Test("the total cap's 503 also says when to come back")
    func totalCapRetryAfter() throws {
        let live = try LiveServer({ $0.maxConnections = 1 }, handler: okHandler)
        defer { live.stop() }
        let held = try #require(admitted(live.port))
        try expectRefused(live.port, code: "unavailable")
        _ = held
    }

    @Test("IPv4 and IPv4-mapped IPv6 peers count as one address; another IPv6 address has its own places",
          .enabled(if: hasIPv6, "no IPv6 loopback on this machine"))
    func ipv6AndMappedAddresses() throws {
        let live = try LiveServer({ $0.host = "::"; $0.maxConnectionsPerAddress = 2 }, handler: okHandler)
        defer { live.stop() }
        let overIPv4 = try #require(admitted(live.port, host: "127.0.0.1"))
        let mapped = try #require(admitted(live.port, host: "::ffff:127.0.0.1"))
        try expectRefused(live.port, host: "127.0.0.1")
        try expectRefused(live.port, host: "::ffff:127.0.0.1")
        let loopback6 = try (0..<2).map { _ in try #require(admitted(live.port, host: "::1")) }
        try expectRefused(live.port, host: "::1")
        _ = (overIPv4, mapped, loopback6)
    }

    @Test("a peer address is shown and counted as IPv4 when it is IPv4-mapped IPv6")
    func mappedAddressText() {
        func text(_ family: Int32, _ address: String) -> String {
            var storage = sockaddr_storage()
            withUnsafeMutablePointer(to: &storage) { p in
                if family == AF_INET {
                    p.withMemoryRebound(to: sockaddr_in.self, capacity: 1) {
                        $0.pointee.sin_family = sa_family_t(AF_INET)
                        _ = inet_pton(AF_INET, address, &$0.pointee.sin_addr)
                    }
                } else {
                    p.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) {
                        $0.pointee.sin6_family = sa_family_t(AF_INET6)
                        _ = inet_pton(AF_INET6, address, &$0.pointee.sin6_addr)
                    }
                }
            }
            return Socket.ipString(storage)
        }
        #expect(text(AF_INET6, "::ffff:203.0.113.9") == "203.0.113.9")
        #expect(text(AF_INET, "203.0.113.9") == "203.0.113.9")
        #expect(text(AF_INET6, "2001:db8::1") == "2001:db8::1")
        #expect(text(AF_INET6, "2001:DB8:0:0::1") == "2001:db8::1", "one spelling per address")
    }

    @Test("--max-connections-per-address must be a whole number from 1: a clear usage error before anything is opened")
    func flagValidation() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("shop-flag-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let database = directory.appendingPathComponent("shop.sqlite").path
        for bad in ["0", "-3", "many", "100001"] {
            #expect(ServeCommand.run(["--db", database, "--max-connections-per-address", bad]) == 64, "\(bad)")
        }
        #expect(!FileManager.default.fileExists(atPath: database), "no database was created")
        #expect(ServeCommand.usage.contains("--max-connections-per-address N"))
        #expect(ServeCommand.usage.contains("SHOP_MAX_CONNECTIONS_PER_ADDRESS"))
    }

    @Test("SHOP_MAX_CONNECTIONS_PER_ADDRESS is read by the executable and checked the same way")
    func environmentValidation() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("shop-env-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let process = Process()
        process.executableURL = APIExecutableTests.executable
        process.arguments = ["--db", directory.appendingPathComponent("shop.sqlite").path, "--port", "0"]
        var environment = ProcessInfo.processInfo.environment
        environment["SHOP_MAX_CONNECTIONS_PER_ADDRESS"] = "0"
        process.environment = environment
        let stderr = Pipe()
        process.standardError = stderr
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let log = String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 64, "\(log)")
        #expect(log.contains("--max-connections-per-address must be a number from 1 to 100000, got \"0\""), "\(log)")
    }
}
