import Foundation
import ShopEngine

/// Puts the API's routes on the HTTP router, plus `/healthz`, `/metrics` and `/openapi.json`.
extension ShopAPI {
    /// A router serving every API route, the health check and the OpenAPI document.
    public func router(openAPIDocument: [UInt8]?, errorLog: @escaping @Sendable (String) -> Void = AccessLog.standardError) -> Router {
        var router = Router(errorLog: errorLog)
        let messages = errorMessages
        // 404 and 405 from the router, and the server's refusals before routing, speak the
        // client's language too (`code` stays the same).
        router.refusal = { fields, status, code, message in
            let language = messages.language(for: AcceptLanguage.preferred(fields["accept-language"]))
            var response = HTTPResponse.error(status: status, message: messages.message(for: ShopError(.invalid, code, message), in: language), code: code)
            response.headers.add(name: "Content-Language", value: language.rawValue)
            response.headers.add(name: "Vary", value: "Accept-Language")
            return response
        }
        for route in routes {
            let handler = route.handler
            var immediate: Router.ImmediateHandler?
            if let cached = route.cached {
                immediate = { [self] request in immediateAnswer(APIRequest(request), from: cached).map(HTTPResponse.init) }
            }
            router.add(route.method, route.pattern, immediate: immediate) { request in
                HTTPResponse(ShopAPI.run(handler, APIRequest(request), messages: messages, log: errorLog))
            }
        }
        let health = JSON.object([("status", .string("ok"))]).bytes
        router.add("GET", "/healthz") { _ in .json(status: 200, data: health) }
        router.add("GET", "/metrics") { [self] in try metricsHandler($0) }
        if let document = openAPIDocument {
            router.add("GET", "/openapi.json") { _ in .json(status: 200, data: document) }
            // The readable reference, rendered once from the same document.
            let page = APIReference.html(document: document) ?? Array("<!doctype html><p>The API document could not be read.</p>".utf8)
            router.add("GET", "/docs") { _ in
                var headers = HTTPHeaders()
                headers.add(name: "Content-Type", value: "text/html; charset=utf-8")
                return HTTPResponse(status: 200, headers: headers, body: page)
            }
        }
        return router
    }
}

extension APIRequest {
    init(_ request: HTTPRequest) {
        self.init(method: request.method, path: request.path, query: request.query, headers: { request.headers[$0] },
                  body: request.body, remoteAddress: request.remoteAddress, parameters: request.pathParameters)
    }
}

extension HTTPResponse {
    init(_ response: APIResponse) {
        var headers = HTTPHeaders()
        for (name, value) in response.headers { headers.add(name: name, value: value) }
        self.init(status: response.status, headers: headers, body: response.body)
    }
}
