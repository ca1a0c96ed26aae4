import CPosix
import Glibc

// MARK: - Socket helpers (POSIX)

/// A socket-level failure when starting the server.
public struct HTTPServerError: Error, CustomStringConvertible {
    public let operation: String
    public let errorNumber: Int32
    public var description: String { "\(operation) failed: \(String(cString: strerror(errorNumber))) (errno \(errorNumber))" }
}

enum Socket {
    /// Creates a non-blocking listening socket on a numeric host (IPv4 or IPv6) and returns it
    /// with the bound port (useful when `port` is 0).
    static func listen(host: String, port: Int, backlog: Int32) throws -> (fd: Int32, port: Int) {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = AI_PASSIVE | AI_NUMERICHOST | AI_NUMERICSERV
        var result: UnsafeMutablePointer<addrinfo>?
        let rc = getaddrinfo(host, String(port), &hints, &result)
        guard rc == 0, let info = result else { throw HTTPServerError(operation: "getaddrinfo(\(host))", errorNumber: EINVAL) }
        defer { freeaddrinfo(result) }

        let fd = socket(info.pointee.ai_family, Int32(SOCK_STREAM.rawValue) | shop_sock_nonblock | shop_sock_cloexec, 0)
        guard fd >= 0 else { throw HTTPServerError(operation: "socket", errorNumber: errno) }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        guard bind(fd, info.pointee.ai_addr, info.pointee.ai_addrlen) == 0 else {
            let e = errno; Glibc.close(fd)
            throw HTTPServerError(operation: "bind \(host):\(port)", errorNumber: e)
        }
        guard Glibc.listen(fd, backlog) == 0 else {
            let e = errno; Glibc.close(fd)
            throw HTTPServerError(operation: "listen", errorNumber: e)
        }
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        _ = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return (fd, boundPort(storage))
    }

    static func boundPort(_ storage: sockaddr_storage) -> Int {
        var storage = storage
        return withUnsafePointer(to: &storage) { p in
            switch Int32(p.pointee.ss_family) {
            case AF_INET: return p.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { Int(UInt16(bigEndian: $0.pointee.sin_port)) }
            case AF_INET6: return p.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { Int(UInt16(bigEndian: $0.pointee.sin6_port)) }
            default: return 0
            }
        }
    }

    /// The peer IP as text (no port); IPv4-mapped IPv6 addresses are shown as IPv4.
    static func ipString(_ storage: sockaddr_storage) -> String {
        var storage = storage
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN) + 1)
        let ok: Bool = withUnsafePointer(to: &storage) { p in
            switch Int32(p.pointee.ss_family) {
            case AF_INET:
                return p.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { sin in
                    var addr = sin.pointee.sin_addr
                    return inet_ntop(AF_INET, &addr, &buffer, socklen_t(buffer.count)) != nil
                }
            case AF_INET6:
                return p.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { sin6 in
                    var addr = sin6.pointee.sin6_addr
                    return inet_ntop(AF_INET6, &addr, &buffer, socklen_t(buffer.count)) != nil
                }
            default:
                return false
            }
        }
        guard ok else { return "-" }
        let text = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return text.hasPrefix("::ffff:") && text.contains(".") ? String(text.dropFirst(7)) : text
    }

    static func setNoDelay(_ fd: Int32) {
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
    }
}

// MARK: - Clock

enum MonotonicClock {
    /// Nanoseconds from CLOCK_MONOTONIC.
    static func now() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
    }
}

extension Duration {
    var nanoseconds: UInt64 {
        let c = components
        return UInt64(max(0, c.seconds)) * 1_000_000_000 + UInt64(max(0, c.attoseconds / 1_000_000_000))
    }
}
