import Foundation

// MARK: - HTTPResponse

/// A response produced by a handler. The server adds `Date`, `Server`, `Content-Length` and
/// `Connection` itself (values a handler sets for those are replaced).
///
/// ```swift
/// return .json(status: 201, data: try encoder.encode(order))
/// return .error(status: 404, message: "No such product", code: "not_found")
/// return .noContent
/// ```
public struct HTTPResponse: Sendable {
    public var status: Int
    public var headers: HTTPHeaders
    public var body: [UInt8]
    /// The route pattern that answered (`/api/v1/products/{id}`), set by `Router`; nil when no
    /// route did. For metrics and the access log only: it is never sent.
    public var route: String?

    public init(status: Int = 200, headers: HTTPHeaders = [:], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// A JSON response with `Content-Type: application/json`.
    public static func json(status: Int = 200, data: Data) -> HTTPResponse {
        json(status: status, data: [UInt8](data))
    }

    /// A JSON response with `Content-Type: application/json`.
    public static func json(status: Int = 200, data: [UInt8]) -> HTTPResponse {
        HTTPResponse(status: status, headers: ["Content-Type": "application/json"], body: data)
    }

    /// `{"error":"<message>","code":"<code>"}` as JSON.
    public static func error(status: Int, message: String, code: String) -> HTTPResponse {
        var body: [UInt8] = []
        body.reserveCapacity(message.utf8.count + code.utf8.count + 24)
        body.append(contentsOf: #"{"error":""#.utf8)
        appendJSONEscaped(message, to: &body)
        body.append(contentsOf: #"","code":""#.utf8)
        appendJSONEscaped(code, to: &body)
        body.append(contentsOf: #""}"#.utf8)
        return json(status: status, data: body)
    }

    /// 204 No Content.
    public static var noContent: HTTPResponse { HTTPResponse(status: 204) }

    /// The one answer to a failure on our side (a handler threw something unexpected, or built
    /// an invalid response): always this code and message; the details go to the error log.
    public static let internalErrorCode = "internal_error"
    public static let internalErrorMessage = "Something went wrong on our side; please try again"
    public static var internalError: HTTPResponse { .error(status: 500, message: internalErrorMessage, code: internalErrorCode) }

    /// The standard reason phrase, or `Unknown` for codes we never send.
    public static func reasonPhrase(for status: Int) -> String {
        switch status {
        case 100: "Continue"
        case 200: "OK"
        case 201: "Created"
        case 202: "Accepted"
        case 204: "No Content"
        case 206: "Partial Content"
        case 301: "Moved Permanently"
        case 302: "Found"
        case 303: "See Other"
        case 304: "Not Modified"
        case 307: "Temporary Redirect"
        case 308: "Permanent Redirect"
        case 400: "Bad Request"
        case 401: "Unauthorized"
        case 402: "Payment Required"
        case 403: "Forbidden"
        case 404: "Not Found"
        case 405: "Method Not Allowed"
        case 406: "Not Acceptable"
        case 408: "Request Timeout"
        case 409: "Conflict"
        case 410: "Gone"
        case 411: "Length Required"
        case 412: "Precondition Failed"
        case 413: "Content Too Large"
        case 414: "URI Too Long"
        case 415: "Unsupported Media Type"
        case 422: "Unprocessable Content"
        case 428: "Precondition Required"
        case 429: "Too Many Requests"
        case 431: "Request Header Fields Too Large"
        case 500: "Internal Server Error"
        case 501: "Not Implemented"
        case 502: "Bad Gateway"
        case 503: "Service Unavailable"
        case 504: "Gateway Timeout"
        case 505: "HTTP Version Not Supported"
        default: "Unknown"
        }
    }

    static func appendJSONEscaped(_ s: String, to out: inout [UInt8]) {
        let hex: [UInt8] = Array("0123456789abcdef".utf8)
        for b in s.utf8 {
            switch b {
            case UInt8(ascii: "\""): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
            case UInt8(ascii: "\\"): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case 0x0A: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case 0x0D: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            case 0x09: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            case 0..<0x20:
                out.append(contentsOf: Array(#"\u00"#.utf8))
                out.append(hex[Int(b >> 4)]); out.append(hex[Int(b & 0xF)])
            default: out.append(b)
            }
        }
    }
}

// MARK: - Serialization

extension HTTPResponse {
    /// Header names the server owns; a handler's values for them are dropped.
    private static let serverOwned: Set<String> = ["content-length", "connection", "date", "server", "transfer-encoding", "keep-alive"]

    /// Whether a handler-built response can be put on the wire safely (status range, header
    /// syntax: no CR/LF/NUL that would allow response splitting).
    var isWellFormed: Bool {
        guard (200...599).contains(status) else { return false }
        for field in headers.fields {
            guard !field.name.isEmpty, field.name.utf8.allSatisfy(HTTPRequestDecoder.isTokenByte) else { return false }
            for b in field.value.utf8 where b == 0x0D || b == 0x0A || b == 0 { return false }
        }
        return true
    }

    /// The wire form: status line, headers, body (omitted for HEAD, 204, 304).
    func serialize(keepAlive: Bool, keepAliveHeader: Bool, isHead: Bool, date: [UInt8]) -> [UInt8] {
        let bodyAllowed = status != 204 && status != 304 && !(100...199).contains(status)
        let sendBody = bodyAllowed && !isHead
        var out: [UInt8] = []
        out.reserveCapacity(160 + headers.count * 40 + (sendBody ? body.count : 0))
        out.append(contentsOf: "HTTP/1.1 \(status) \(HTTPResponse.reasonPhrase(for: status))\r\n".utf8)
        for field in headers.fields where !HTTPResponse.serverOwned.contains(field.lowercasedName) {
            out.append(contentsOf: field.name.utf8)
            out.append(contentsOf: [UInt8(ascii: ":"), UInt8(ascii: " ")])
            out.append(contentsOf: field.value.utf8)
            out.append(contentsOf: [0x0D, 0x0A])
        }
        out.append(contentsOf: "Server: shop\r\n".utf8)
        out.append(contentsOf: date) // "Date: …\r\n"
        if bodyAllowed {
            out.append(contentsOf: "Content-Length: \(body.count)\r\n".utf8)
        }
        if !keepAlive {
            out.append(contentsOf: "Connection: close\r\n".utf8)
        } else if keepAliveHeader {
            out.append(contentsOf: "Connection: keep-alive\r\n".utf8)
        }
        out.append(contentsOf: [0x0D, 0x0A])
        if sendBody { out.append(contentsOf: body) }
        return out
    }
}
