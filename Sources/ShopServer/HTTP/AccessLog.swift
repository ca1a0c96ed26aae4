import Glibc

// MARK: - AccessLog

/// Formats access-log lines and provides the default stderr sink.
///
/// A text line looks like `127.0.0.1 GET /api/v1/products 200 512B 0.84ms`; a JSON line like
/// `{"time":"2026-11-29T20:49:22.123Z","client":"127.0.0.1","method":"GET","route":"/api/v1/products",
/// "path":"/api/v1/products","status":200,"bytes":512,"ms":0.84}`. Neither ever contains the
/// query string, the body or any header (so no `Authorization`).
public enum AccessLog {
    /// `text`: the line above (journald adds the time); `timestampedText`: the same after an
    /// ISO 8601 UTC time (for a log file); `json`: one object per line for log collectors.
    public enum Format: String, Sendable, CaseIterable {
        case text, timestampedText, json
    }

    /// One answered request, as the server saw it.
    struct Entry {
        var remote: String
        var method: String
        /// The route pattern that answered, nil when none did.
        var route: String?
        /// The raw path without the query (visible ASCII, as the decoder checked).
        var path: Substring
        var status: Int
        var bytes: Int
        var durationNanos: UInt64
    }

    /// Writes a line to stderr with one `write(2)` call (lines from threads do not interleave).
    public static let standardError: @Sendable (String) -> Void = { line in
        var bytes = Array(line.utf8)
        bytes.append(0x0A)
        bytes.withUnsafeBytes { _ = Glibc.write(2, $0.baseAddress, $0.count) }
    }

    static func line(_ e: Entry, format: Format) -> String {
        let micros = e.durationNanos / 1_000
        let ms = "\(micros / 1000).\(String(micros % 1000 / 10).leftPadded(2))"
        switch format {
        case .text:
            return "\(e.remote) \(e.method) \(e.path) \(e.status) \(e.bytes)B \(ms)ms"
        case .timestampedText:
            return "\(timestamp()) \(e.remote) \(e.method) \(e.path) \(e.status) \(e.bytes)B \(ms)ms"
        case .json:
            var out: [UInt8] = []
            out.reserveCapacity(200)
            func field(_ name: String, _ value: String, first: Bool = false) {
                out.append(contentsOf: (first ? "{\"" : ",\"").utf8)
                out.append(contentsOf: name.utf8)
                out.append(contentsOf: "\":\"".utf8)
                HTTPResponse.appendJSONEscaped(value, to: &out)
                out.append(UInt8(ascii: "\""))
            }
            field("time", timestamp(), first: true)
            field("client", e.remote)
            field("method", e.method)
            if let route = e.route { field("route", route) } else { out.append(contentsOf: #","route":null"#.utf8) }
            field("path", String(e.path))
            out.append(contentsOf: ",\"status\":\(e.status),\"bytes\":\(e.bytes),\"ms\":\(ms)}".utf8)
            return String(decoding: out, as: UTF8.self)
        }
    }

    /// A server message (start, stop, errors) as a JSON line, so a `json` log is all JSON.
    public static func jsonMessage(_ message: String) -> String {
        var out: [UInt8] = Array(#"{"time":""#.utf8)
        out.append(contentsOf: timestamp().utf8)
        out.append(contentsOf: #"","message":""#.utf8)
        HTTPResponse.appendJSONEscaped(message, to: &out)
        out.append(contentsOf: #""}"#.utf8)
        return String(decoding: out, as: UTF8.self)
    }

    /// Now as `2026-11-29T20:49:22.123Z` (UTC, milliseconds).
    static func timestamp() -> String {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        var seconds = ts.tv_sec
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func two(_ n: Int32) -> String { String(n).leftPadded(2) }
        return "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))T\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec))."
            + String(ts.tv_nsec / 1_000_000).leftPadded(3) + "Z"
    }
}

extension String {
    func leftPadded(_ width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
