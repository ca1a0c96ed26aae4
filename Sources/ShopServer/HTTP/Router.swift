import Glibc

// MARK: - Router

/// Maps method + path pattern to a handler. Patterns are literal segments and `{name}`
/// parameters; a parameter matches one non-empty segment and is percent-decoded.
///
/// ```swift
/// var router = Router()
/// router.add("GET", "/api/v1/products/{id}") { request in
///     .json(data: Array("{\"id\":\"\(request.pathParameters["id"]!)\"}".utf8))
/// }
/// let server = HTTPServer(configuration: .init(port: 8080), handler: router.handler)
/// ```
///
/// Unknown path → 404 JSON error; known path, other method → 405 with `Allow`. `HEAD` falls back
/// to a `GET` route (the server drops the body). A handler that throws becomes a logged 500
/// with a generic body; the error text is never sent to the client.
public struct Router: Sendable {
    /// A route handler; synchronous, runs on a worker thread, may block.
    public typealias Handler = @Sendable (HTTPRequest) throws -> HTTPResponse
    /// A route's answer from memory, tried on the event-loop thread before the request goes to a
    /// worker: it must never block (no database, no lock another thread may hold long) and
    /// returns nil whenever it cannot answer exactly as the handler would; then the handler runs.
    public typealias ImmediateHandler = @Sendable (HTTPRequest) -> HTTPResponse?

    private enum Segment: Sendable, Equatable {
        case literal(String)
        case parameter(String)
    }

    private struct Route: Sendable {
        let method: String
        let pattern: String
        let segments: [Segment]
        let literalCount: Int
        let handler: Handler
        let immediate: ImmediateHandler?
    }

    /// What a request's method and path lead to.
    private enum Resolution {
        case route(Route, parameters: [String: String])
        case badPath
        case notFound
        case methodNotAllowed(allowed: Set<String>)
    }

    private var table: [Route] = []
    /// Indices into `table` of the routes without parameters, by pattern: a path spelled the same
    /// (no escapes) with the route's own method needs no matching segment by segment.
    private var literalRoutes: [String: [Int]] = [:]
    /// Methods of the routes with an immediate answer: any other request is not even routed on the loop.
    private var immediateMethods: Set<String> = []
    /// Indices into `table` by segment count: a route only matches paths with as many segments,
    /// so a request tries a handful of routes, not all of them.
    private var bySegmentCount: [Int: [Int]] = [:]
    /// Where handler errors are reported (default: stderr).
    public var errorLog: @Sendable (String) -> Void
    /// The router's own refusals (404 no such path, 405 with `Allow` set afterwards), and the
    /// server's before routing (`HTTPServer(configuration:router:)`: 400, 408, 411, 413 once a
    /// request's header fields are read): a status and code, with a message the owner may put in
    /// the language the fields ask for.
    public var refusal: Refusal = { _, status, code, message in
        .error(status: status, message: message, code: code)
    }
    public typealias Refusal = @Sendable (_ fields: HTTPHeaders, _ status: Int, _ code: String, _ message: String) -> HTTPResponse

    public init(errorLog: @escaping @Sendable (String) -> Void = AccessLog.standardError) {
        self.errorLog = errorLog
    }

    /// Registered (method, pattern) pairs in registration order, e.g. to compare with OpenAPI.
    public var routes: [(method: String, pattern: String)] {
        table.map { ($0.method, $0.pattern) }
    }

    /// Registers a handler. `pattern` starts with `/`; `{name}` segments capture parameters.
    /// `immediate`: an answer from memory to try first, on the event loop (`ImmediateHandler`).
    public mutating func add(_ method: String, _ pattern: String, immediate: ImmediateHandler? = nil, _ handler: @escaping Handler) {
        // Programmer error at setup time, not a runtime condition.
        precondition(pattern.hasPrefix("/"), "route pattern must start with /: \(pattern)")
        let segments: [Segment] = Router.split(Substring(pattern)).map { part in
            if part.hasPrefix("{") && part.hasSuffix("}") && part.count > 2 {
                return .parameter(String(part.dropFirst().dropLast()))
            }
            return .literal(String(part))
        }
        let literals = segments.filter { if case .literal = $0 { true } else { false } }.count
        bySegmentCount[segments.count, default: []].append(table.count)
        if literals == segments.count { literalRoutes[pattern, default: []].append(table.count) }
        if immediate != nil { immediateMethods.insert(method.uppercased()) }
        table.append(Route(method: method.uppercased(), pattern: pattern, segments: segments,
                           literalCount: literals, handler: handler, immediate: immediate))
    }

    /// A closure to give `HTTPServer`.
    public var handler: @Sendable (HTTPRequest) -> HTTPResponse {
        let router = self
        return { router.handle($0) }
    }

    /// A closure to give `HTTPServer` as its immediate handler (nil when no route has one).
    public var immediateHandler: (@Sendable (HTTPRequest) -> HTTPResponse?)? {
        guard !immediateMethods.isEmpty else { return nil }
        let router = self
        return { router.answerImmediately($0) }
    }

    /// The matched route's immediate answer, or nil (no such route, or it cannot answer now).
    public func answerImmediately(_ request: HTTPRequest) -> HTTPResponse? {
        guard immediateMethods.contains(request.method) || request.method == "HEAD" && immediateMethods.contains("GET"),
              case .route(let route, let params) = resolve(request), let immediate = route.immediate else { return nil }
        var routed = request
        routed.pathParameters = params
        guard var response = immediate(routed) else { return nil }
        response.route = route.pattern
        return response
    }

    /// Routes a request and runs its handler; never throws.
    public func handle(_ request: HTTPRequest) -> HTTPResponse {
        let route: Route, params: [String: String]
        switch resolve(request) {
        case .route(let r, let p): (route, params) = (r, p)
        case .badPath: return .error(status: 400, message: "Invalid path", code: "bad_request")
        case .notFound: return refusal(request.headers, 404, "not_found", "Not found")
        case .methodNotAllowed(var allowed):
            if allowed.contains("GET") { allowed.insert("HEAD") }
            var response = refusal(request.headers, 405, "method_not_allowed", "Method not allowed")
            response.headers["Allow"] = allowed.sorted().joined(separator: ", ")
            return response
        }
        var routed = request
        routed.pathParameters = params
        var response: HTTPResponse
        do {
            response = try route.handler(routed)
        } catch {
            errorLog("handler error: \(request.method) \(request.rawPath) (\(route.pattern)): \(error)")
            response = .internalError
        }
        response.route = route.pattern
        return response
    }

    private func resolve(_ request: HTTPRequest) -> Resolution {
        // The common case: the exact method on a route without parameters. Nothing can beat it
        // (it has the most literal segments, and the earliest registered wins a tie, as below).
        let rawPath = request.rawPath
        if !rawPath.utf8.contains(UInt8(ascii: "%")), let indices = literalRoutes[String(rawPath)],
           let index = indices.first(where: { table[$0].method == request.method }) {
            return .route(table[index], parameters: [:])
        }
        let rawSegments = Router.split(rawPath)
        var decoded: [String] = []
        decoded.reserveCapacity(rawSegments.count)
        for raw in rawSegments {
            guard let d = RequestTarget.percentDecode(raw, plusIsSpace: false) else { return .badPath }
            decoded.append(d)
        }

        var best: (route: Route, params: [String: String])?
        var allowed: Set<String> = []
        for index in bySegmentCount[decoded.count] ?? [] {
            let route = table[index]
            guard let params = Router.match(route.segments, decoded) else { continue }
            allowed.insert(route.method)
            let methodMatches = route.method == request.method || (request.method == "HEAD" && route.method == "GET")
            guard methodMatches else { continue }
            // Exact method beats HEAD→GET fallback; more literal segments beat parameters.
            if let current = best {
                let currentExact = current.route.method == request.method
                let candidateExact = route.method == request.method
                if currentExact && !candidateExact { continue }
                if currentExact == candidateExact && route.literalCount <= current.route.literalCount { continue }
            }
            best = (route, params)
        }
        if let best { return .route(best.route, parameters: best.params) }
        return allowed.isEmpty ? .notFound : .methodNotAllowed(allowed: allowed)
    }

    // MARK: - Matching

    private static func split(_ path: Substring) -> [Substring] {
        // "/a/b" → ["a", "b"]; "/" → []; "/a/" → ["a", ""] so a trailing slash is a different path.
        guard path.utf8.first == UInt8(ascii: "/") else { return [path] }
        let rest = path.utf8.dropFirst()
        if rest.isEmpty { return [] }
        return rest.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false).map { Substring($0) }
    }

    private static func match(_ segments: [Segment], _ path: [String]) -> [String: String]? {
        guard segments.count == path.count else { return nil }
        var params: [String: String] = [:]
        for (segment, value) in zip(segments, path) {
            switch segment {
            case .literal(let literal):
                guard literal == value else { return nil }
            case .parameter(let name):
                guard !value.isEmpty else { return nil }
                params[name] = value
            }
        }
        return params
    }
}
