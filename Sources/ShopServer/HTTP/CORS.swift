// MARK: - CORS

/// Cross-origin policy: exact-match allowed origins.
///
/// For an allowed `Origin`: responses get `Access-Control-Allow-Origin: <origin>` and
/// `Vary: Origin`; a preflight (`OPTIONS` with `Access-Control-Request-Method`) is answered
/// with 204 by the server itself, without calling the handler. Other origins get no CORS headers.
struct CORSPolicy: Sendable {
    let origins: Set<String>
    static let allowMethods = "GET, POST, PUT, PATCH, DELETE, OPTIONS"
    static let allowHeaders = "Authorization, Content-Type, Idempotency-Key"
    static let maxAge = "600"

    init(origins: [String]) { self.origins = Set(origins) }

    /// The allowed origin of this request, if any.
    func allowedOrigin(of request: HTTPRequest) -> String? {
        guard !origins.isEmpty, let origin = request.headers["origin"], origins.contains(origin) else { return nil }
        return origin
    }

    /// A 204 preflight answer, or nil if this is not a preflight from an allowed origin.
    func preflightResponse(for request: HTTPRequest) -> HTTPResponse? {
        guard request.method == "OPTIONS", request.headers.contains("access-control-request-method"),
              let origin = allowedOrigin(of: request) else { return nil }
        return HTTPResponse(status: 204, headers: [
            "Access-Control-Allow-Origin": origin,
            "Vary": "Origin",
            "Access-Control-Allow-Methods": CORSPolicy.allowMethods,
            "Access-Control-Allow-Headers": CORSPolicy.allowHeaders,
            "Access-Control-Max-Age": CORSPolicy.maxAge,
        ])
    }

    /// Adds the CORS headers to a handler's response for an allowed origin.
    func decorate(_ response: inout HTTPResponse, for request: HTTPRequest) {
        guard let origin = allowedOrigin(of: request) else { return }
        response.headers["Access-Control-Allow-Origin"] = origin
        if let vary = response.headers["vary"] {
            if !response.headers.hasToken("origin", in: "vary") { response.headers["Vary"] = vary + ", Origin" }
        } else {
            response.headers["Vary"] = "Origin"
        }
    }
}
