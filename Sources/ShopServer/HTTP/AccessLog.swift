import Glibc

// MARK: - AccessLog

/// Formats access-log lines and provides the default stderr sink.
///
/// A line looks like `127.0.0.1 GET /api/v1/products 200 512B 0.84ms`. It never contains the
/// query string, the body or any header (so no `Authorization`).
public enum AccessLog {
    /// Writes a line to stderr with one `write(2)` call (lines from threads do not interleave).
    public static let standardError: @Sendable (String) -> Void = { line in
        var bytes = Array(line.utf8)
        bytes.append(0x0A)
        bytes.withUnsafeBytes { _ = Glibc.write(2, $0.baseAddress, $0.count) }
    }

    /// `path` must be the raw path without the query (visible ASCII, as the decoder checked).
    static func line(remote: String, method: String, path: Substring, status: Int, bytes: Int, durationNanos: UInt64) -> String {
        let micros = durationNanos / 1_000
        let ms = "\(micros / 1000).\(String(micros % 1000 / 10).leftPadded(2))"
        return "\(remote) \(method) \(path) \(status) \(bytes)B \(ms)ms"
    }
}

extension String {
    func leftPadded(_ width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
