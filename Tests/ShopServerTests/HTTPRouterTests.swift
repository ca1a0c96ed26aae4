import Foundation
import Synchronization
import Testing
@testable import ShopServer

private struct Boom: Error {}

private func makeRouter(log: LineCollector? = nil) -> Router {
    var router = Router(errorLog: { line in log?.append(line) })
    router.add("GET", "/api/v1/products") { _ in .json(data: text("[]")) }
    router.add("GET", "/api/v1/products/{id}") { r in .json(data: text("{\"id\":\"\(r.pathParameters["id"] ?? "")\"}")) }
    router.add("GET", "/api/v1/products/featured") { _ in .json(data: text("featured")) }
    router.add("DELETE", "/api/v1/products/{id}") { _ in .noContent }
    router.add("POST", "/api/v1/boom") { _ in throw Boom() }
    return router
}

@Test("a route with a {id} parameter receives the decoded value")
func routeParameter() {
    let response = makeRouter().handle(HTTPRequest(method: "GET", target: "/api/v1/products/red%20shoe?x=1"))
    #expect(response.status == 200)
    #expect(String(decoding: response.body, as: UTF8.self) == #"{"id":"red shoe"}"#)
}

@Test("a literal segment wins over a parameter regardless of registration order")
func literalBeatsParameter() {
    let response = makeRouter().handle(HTTPRequest(method: "GET", target: "/api/v1/products/featured"))
    #expect(String(decoding: response.body, as: UTF8.self) == "featured")
}

@Test("an unknown path is a 404 JSON error")
func unknownPath() {
    for target in ["/nope", "/api/v1/products/1/extra", "/api/v1/products/", "/api/v1/products//"] {
        let response = makeRouter().handle(HTTPRequest(method: "GET", target: target))
        #expect(response.status == 404, "\(target)")
        #expect(response.headers["content-type"] == "application/json")
        #expect(String(decoding: response.body, as: UTF8.self) == #"{"error":"Not found","code":"not_found"}"#)
    }
}

@Test("a known path with another method is a 405 listing the allowed methods")
func wrongMethod() {
    let response = makeRouter().handle(HTTPRequest(method: "PUT", target: "/api/v1/products/7"))
    #expect(response.status == 405)
    #expect(response.headers["allow"] == "DELETE, GET, HEAD")
}

@Test("an unknown method token on a known path is a 405 with Allow, on an unknown path a 404")
func unknownMethodToken() {
    for method in ["QUERY", "BREW", "get", "TRACE", "CONNECT"] {
        let response = makeRouter().handle(HTTPRequest(method: method, target: "/api/v1/products"))
        #expect(response.status == 405, "\(method)")
        #expect(response.headers["allow"] == "GET, HEAD", "\(method)")
        #expect(makeRouter().handle(HTTPRequest(method: method, target: "/nope")).status == 404, "\(method)")
    }
}

@Test("HEAD falls back to the GET route")
func headFallback() {
    #expect(makeRouter().handle(HTTPRequest(method: "HEAD", target: "/api/v1/products")).status == 200)
}

@Test("a throwing handler becomes a logged 500 with a generic body")
func throwingHandler() {
    let log = LineCollector()
    let response = makeRouter(log: log).handle(HTTPRequest(method: "POST", target: "/api/v1/boom"))
    #expect(response.status == 500)
    #expect(String(decoding: response.body, as: UTF8.self) == #"{"error":"Something went wrong on our side; please try again","code":"internal_error"}"#)
    #expect(log.lines.count == 1)
    #expect(log.lines.first?.contains("Boom") ?? false)
}

@Test("routes lists method and pattern pairs in registration order")
func routeList() {
    let routes = makeRouter().routes.map { "\($0.method) \($0.pattern)" }
    #expect(routes == ["GET /api/v1/products", "GET /api/v1/products/{id}", "GET /api/v1/products/featured",
                       "DELETE /api/v1/products/{id}", "POST /api/v1/boom"])
}

@Test("error bodies escape quotes and control characters")
func errorEscaping() {
    let response = HTTPResponse.error(status: 400, message: "bad \"x\"\n", code: "c")
    #expect(String(decoding: response.body, as: UTF8.self) == #"{"error":"bad \"x\"\n","code":"c"}"#)
    #expect(HTTPResponse.reasonPhrase(for: 431) == "Request Header Fields Too Large")
}
