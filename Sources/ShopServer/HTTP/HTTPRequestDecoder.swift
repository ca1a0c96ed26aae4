import Glibc

// MARK: - HTTPRequestDecoder

/// Incremental HTTP/1.x request parser, independent of sockets.
///
/// ```swift
/// var decoder = HTTPRequestDecoder()
/// decoder.feed(Array("GET / HTTP/1.1\r\nHost: x\r\n\r\n".utf8))
/// switch decoder.next() {
/// case .needMore: break                          // read more bytes, call next() again
/// case .request(let request): handle(request)    // call next() again: pipelined requests
/// case .failure(let status, let message, let code): answer(status); close()
/// }
/// ```
///
/// Strict by design (request smuggling): lines must end in CRLF; bare CR, bare LF, NUL, obs-fold,
/// a space before the colon, invalid token characters, a missing `Host` on HTTP/1.1, and any
/// duplicate or malformed `Content-Length` are rejected with 400.
///
/// Chunked request bodies are not supported: any `Transfer-Encoding` is refused with
/// 411 Length Required. Our clients (the TUI, browsers via fetch, curl) always send
/// `Content-Length` for the small JSON and image bodies the API accepts, and refusing
/// chunked removes a whole class of CL/TE desynchronisation bugs.
public struct HTTPRequestDecoder: Sendable {
    /// Size limits; defaults follow the server limits in README.md ("The HTTP API").
    public struct Limits: Sendable {
        public var maxRequestLineBytes = 8 * 1024
        public var maxHeaderBytes = 32 * 1024
        public var maxHeaderCount = 100
        public var maxBodyBytes = 1 * 1024 * 1024
        /// For `image/png` and `image/jpeg` bodies.
        public var maxImageBodyBytes = 2 * 1024 * 1024
        public init() {}
    }

    /// What `next()` found.
    public enum Result: Sendable {
        /// Not enough bytes yet for a complete request.
        case needMore
        case request(HTTPRequest)
        /// The request is unacceptable: answer `status` and close the connection.
        case failure(status: Int, message: String, code: String)
    }

    private enum State: Sendable {
        case requestLine
        case headers
        case body(length: Int)
        case failed(status: Int, message: String, code: String)
    }

    public let limits: Limits
    private var buffer: [UInt8] = []
    /// Start of unconsumed bytes in `buffer`.
    private var readIndex = 0
    /// Where the search for the next LF resumes (avoids rescanning on every feed).
    private var scanIndex = 0
    private var state: State = .requestLine
    private var headerBytes = 0
    private var method = ""
    private var target = ""
    private var path = ""
    private var query: [String: String] = [:]
    private var version = HTTPVersion.http1_1
    private var headers = HTTPHeaders()
    private var continuePending = false
    /// The header fields of the request whose head is complete: its body is being read, or the
    /// head was refused (413, 411, a bad `Content-Length` or `Host`). Nil otherwise.
    public private(set) var completeHeadFields: HTTPHeaders?

    public init(limits: Limits = Limits()) {
        self.limits = limits
    }

    /// Unconsumed bytes held by the decoder.
    public var bufferedByteCount: Int { buffer.count - readIndex }

    /// True when some bytes of a next request have arrived but it is not complete.
    public var hasPartialRequest: Bool {
        if case .requestLine = state { return readIndex < buffer.count }
        return true
    }

    /// True while the head is complete and the body is still arriving.
    public var isReadingBody: Bool {
        if case .body = state { return true }
        return false
    }

    /// True once per request when its head carried `Expect: 100-continue` and the body is
    /// awaited: the caller should send `HTTP/1.1 100 Continue` (curl waits 1 s for it otherwise).
    public mutating func takeContinueRequest() -> Bool {
        guard continuePending, isReadingBody else { return false }
        continuePending = false
        return true
    }

    /// Appends received bytes.
    public mutating func feed(_ bytes: UnsafeRawBufferPointer) {
        buffer.append(contentsOf: bytes)
    }

    /// Appends received bytes.
    public mutating func feed(_ bytes: some Sequence<UInt8>) {
        buffer.append(contentsOf: bytes)
    }

    /// Decodes the next request from the buffered bytes, if complete.
    public mutating func next() -> Result {
        while true {
            switch state {
            case .failed(let status, let message, let code):
                return .failure(status: status, message: message, code: code)

            case .requestLine:
                // RFC 9112 §2.2: ignore empty lines before a request line.
                while readIndex + 1 < buffer.count, buffer[readIndex] == 0x0D, buffer[readIndex + 1] == 0x0A {
                    readIndex += 2
                }
                if scanIndex < readIndex { scanIndex = readIndex }
                guard let lf = findLF() else {
                    if buffer.count - readIndex > limits.maxRequestLineBytes + 1 {
                        return fail(414, "Request line too long", "uri_too_long")
                    }
                    compactIfEmpty()
                    return .needMore
                }
                let lineLength = lf - readIndex
                if lineLength > limits.maxRequestLineBytes + 1 { return fail(414, "Request line too long", "uri_too_long") }
                guard lineLength >= 1, buffer[lf - 1] == 0x0D else { return fail(400, "Malformed request line", "bad_request") }
                if let failure = parseRequestLine(readIndex..<(lf - 1)) { return failure }
                readIndex = lf + 1
                scanIndex = readIndex
                headerBytes = 0
                headers = HTTPHeaders()
                state = .headers

            case .headers:
                guard let lf = findLF() else {
                    if headerBytes + (buffer.count - readIndex) > limits.maxHeaderBytes {
                        return fail(431, "Request header fields too large", "headers_too_large")
                    }
                    return .needMore
                }
                headerBytes += lf + 1 - readIndex
                if headerBytes > limits.maxHeaderBytes {
                    return fail(431, "Request header fields too large", "headers_too_large")
                }
                guard lf > readIndex, buffer[lf - 1] == 0x0D else { return fail(400, "Malformed header line", "bad_request") }
                let line = readIndex..<(lf - 1)
                readIndex = lf + 1
                scanIndex = readIndex
                if line.isEmpty {
                    if let result = finishHead() { return result }
                    continue
                }
                if let failure = parseHeaderLine(line) { return failure }

            case .body(let length):
                guard buffer.count - readIndex >= length else { return .needMore }
                let body = Array(buffer[readIndex..<(readIndex + length)])
                readIndex += length
                return complete(body: body)
            }
        }
    }

    // MARK: - Pieces

    private mutating func fail(_ status: Int, _ message: String, _ code: String) -> Result {
        state = .failed(status: status, message: message, code: code)
        return .failure(status: status, message: message, code: code)
    }

    /// Finds the next LF from `scanIndex`; on a miss, remembers that everything was scanned.
    private mutating func findLF() -> Int? {
        guard scanIndex < buffer.count else { return nil }
        let from = scanIndex
        let hit = buffer.withUnsafeBufferPointer { buf -> Int? in
            let base = UnsafeRawPointer(buf.baseAddress!)
            guard let p = memchr(base + from, 0x0A, buf.count - from) else { return nil }
            return UnsafeRawPointer(p) - base
        }
        if hit == nil { scanIndex = buffer.count }
        return hit
    }

    private mutating func compactIfEmpty() {
        if readIndex == buffer.count {
            buffer.removeAll(keepingCapacity: buffer.capacity <= 64 * 1024)
            readIndex = 0
            scanIndex = 0
        } else if readIndex > 64 * 1024 {
            buffer.removeSubrange(0..<readIndex)
            scanIndex -= readIndex
            readIndex = 0
        }
    }

    static func isTokenByte(_ b: UInt8) -> Bool {
        switch b {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        case UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "%"), UInt8(ascii: "&"),
             UInt8(ascii: "'"), UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."),
             UInt8(ascii: "^"), UInt8(ascii: "_"), UInt8(ascii: "`"), UInt8(ascii: "|"), UInt8(ascii: "~"):
            return true
        default:
            return false
        }
    }

    private mutating func parseRequestLine(_ range: Range<Int>) -> Result? {
        let line = buffer[range]
        // Exactly: method SP target SP version, visible ASCII only.
        for b in line where b <= 0x20 && b != 0x20 || b >= 0x7F {
            return fail(400, "Invalid character in request line", "bad_request")
        }
        // Exactly two spaces, found in place (no array of parts).
        guard let space1 = line.firstIndex(of: 0x20), let space2 = line[(space1 + 1)...].firstIndex(of: 0x20),
              !line[(space2 + 1)...].contains(0x20) else {
            return fail(400, "Malformed request line", "bad_request")
        }
        let methodBytes = line[..<space1], targetBytes = line[(space1 + 1)..<space2], versionBytes = line[(space2 + 1)...]
        guard !methodBytes.isEmpty, !targetBytes.isEmpty, !versionBytes.isEmpty else {
            return fail(400, "Malformed request line", "bad_request")
        }
        guard methodBytes.allSatisfy(Self.isTokenByte) else { return fail(400, "Invalid method", "bad_request") }
        // Any RFC 9110 token is a well-formed method (QUERY, BREW, …): the decoder accepts it and
        // the router answers 405 with `Allow` (known path) or 404, so a client always learns
        // which methods a path has. Methods are case-sensitive; `get` is simply another token.
        let method = String(decoding: methodBytes, as: UTF8.self)

        if versionBytes.elementsEqual("HTTP/1.1".utf8) {
            version = .http1_1
        } else if versionBytes.elementsEqual("HTTP/1.0".utf8) {
            version = .http1_0
        } else if versionBytes.count == 8, versionBytes.starts(with: "HTTP/".utf8),
                  (0x30...0x39).contains(versionBytes[space2 + 6]), versionBytes[space2 + 7] == UInt8(ascii: "."),
                  (0x30...0x39).contains(versionBytes[space2 + 8]) {
            return fail(505, "HTTP version not supported", "version_not_supported")
        } else {
            return fail(400, "Invalid HTTP version", "bad_request")
        }

        let target = String(decoding: targetBytes, as: UTF8.self)
        guard let parsed = targetBytes.withUnsafeBufferPointer({ RequestTarget.parse(bytes: $0) }) else { return fail(400, "Invalid request target", "bad_request") }
        if parsed.path == "*" && method != "OPTIONS" { return fail(400, "Invalid request target", "bad_request") }
        self.method = method
        self.target = target
        self.path = parsed.path
        self.query = parsed.query
        return nil
    }

    private mutating func parseHeaderLine(_ range: Range<Int>) -> Result? {
        let first = buffer[range.lowerBound]
        if first == 0x20 || first == 0x09 { return fail(400, "Obsolete line folding", "bad_request") }
        guard let colon = buffer[range].firstIndex(of: UInt8(ascii: ":")) else {
            return fail(400, "Malformed header line", "bad_request")
        }
        let name = buffer[range.lowerBound..<colon]
        // Also rejects a space before the colon and an empty name.
        guard !name.isEmpty, name.allSatisfy(Self.isTokenByte) else {
            return fail(400, "Invalid header name", "bad_request")
        }
        var valueStart = colon + 1
        var valueEnd = range.upperBound
        while valueStart < valueEnd, buffer[valueStart] == 0x20 || buffer[valueStart] == 0x09 { valueStart += 1 }
        while valueEnd > valueStart, buffer[valueEnd - 1] == 0x20 || buffer[valueEnd - 1] == 0x09 { valueEnd -= 1 }
        let value = buffer[valueStart..<valueEnd]
        // field-value: HTAB, SP, VCHAR, obs-text. Rejects NUL, bare CR, other controls and DEL.
        for b in value where (b < 0x20 && b != 0x09) || b == 0x7F {
            return fail(400, "Invalid character in header value", "bad_request")
        }
        if headers.count >= limits.maxHeaderCount {
            return fail(431, "Too many header fields", "headers_too_large")
        }
        headers.add(name: String(decoding: name, as: UTF8.self), value: String(decoding: value, as: UTF8.self))
        return nil
    }

    /// Validates framing once the blank line is reached. Returns a result, or nil to read a body.
    private mutating func finishHead() -> Result? {
        completeHeadFields = headers
        let contentLengths = headers.values(for: "content-length")
        let hasTransferEncoding = headers.contains("transfer-encoding")
        if hasTransferEncoding && !contentLengths.isEmpty {
            return fail(400, "Both Content-Length and Transfer-Encoding", "bad_request")
        }
        if hasTransferEncoding {
            // See the type comment: chunked (and any other coding) request bodies are refused.
            return fail(411, "Transfer-Encoding is not supported; send Content-Length", "length_required")
        }
        if contentLengths.count > 1 { return fail(400, "Duplicate Content-Length", "bad_request") }
        let hosts = headers.values(for: "host")
        if hosts.count > 1 { return fail(400, "Duplicate Host", "bad_request") }
        if hosts.isEmpty && version == .http1_1 { return fail(400, "Missing Host header", "bad_request") }

        var length = 0
        if let raw = contentLengths.first {
            // 1*DIGIT only: no sign, no list, no spaces inside; at most 18 digits (no overflow).
            guard !raw.isEmpty, raw.utf8.count <= 18, raw.utf8.allSatisfy({ (0x30...0x39).contains($0) }),
                  let value = Int(raw) else {
                return fail(400, "Invalid Content-Length", "bad_request")
            }
            length = value
        }
        let mediaType = headers["content-type"].map {
            $0.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false).first.map { $0.trimmingSpaces().lowercased() } ?? ""
        }
        let limit = (mediaType == "image/png" || mediaType == "image/jpeg") ? limits.maxImageBodyBytes : limits.maxBodyBytes
        if length > limit { return fail(413, "Request body too large (limit \(limit) bytes)", "payload_too_large") }
        if length == 0 { return complete(body: []) }
        state = .body(length: length)
        continuePending = version == .http1_1 && headers["expect"]?.lowercased() == "100-continue"
        return nil
    }

    private mutating func complete(body: [UInt8]) -> Result {
        let request = HTTPRequest(method: method, target: target, path: path, query: query,
                                  version: version, headers: headers, body: body)
        state = .requestLine
        headers = HTTPHeaders()
        completeHeadFields = nil
        query = [:]
        continuePending = false
        compactIfEmpty()
        return .request(request)
    }
}
