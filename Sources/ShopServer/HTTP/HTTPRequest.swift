// MARK: - HTTPVersion

/// The protocol version of a request. Only 1.0 and 1.1 are accepted by the decoder.
public struct HTTPVersion: Sendable, Equatable, Hashable, CustomStringConvertible {
    public var major: Int
    public var minor: Int
    public init(major: Int, minor: Int) { self.major = major; self.minor = minor }
    public static let http1_0 = HTTPVersion(major: 1, minor: 0)
    public static let http1_1 = HTTPVersion(major: 1, minor: 1)
    public var description: String { "HTTP/\(major).\(minor)" }
}

// MARK: - HTTPRequest

/// A fully received HTTP request.
///
/// ```swift
/// router.add("GET", "/api/v1/products/{id}") { request in
///     let id = request.pathParameters["id"]!        // decoded
///     let page = request.query["page"] ?? "1"       // decoded, first value wins
///     return .json(data: Array(#"{"id":"\#(id)"}"#.utf8))
/// }
/// ```
public struct HTTPRequest: Sendable {
    /// Method token as sent, e.g. `GET` (case-sensitive per RFC 9110).
    public var method: String
    /// The raw request target, e.g. `/api/v1/products?q=t%C3%A9`.
    public var target: String
    /// Percent-decoded path without the query, e.g. `/api/v1/products`.
    public var path: String
    /// Decoded query parameters (`+` is a space); the first occurrence of a name wins.
    public var query: [String: String]
    public var version: HTTPVersion
    public var headers: HTTPHeaders
    public var body: [UInt8]
    /// Peer IP address only (no port), e.g. `127.0.0.1` or `::1`.
    public var remoteAddress: String
    /// Filled by `Router` from `{name}` segments of the matched pattern (decoded).
    public var pathParameters: [String: String]

    /// Builds a request (for tests and in-process calls). An undecodable target keeps its raw path.
    public init(method: String, target: String, version: HTTPVersion = .http1_1,
                headers: HTTPHeaders = [:], body: [UInt8] = [], remoteAddress: String = "127.0.0.1") {
        self.method = method
        self.target = target
        let parsed = RequestTarget.parse(target)
        self.path = parsed?.path ?? String(target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first ?? "")
        self.query = parsed?.query ?? [:]
        self.version = version
        self.headers = headers
        self.body = body
        self.remoteAddress = remoteAddress
        self.pathParameters = [:]
    }

    init(method: String, target: String, path: String, query: [String: String], version: HTTPVersion,
         headers: HTTPHeaders, body: [UInt8]) {
        self.method = method
        self.target = target
        self.path = path
        self.query = query
        self.version = version
        self.headers = headers
        self.body = body
        self.remoteAddress = ""
        self.pathParameters = [:]
    }

    /// The raw (still percent-encoded) path part of `target`; safe to log (visible ASCII only
    /// when it came from the decoder).
    public var rawPath: Substring {
        if let q = target.firstIndex(of: "?") { return target[..<q] }
        return target[...]
    }

    /// Whether the connection may stay open after this request, per version and `Connection`.
    public var wantsKeepAlive: Bool {
        if headers.hasToken("close", in: "connection") { return false }
        if version == .http1_0 { return headers.hasToken("keep-alive", in: "connection") }
        return true
    }
}

// MARK: - Target parsing

enum RequestTarget {
    /// Splits an origin-form (or `*`) target into decoded path and query; nil when malformed
    /// (bad percent escape, invalid UTF-8, NUL after decoding, or not starting with `/`).
    static func parse(_ target: String) -> (path: String, query: [String: String])? {
        if target == "*" { return ("*", [:]) }
        var utf8 = Substring(target)
        // Absolute-form (`http://host/path`): keep only the path and query.
        if utf8.hasPrefix("http://") || utf8.hasPrefix("https://") {
            let afterScheme = utf8[utf8.range(of: "://")!.upperBound...]
            if let slash = afterScheme.firstIndex(where: { $0 == "/" || $0 == "?" }) {
                utf8 = afterScheme[slash...]
                if utf8.first == "?" { utf8 = "/" + utf8 }
            } else {
                utf8 = "/"
            }
        }
        guard utf8.first == "/" else { return nil }
        let rawPath: Substring
        let rawQuery: Substring?
        if let q = utf8.firstIndex(of: "?") {
            rawPath = utf8[..<q]
            rawQuery = utf8[utf8.index(after: q)...]
        } else {
            rawPath = utf8
            rawQuery = nil
        }
        guard let path = percentDecode(rawPath, plusIsSpace: false) else { return nil }
        var query: [String: String] = [:]
        if let rawQuery, !rawQuery.isEmpty {
            for pair in rawQuery.split(separator: "&", omittingEmptySubsequences: true) {
                let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                guard let name = percentDecode(parts[0], plusIsSpace: true) else { return nil }
                let value = parts.count > 1 ? percentDecode(parts[1], plusIsSpace: true) : ""
                guard let value else { return nil }
                if query[name] == nil { query[name] = value }
            }
        }
        return (path, query)
    }

    /// Decodes `%XX` escapes; nil for a malformed escape, invalid UTF-8 or a NUL byte.
    static func percentDecode(_ s: Substring, plusIsSpace: Bool) -> String? {
        let bytes = s.utf8
        if !bytes.contains(UInt8(ascii: "%")) && !(plusIsSpace && bytes.contains(UInt8(ascii: "+"))) {
            return String(s)
        }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = bytes.startIndex
        while i != bytes.endIndex {
            let b = bytes[i]
            if b == UInt8(ascii: "%") {
                let h1 = bytes.index(after: i)
                guard h1 != bytes.endIndex else { return nil }
                let h2 = bytes.index(after: h1)
                guard h2 != bytes.endIndex, let hi = hexValue(bytes[h1]), let lo = hexValue(bytes[h2]) else { return nil }
                let v = hi << 4 | lo
                if v == 0 { return nil }
                out.append(v)
                i = bytes.index(after: h2)
            } else {
                out.append(plusIsSpace && b == UInt8(ascii: "+") ? UInt8(ascii: " ") : b)
                i = bytes.index(after: i)
            }
        }
        return String(validating: out, as: UTF8.self)
    }

    static func hexValue(_ b: UInt8) -> UInt8? {
        switch b {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return b - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return b - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return b - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
