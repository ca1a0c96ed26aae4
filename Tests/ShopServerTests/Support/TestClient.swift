import Foundation
import Glibc
import Synchronization
@testable import ShopServer
import CPosix

// MARK: - Raw socket client

struct TestResponse {
    var status: Int
    var headers: [String: String] // lowercased names
    var body: [UInt8]
    var bodyText: String { String(decoding: body, as: UTF8.self) }
}

/// A blocking POSIX socket client with a receive timeout; parses Content-Length responses.
final class TestClient {
    private(set) var fd: Int32
    private var buffer: [UInt8] = []

    /// Connects to `host` (a numeric IPv4 or IPv6 address; `::ffff:127.0.0.1` connects over
    /// IPv6 to an IPv4-mapped address).
    init(port: Int, host: String = "127.0.0.1", receiveTimeout: Double = 5) throws {
        let v6 = host.contains(":")
        fd = socket(v6 ? AF_INET6 : AF_INET, Int32(SOCK_STREAM.rawValue) | shop_sock_cloexec, 0)  // not inherited by tmux or other children
        var tv = timeval(tv_sec: Int(receiveTimeout), tv_usec: Int((receiveTimeout - floor(receiveTimeout)) * 1_000_000))
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        let rc: Int32
        if v6 {
            var addr = sockaddr_in6()
            addr.sin6_family = sa_family_t(AF_INET6)
            addr.sin6_port = UInt16(port).bigEndian
            guard inet_pton(AF_INET6, host, &addr.sin6_addr) == 1 else { close(fd); fd = -1; throw HTTPServerError(operation: "inet_pton(\(host))", errorNumber: EINVAL) }
            rc = withUnsafePointer(to: &addr) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in6>.size)) }
            }
        } else {
            var addr = sockaddr_in()
            addr.sin_family = sa_family_t(AF_INET)
            addr.sin_port = UInt16(port).bigEndian
            addr.sin_addr.s_addr = inet_addr(host)
            rc = withUnsafePointer(to: &addr) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
        }
        // A signal (e.g. SIGCHLD from another test's child process) can interrupt connect; the
        // connection then completes in the background: wait for it rather than failing.
        if rc != 0 && errno == EINTR {
            var p = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
            while poll(&p, 1, 10_000) < 0 && errno == EINTR {}
            var error: Int32 = 0
            var length = socklen_t(MemoryLayout<Int32>.size)
            getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length)
            if error != 0 { close(fd); fd = -1; throw HTTPServerError(operation: "connect", errorNumber: error) }
        } else if rc != 0 { let e = errno; close(fd); fd = -1; throw HTTPServerError(operation: "connect", errorNumber: e) }
    }

    // deinit also runs when init throws: never close a descriptor number twice (another
    // thread may already own it again).
    deinit { if fd >= 0 { close(fd) } }

    func send(_ text: String) { send(Array(text.utf8)) }

    func send(_ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress! + offset, $0.count - offset, Int32(MSG_NOSIGNAL)) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return }
            offset += n
        }
    }

    /// Reads more bytes; false on EOF, error or timeout.
    private func fill() -> Bool {
        var chunk = [UInt8](repeating: 0, count: 65536)
        var n: Int
        repeat { n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) } } while n < 0 && errno == EINTR
        if n <= 0 { return false }
        buffer.append(contentsOf: chunk[0..<n])
        return true
    }

    /// Reads one response; nil if the connection closed or timed out first.
    func readResponse() -> TestResponse? {
        var headerEnd: Int?
        while headerEnd == nil {
            if let r = findHeaderEnd() { headerEnd = r; break }
            if !fill() { return nil }
        }
        let head = String(decoding: buffer[0..<headerEnd!], as: UTF8.self)
        var lines = head.components(separatedBy: "\r\n")
        let statusLine = lines.removeFirst().split(separator: " ")
        guard statusLine.count >= 2, let status = Int(statusLine[1]) else { return nil }
        var headers: [String: String] = [:]
        for line in lines where !line.isEmpty {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        let length = Int(headers["content-length"] ?? "0") ?? 0
        let bodyStart = headerEnd! + 4
        while buffer.count < bodyStart + length { if !fill() { return nil } }
        let body = Array(buffer[bodyStart..<(bodyStart + length)])
        buffer.removeSubrange(0..<(bodyStart + length))
        return TestResponse(status: status, headers: headers, body: body)
    }

    private func findHeaderEnd() -> Int? {
        guard buffer.count >= 4 else { return nil }
        for i in 0...(buffer.count - 4) where buffer[i] == 13 && buffer[i + 1] == 10 && buffer[i + 2] == 13 && buffer[i + 3] == 10 {
            return i
        }
        return nil
    }

    /// Everything until the server closes the connection (or the receive timeout).
    func readToEnd() -> [UInt8] {
        while fill() {}
        defer { buffer.removeAll() }
        return buffer
    }

    /// True if the server closed the connection (EOF or reset) within the receive timeout.
    func isClosedByPeer() -> Bool {
        var byte: UInt8 = 0
        let n = recv(fd, &byte, 1, 0)
        if n == 0 { return true }
        if n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) { return false }
        return n < 0
    }

    /// One request/response round trip.
    func get(_ path: String, headers: String = "") -> TestResponse? {
        send("GET \(path) HTTP/1.1\r\nHost: test\r\n\(headers)\r\n")
        return readResponse()
    }
}

func text(_ s: String) -> [UInt8] { Array(s.utf8) }
