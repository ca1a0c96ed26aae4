import ShopEngine

/// What an API handler needs from an HTTP request (the HTTP layer fills it).
struct APIRequest {
    let method: String
    let path: String
    let query: [String: String]
    let headers: (String) -> String?
    let body: [UInt8]
    let remoteAddress: String
    let parameters: [String: String]

    func header(_ name: String) -> String? { headers(name) }

    /// The language the client prefers (`Accept-Language`), for error messages.
    var language: Language { AcceptLanguage.preferred(header("accept-language")) }

    /// A path parameter that must be a positive integer id.
    func id(_ name: String = "id") throws -> Int64 {
        guard let text = parameters[name], let id = Int64(text), id > 0 else { throw ShopError(.notFound, "not_found", "Not found") }
        return id
    }

    /// An integer query parameter; below `minimum` (as the document states it) is a 400 naming it.
    func queryInt(_ name: String, minimum: Int64? = nil) throws -> Int64? {
        // Absent is "not given"; present but empty (`?limit=`) is not a number, as the document says.
        guard let text = query[name] else { return nil }
        guard let value = Int64(text) else { throw ShopError(.invalid, "invalid_\(name)", "\(name) must be a whole number", field: name) }
        if let minimum, value < minimum {
            throw ShopError(.invalid, "invalid_\(name)", "\(name) must be at least \(minimum)", field: name)
        }
        return value
    }

    func queryBool(_ name: String) throws -> Bool {
        guard let text = query[name] else { return false }
        switch text {
        // Exactly the document's boolean values: what it forbids is refused.
        case "true": return true
        case "false": return false
        default: throw ShopError(.invalid, "invalid_\(name)", "\(name) must be true or false", field: name)
        }
    }

    func limit(default value: Int = 20) throws -> Int {
        Int(try queryInt("limit") ?? Int64(value))
    }
}

/// An API answer before the HTTP layer writes it.
struct APIResponse {
    var status: Int
    var headers: [(String, String)] = []
    var body: [UInt8] = []

    static func json(_ status: Int = 200, _ value: JSON) -> APIResponse {
        APIResponse(status: status, headers: [("Content-Type", "application/json")], body: value.bytes)
    }

    static let noContent = APIResponse(status: 204)

    static func image(_ photo: Photo) -> APIResponse {
        APIResponse(status: 200, headers: [("Content-Type", photo.contentType), ("Cache-Control", "private, max-age=60")], body: photo.bytes)
    }

    /// The one place engine errors become HTTP: a status and `{"error", "code", "field"?}`, the
    /// message in `language` when `messages` has it (`code` and `field` never change), said by
    /// `Content-Language`; `Vary` tells caches the text depends on `Accept-Language`.
    static func error(_ error: ShopError, in language: Language = .en, messages: ErrorMessages? = nil) -> APIResponse {
        let language = messages?.language(for: language) ?? .en
        let message = messages?.message(for: error, in: language) ?? error.message
        var fields: [(String, JSON)] = [("error", .string(message)), ("code", .string(error.code))]
        if let field = error.field { fields.append(("field", .string(field))) }
        var response = APIResponse.json(error.httpStatus, .object(fields))
        response.headers += [("Content-Language", language.rawValue), ("Vary", "Accept-Language")]
        if let wait = error.retryAfter { response.headers.append(("Retry-After", String(wait))) }
        return response
    }
}
