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
        if let q = target.utf8.firstIndex(of: UInt8(ascii: "?")) { return target[..<q] }
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

/// Request targets, read byte by byte: the decoder has already checked that a target is visible
/// ASCII, so a byte is a character here, and no `String` is searched or split.
enum RequestTarget {
    /// Splits an origin-form (or `*`) target into decoded path and query; nil when malformed
    /// (bad percent escape, invalid UTF-8, NUL after decoding, or not starting with `/`).
    static func parse(_ target: String) -> (path: String, query: [String: String])? {
        var target = target
        return target.withUTF8 { parse(bytes: $0) }
    }

    /// `parse(_:)` on the target's bytes (as they arrived in the request line).
    static func parse(bytes target: UnsafeBufferPointer<UInt8>) -> (path: String, query: [String: String])? {
        if target.count == 1 && target[0] == UInt8(ascii: "*") { return ("*", [:]) }
        var start = 0
        var prefixSlash = false // absolute-form with a query but no path: `http://host?q` is `/?q`
        // Absolute-form (`http://host/path`): keep only the path and query.
        if let afterScheme = [Array("http://".utf8), Array("https://".utf8)].lazy.compactMap({ target.starts(with: $0) ? $0.count : nil }).first {
            if let slash = target[afterScheme...].firstIndex(where: { $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "?") }) {
                start = slash
                prefixSlash = target[slash] == UInt8(ascii: "?")
            } else {
                return ("/", [:])
            }
        }
        guard prefixSlash || (start < target.count && target[start] == UInt8(ascii: "/")) else { return nil }
        let question = target[start...].firstIndex(of: UInt8(ascii: "?")) ?? target.count
        guard var path = percentDecode(target[start..<question], plusIsSpace: false) else { return nil }
        if prefixSlash { path = "/" + path }
        var query: [String: String] = [:]
        var pairStart = question + 1
        while pairStart < target.count {
            let pairEnd = target[pairStart...].firstIndex(of: UInt8(ascii: "&")) ?? target.count
            if pairEnd > pairStart {
                let equals = target[pairStart..<pairEnd].firstIndex(of: UInt8(ascii: "=")) ?? pairEnd
                guard let name = percentDecode(target[pairStart..<equals], plusIsSpace: true),
                      let value = equals < pairEnd ? percentDecode(target[(equals + 1)..<pairEnd], plusIsSpace: true) : "" else { return nil }
                if query[name] == nil { query[name] = value }
            }
            pairStart = pairEnd + 1
        }
        return (path, query)
    }

    /// Decodes `%XX` escapes; nil for a malformed escape, invalid UTF-8 or a NUL byte.
    static func percentDecode(_ s: Substring, plusIsSpace: Bool) -> String? {
        var s = s
        return s.withUTF8 { percentDecode($0[...], plusIsSpace: plusIsSpace) }
    }

    static func percentDecode(_ bytes: Slice<UnsafeBufferPointer<UInt8>>, plusIsSpace: Bool) -> String? {
        if !bytes.contains(where: { $0 == UInt8(ascii: "%") || (plusIsSpace && $0 == UInt8(ascii: "+")) }) {
            return String(decoding: UnsafeBufferPointer(rebasing: bytes), as: UTF8.self)
        }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = bytes.startIndex
        while i != bytes.endIndex {
            let b = bytes[i]
            if b == UInt8(ascii: "%") {
                guard i + 2 < bytes.endIndex, let hi = hexValue(bytes[i + 1]), let lo = hexValue(bytes[i + 2]) else { return nil }
                let v = hi << 4 | lo
                if v == 0 { return nil }
                out.append(v)
                i += 3
            } else {
                out.append(plusIsSpace && b == UInt8(ascii: "+") ? UInt8(ascii: " ") : b)
                i += 1
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
