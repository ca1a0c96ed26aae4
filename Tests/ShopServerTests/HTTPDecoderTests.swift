import Testing
@testable import ShopServer

// MARK: - Helpers

/// Feeds a raw request string and collects results until the decoder needs more or fails.
private func decode(_ raw: String, limits: HTTPRequestDecoder.Limits = .init()) -> [HTTPRequestDecoder.Result] {
    decode(Array(raw.utf8), limits: limits)
}

private func decode(_ bytes: [UInt8], limits: HTTPRequestDecoder.Limits = .init()) -> [HTTPRequestDecoder.Result] {
    var decoder = HTTPRequestDecoder(limits: limits)
    decoder.feed(bytes)
    var results: [HTTPRequestDecoder.Result] = []
    while true {
        let r = decoder.next()
        results.append(r)
        switch r {
        case .request: continue
        case .needMore, .failure: return results
        }
    }
}

private func onlyRequest(_ raw: String) -> HTTPRequest? {
    let results = decode(raw)
    guard results.count == 2, case .request(let r) = results[0], case .needMore = results[1] else { return nil }
    return r
}

private func failureStatus(_ raw: String) -> Int? {
    failureStatus(Array(raw.utf8))
}

private func failureStatus(_ bytes: [UInt8]) -> Int? {
    guard case .failure(let status, _, _)? = decode(bytes).last else { return nil }
    return status
}

// MARK: - Well-formed requests

@Test("a simple GET is decoded with decoded path, query and headers")
func simpleGet() throws {
    let r = try #require(onlyRequest("GET /api/v1/products/caf%C3%A9?q=red+shoe&page=2&page=3 HTTP/1.1\r\nHost: shop\r\nX-Thing:  a b \r\n\r\n"))
    #expect(r.method == "GET")
    #expect(r.target == "/api/v1/products/caf%C3%A9?q=red+shoe&page=2&page=3")
    #expect(r.path == "/api/v1/products/café")
    #expect(r.query == ["q": "red shoe", "page": "2"])
    #expect(r.version == .http1_1)
    #expect(r.headers["HOST"] == "shop")
    #expect(r.headers["x-thing"] == "a b")
    #expect(r.body.isEmpty)
}

@Test("a POST body is read exactly by Content-Length")
func postWithBody() throws {
    let r = try #require(onlyRequest("POST /api/v1/cart HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 13\r\n\r\n{\"qty\":12345}"))
    #expect(r.method == "POST")
    #expect(String(decoding: r.body, as: UTF8.self) == "{\"qty\":12345}")
}

@Test("a body arriving byte by byte completes only when the last byte arrives")
func incrementalBody() throws {
    var decoder = HTTPRequestDecoder()
    let raw = Array("PUT /p HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello".utf8)
    var got: HTTPRequest?
    for (i, b) in raw.enumerated() {
        decoder.feed([b])
        switch decoder.next() {
        case .needMore: #expect(i < raw.count - 1)
        case .request(let r): got = r; #expect(i == raw.count - 1)
        case .failure(let s, let m, _): Issue.record("unexpected failure \(s) \(m)")
        }
    }
    #expect(got.map { String(decoding: $0.body, as: UTF8.self) } == "hello")
}

@Test("two pipelined requests in one buffer are decoded in order")
func pipelinedPair() {
    let results = decode("GET /a HTTP/1.1\r\nHost: x\r\n\r\nPOST /b HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nhiGET /c")
    #expect(results.count == 3)
    guard results.count == 3, case .request(let a) = results[0], case .request(let b) = results[1], case .needMore = results[2] else {
        Issue.record("unexpected \(results)"); return
    }
    #expect(a.path == "/a")
    #expect(b.path == "/b")
    #expect(b.body == Array("hi".utf8))
}

@Test("HTTP/1.0 without Host is accepted")
func http10WithoutHost() throws {
    let r = try #require(onlyRequest("GET / HTTP/1.0\r\n\r\n"))
    #expect(r.version == .http1_0)
    #expect(!r.wantsKeepAlive)
}

@Test("keep-alive follows the version and the Connection header")
func keepAliveRules() throws {
    #expect(try #require(onlyRequest("GET / HTTP/1.1\r\nHost: x\r\n\r\n")).wantsKeepAlive)
    #expect(!(try #require(onlyRequest("GET / HTTP/1.1\r\nHost: x\r\nConnection: Close\r\n\r\n")).wantsKeepAlive))
    #expect(try #require(onlyRequest("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")).wantsKeepAlive)
}

// MARK: - Limits

@Test("a request line over 8 KiB is refused with 414")
func requestLineTooLong() {
    let long = "GET /" + String(repeating: "a", count: 8200) + " HTTP/1.1\r\nHost: x\r\n\r\n"
    #expect(failureStatus(long) == 414)
    // Also without the line end yet: the decoder must not wait for more.
    #expect(failureStatus("GET /" + String(repeating: "a", count: 9000)) == 414)
    // Just under the limit is fine.
    let ok = "GET /" + String(repeating: "a", count: 8000) + " HTTP/1.1\r\nHost: x\r\n\r\n"
    #expect(onlyRequest(ok) != nil)
}

@Test("a header block over 32 KiB is refused with 431")
func headersTooLarge() {
    var raw = "GET / HTTP/1.1\r\nHost: x\r\n"
    for i in 0..<9 { raw += "X-Big-\(i): " + String(repeating: "v", count: 4000) + "\r\n" }
    #expect(failureStatus(raw + "\r\n") == 431)
    #expect(failureStatus(raw) == 431) // before the blank line arrives
}

@Test("more than 100 header fields are refused with 431")
func tooManyHeaders() {
    var raw = "GET / HTTP/1.1\r\nHost: x\r\n"
    for i in 0..<99 { raw += "X-\(i): v\r\n" }
    #expect(onlyRequest(raw + "\r\n") != nil) // exactly 100
    raw += "X-last: v\r\n"
    #expect(failureStatus(raw + "\r\n") == 431)
}

@Test("JSON bodies over 1 MiB are refused with 413 before the body is read")
func jsonBodyTooLarge() {
    #expect(failureStatus("POST /p HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1048577\r\n\r\n") == 413)
    let results = decode("POST /p HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1048576\r\n\r\n")
    guard case .needMore? = results.last else { Issue.record("1 MiB exactly should be accepted"); return }
}

@Test("image bodies may be up to 2 MiB, then 413")
func imageBodyLimit() {
    #expect(failureStatus("POST /img HTTP/1.1\r\nHost: x\r\nContent-Type: image/png\r\nContent-Length: 2097153\r\n\r\n") == 413)
    #expect(failureStatus("POST /img HTTP/1.1\r\nHost: x\r\nContent-Type: IMAGE/JPEG; q=1\r\nContent-Length: 2097153\r\n\r\n") == 413)
    let results = decode("POST /img HTTP/1.1\r\nHost: x\r\nContent-Type: image/jpeg\r\nContent-Length: 2000000\r\n\r\n")
    guard case .needMore? = results.last else { Issue.record("a 2 MB JPEG should be accepted: \(results)"); return }
    // The image allowance does not apply to other types.
    #expect(failureStatus("POST /img HTTP/1.1\r\nHost: x\r\nContent-Type: image/gif\r\nContent-Length: 2000000\r\n\r\n") == 413)
}

// MARK: - Smuggling and malformed framing

@Test("Content-Length together with Transfer-Encoding is refused with 400")
func clAndTe() {
    #expect(failureStatus("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n") == 400)
    #expect(failureStatus("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Length: 4\r\n\r\n") == 400)
}

@Test("any Transfer-Encoding alone is refused with 411")
func chunkedRefused() {
    #expect(failureStatus("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n") == 411)
    #expect(failureStatus("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n") == 411)
}

@Test("duplicate Content-Length is refused even with equal values")
func duplicateContentLength() {
    #expect(failureStatus("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd") == 400)
    #expect(failureStatus("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\nabc") == 400)
}

@Test("malformed Content-Length values are refused with 400", arguments: ["-1", "1,2", "+5", "99999999999999999999999", "1 2", "0x10", "", "5 ,5"])
func badContentLength(value: String) {
    #expect(failureStatus("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: \(value)\r\n\r\n") == 400)
}

@Test("obs-fold, space before colon, bad name characters, bare CR, bare LF and NUL are refused with 400")
func malformedHeaders() {
    #expect(failureStatus("GET / HTTP/1.1\r\nHost: x\r\nX-A: one\r\n two\r\n\r\n") == 400)
    #expect(failureStatus("GET / HTTP/1.1\r\nHost: x\r\nX-A: one\r\n\ttwo\r\n\r\n") == 400)
    #expect(failureStatus("GET / HTTP/1.1\r\nHost: x\r\nContent-Length : 5\r\n\r\nhello") == 400)
    #expect(failureStatus("GET / HTTP/1.1\r\nHost: x\r\nX(A): v\r\n\r\n") == 400)
    #expect(failureStatus("GET / HTTP/1.1\r\nHost: x\r\nX-A: a\rb\r\n\r\n") == 400)
    #expect(failureStatus("GET / HTTP/1.1\r\nHost: x\nX-A: a\r\n\r\n") == 400)
    #expect(failureStatus(Array("GET / HTTP/1.1\r\nHost: x\r\nX-A: a".utf8) + [0] + Array("b\r\n\r\n".utf8)) == 400)
    #expect(failureStatus("GET / HTTP/1.1\r\nHost: x\r\nNoColon\r\n\r\n") == 400)
}

@Test("HTTP/1.1 without Host, or with two Host fields, is refused with 400")
func missingHost() {
    #expect(failureStatus("GET / HTTP/1.1\r\nAccept: */*\r\n\r\n") == 400)
    #expect(failureStatus("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n") == 400)
}

@Test("any method token is decoded (the router decides 405 or 404); non-tokens are 400, unsupported versions 505")
func methodsAndVersions() {
    #expect(onlyRequest("BREW / HTTP/1.1\r\nHost: x\r\n\r\n")?.method == "BREW")
    #expect(onlyRequest("QUERY /api/v1/cart HTTP/1.1\r\nHost: x\r\n\r\n")?.method == "QUERY")
    #expect(onlyRequest("get / HTTP/1.1\r\nHost: x\r\n\r\n")?.method == "get")
    #expect(onlyRequest("M-SEARCH! / HTTP/1.1\r\nHost: x\r\n\r\n")?.method == "M-SEARCH!")
    #expect(failureStatus("G(T / HTTP/1.1\r\nHost: x\r\n\r\n") == 400)
    #expect(failureStatus("G\"T / HTTP/1.1\r\nHost: x\r\n\r\n") == 400)
    #expect(failureStatus("GET / HTTP/2.0\r\nHost: x\r\n\r\n") == 505)
    #expect(failureStatus("GET / HTTP/0.9\r\nHost: x\r\n\r\n") == 505)
    #expect(failureStatus("GET / HTTP/1.1x\r\nHost: x\r\n\r\n") == 400)
    #expect(failureStatus("GET / FTP/1.1\r\nHost: x\r\n\r\n") == 400)
    #expect(failureStatus("GET  / HTTP/1.1\r\nHost: x\r\n\r\n") == 400)
}

@Test("bad targets are refused with 400")
func badTargets() {
    #expect(failureStatus("GET nope HTTP/1.1\r\nHost: x\r\n\r\n") == 400)
    #expect(failureStatus("GET /a%zz HTTP/1.1\r\nHost: x\r\n\r\n") == 400)
    #expect(failureStatus("GET /a%00b HTTP/1.1\r\nHost: x\r\n\r\n") == 400)
    #expect(failureStatus("GET /a%FF HTTP/1.1\r\nHost: x\r\n\r\n") == 400)
    #expect(failureStatus("GET * HTTP/1.1\r\nHost: x\r\n\r\n") == 400)
}

@Test("garbage bytes are refused with 400")
func garbage() {
    #expect(failureStatus([0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xfc, 0x03, 0x03, 0x0d, 0x0a]) == 400)
    #expect(failureStatus("\u{1}\u{2}hello world\r\n\r\n") == 400)
}

@Test("after a failure the decoder keeps failing instead of resynchronising")
func failureIsSticky() {
    var decoder = HTTPRequestDecoder()
    decoder.feed(Array("GET / HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n".utf8))
    guard case .failure(400, _, _) = decoder.next() else { Issue.record("expected 400"); return }
    guard case .failure = decoder.next() else { Issue.record("expected sticky failure"); return }
}
