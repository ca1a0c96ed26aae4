import Foundation
import Testing
@testable import ShopEngine
@testable import ShopServer

@Suite("API answers in the language of Accept-Language")
struct APILanguageTests {
    @Test("Accept-Language picks the spoken language with the highest q-value; English otherwise")
    func acceptLanguage() {
        let cases: [(String?, Language)] = [
            (nil, .en), ("", .en), ("fa", .fa), ("fa-IR", .fa), ("FA_ir", .fa), ("en-US,en;q=0.9", .en),
            ("en;q=0.5, fa;q=0.8", .fa), ("fa;q=0.8, en", .en), ("de, fa;q=0.1", .fa), ("de, fr", .en),
            ("fa;q=0", .en), ("fa;q=0, *", .en), ("*", .en), ("fa;q=abc, en;q=0.2", .en), ("fa;q=1.5", .en),
            ("fa;q=0.001", .fa), (" fa ; q=0.7 ,en;q=0.6", .fa), (",,;;", .en), ("en;q=0.5, fa;q=0.5", .en),
        ]
        for (header, expected) in cases {
            #expect(AcceptLanguage.preferred(header) == expected, "\(header ?? "nil")")
        }
    }

    @Test("an error's message is Persian for a client preferring fa, with the same code and field, said by Content-Language")
    func persianErrors() throws {
        let api = try APIServer()
        defer { api.stop() }
        let english = api.call("POST", "/auth/otp/request", json: ["phone": "12"])
        let persian = api.call("POST", "/auth/otp/request", json: ["phone": "12"], headers: ["Accept-Language": "fa-IR,fa;q=0.9,en;q=0.5"])
        #expect(english.status == 400 && persian.status == 400)
        #expect(english.string("code") == "invalid_phone" && persian.string("code") == "invalid_phone")
        #expect(english.string("error") == "Include the country code, e.g. +15551234567")
        #expect(persian.string("error") == "شماره تلفن را با پیش‌شمارهٔ کشور وارد کنید، مثلاً +989121234567", "\(persian.text)")
        #expect(english.headers["content-language"] == "en" && persian.headers["content-language"] == "fa")
        #expect(persian.headers["vary"]?.contains("Accept-Language") == true)
        // An unknown language is answered in English.
        let german = api.call("POST", "/auth/otp/request", json: ["phone": "12"], headers: ["Accept-Language": "de-DE"])
        #expect(german.string("error") == english.string("error") && german.headers["content-language"] == "en")

        // A field validation names the field in Persian; the field stays the API's name.
        let me = try api.signIn(phone: "+15550009041")
        let tooLong = api.call("PATCH", "/me", json: ["first_name": String(repeating: "ن", count: 101)], token: me.access, headers: ["Accept-Language": "fa"])
        #expect(tooLong.status == 400 && tooLong.string("field") == "first_name")
        #expect(tooLong.string("error") == "«نام» حداکثر ۱۰۰ نویسه می‌تواند باشد", "\(tooLong.text)")
        let missing = api.call("POST", "/cart/items", json: ["quantity": 1], token: me.access, headers: ["Accept-Language": "fa"])
        #expect(missing.status == 400 && missing.string("code") == "missing_product_id" && missing.string("error") == "«کالا» لازم است", "\(missing.text)")
        let unauthorized = api.call("GET", "/me", headers: ["Accept-Language": "fa"])
        #expect(unauthorized.status == 401 && unauthorized.string("error") == "لطفاً اول وارد شوید")
    }

    @Test("the router's own 404 and 405 speak the client's language too, with the same code and Allow")
    func persianRouterRefusals() throws {
        let api = try APIServer()
        defer { api.stop() }
        let missing = api.call("GET", "/no-such-path", headers: ["Accept-Language": "fa"])
        #expect(missing.status == 404 && missing.string("code") == "not_found" && missing.string("error") == "پیدا نشد", "\(missing.text)")
        #expect(missing.headers["content-language"] == "fa")
        let wrongMethod = api.call("DELETE", "/products", headers: ["Accept-Language": "fa"])
        #expect(wrongMethod.status == 405 && wrongMethod.string("code") == "method_not_allowed", "\(wrongMethod.text)")
        #expect(wrongMethod.string("error")?.contains("Allow") == true && wrongMethod.string("error") != "Method not allowed")
        #expect(wrongMethod.headers["allow"]?.contains("GET") == true)
        let english = api.call("DELETE", "/products")
        #expect(english.string("error") == "Method not allowed" && english.headers["content-language"] == "en")
    }

    @Test("the server's own refusals before routing speak the client's language once its header fields are read; English before that")
    func persianServerRefusals() throws {
        let api = try APIServer(http: { $0.bodyTimeout = .milliseconds(300) })
        defer { api.stop() }
        /// Everything the server answers to `request` on a new connection, until it closes.
        func answer(_ request: String) throws -> TestResponse {
            let client = try TestClient(port: api.port, receiveTimeout: 30)
            client.send(request)
            return try #require(client.readResponse(), "\(request.debugDescription)")
        }
        func json(_ response: TestResponse) -> [String: Any] {
            (try? JSONSerialization.jsonObject(with: Data(response.body))) as? [String: Any] ?? [:]
        }
        let persian: [(request: String, status: Int, code: String, message: String)] = [
            ("POST /api/v1/cart/items HTTP/1.1\r\nHost: t\r\nAccept-Language: fa\r\nContent-Type: application/json\r\nContent-Length: 99999999\r\n\r\n",
             413, "payload_too_large", "بدنهٔ درخواست بیش از اندازه بزرگ است"),
            ("GET /api/v1/me HTTP/1.1\r\nAccept-Language: fa\r\n\r\n", 400, "bad_request", "درخواست درست نوشته نشده است"),
            ("POST /api/v1/cart/items HTTP/1.1\r\nHost: t\r\nAccept-Language: fa\r\nTransfer-Encoding: chunked\r\n\r\n",
             411, "length_required", "بدنهٔ درخواست را با Content-Length بفرستید (Transfer-Encoding پذیرفته نیست)"),
            // Half a body, then nothing: the body timeout.
            ("POST /api/v1/cart/items HTTP/1.1\r\nHost: t\r\nAccept-Language: fa\r\nContent-Type: application/json\r\nContent-Length: 10\r\n\r\n{\"a\"",
             408, "request_timeout", "درخواست به‌موقع نرسید"),
        ]
        for (request, status, code, message) in persian {
            let response = try answer(request)
            #expect(response.status == status && json(response)["code"] as? String == code, "\(request.debugDescription): \(response.bodyText)")
            #expect(json(response)["error"] as? String == message)
            #expect(response.headers["content-language"] == "fa" && response.headers["vary"]?.contains("Accept-Language") == true)
            // The same without Accept-Language: the server's English words, as before.
            let english = try answer(request.replacingOccurrences(of: "Accept-Language: fa\r\n", with: ""))
            #expect(english.status == status && json(english)["code"] as? String == code)
            #expect(english.headers["content-language"] == "en" && json(english)["error"] as? String != message)
        }
        // Fields that could not be read (a bad header line) say nothing of a language: English.
        let unreadable = try answer("GET /api/v1/me HTTP/1.1\r\nHost: t\r\nAccept-Language: fa\r\nBad Name: x\r\n\r\n")
        #expect(unreadable.status == 400 && json(unreadable)["error"] as? String == "Invalid header name", "\(unreadable.bodyText)")
        #expect(unreadable.headers["content-language"] == nil)
    }

    @Test("a Persian out-of-stock error names the product and what is left in Persian digits")
    func persianStock() throws {
        let api = try APIServer()
        defer { api.stop() }
        let staff = try api.signIn(phone: "+15550009042", role: .staff)
        let id = try #require(try api.createProduct(staff, sku: "SANGAK", name: "نان سنگک", stock: 2).int("id"))
        let customer = try api.signIn(phone: "+15550009043")
        let order = api.call("POST", "/orders", json: api.contact(["items": [["product_id": id, "quantity": 3]]]), token: customer.access,
                             headers: ["Accept-Language": "fa"])
        #expect(order.status == 409 && order.string("code") == "out_of_stock")
        #expect(order.string("error") == "از «نان سنگک» فقط ۲ عدد مانده است", "\(order.text)")
    }

    @Test("the cached catalog answers the same bytes in every language, and a cached path's errors still follow the client")
    func cacheAndLanguage() throws {
        let api = try APIServer()
        defer { api.stop() }
        let staff = try api.signIn(phone: "+15550009044", role: .staff)
        _ = try api.createProduct(staff, sku: "DOOGH", name: "دوغ محلی")
        let english = api.call("GET", "/products?q=DOOGH")
        let persian = api.call("GET", "/products?q=DOOGH", headers: ["Accept-Language": "fa"])
        #expect(english.status == 200 && english.body == persian.body, "product data is not translated, so one cache entry serves both")
        #expect(persian.headers["content-language"] == nil, "no localized text in a product list")
        let badEnglish = api.call("GET", "/products?sort=cheapest")
        let badPersian = api.call("GET", "/products?sort=cheapest", headers: ["Accept-Language": "fa"])
        #expect(badEnglish.status == 400 && badPersian.status == 400 && badEnglish.string("code") == badPersian.string("code"))
        #expect(badPersian.string("error") == "«ترتیب» معتبر نیست" && badPersian.headers["content-language"] == "fa", "\(badPersian.text)")
        #expect(badEnglish.headers["content-language"] == "en")
    }

    @Test("PATCH /me sets the account's language (en or fa), GET /me returns it, and codes then come in it")
    func profileLanguage() throws {
        let api = try APIServer()
        defer { api.stop() }
        let me = try api.signIn(phone: "+15550009045")
        #expect(api.call("GET", "/me", token: me.access).string("language") == "en")
        let bad = api.call("PATCH", "/me", json: ["language": "de"], token: me.access)
        #expect(bad.status == 400 && bad.string("code") == "invalid_language" && bad.string("field") == "language")
        let changed = api.call("PATCH", "/me", json: ["language": "fa"], token: me.access)
        #expect(changed.status == 200 && changed.string("language") == "fa")
        #expect(api.call("GET", "/me", token: me.access).string("language") == "fa")
        api.clock.advance(61)
        #expect(api.call("POST", "/auth/otp/request", json: ["phone": "+15550009045"]).status == 202)
        #expect(api.temporary.messages().last?.text.hasPrefix("کد ورود شما به فروشگاه: ") == true)
    }

    @Test("a new phone asking in Persian gets a Persian code and a Persian account")
    func newPhoneInPersian() throws {
        let api = try APIServer()
        defer { api.stop() }
        let requested = api.call("POST", "/auth/otp/request", json: ["phone": "+989121234567"], headers: ["Accept-Language": "fa"])
        #expect(requested.status == 202)
        let text = try #require(api.temporary.messages().last?.text)
        #expect(text.hasPrefix("کد ورود شما به فروشگاه: "))
        let code = try #require(api.lastCode(to: "+989121234567"))
        #expect(code.allSatisfy { $0.isASCII }, "the code stays copyable")
        let wrong = api.call("POST", "/auth/otp/verify", json: ["request_id": requested.string("request_id")!, "code": code == "000000" ? "111111" : "000000"],
                             headers: ["Accept-Language": "fa"])
        #expect(wrong.status == 400 && wrong.string("code") == "otp_invalid" && wrong.string("error") == "کد نادرست است؛ ۴ بار دیگر می‌توانید امتحان کنید", "\(wrong.text)")
        let verified = api.call("POST", "/auth/otp/verify", json: ["request_id": requested.string("request_id")!, "code": code])
        #expect(verified.status == 200)
        #expect((verified.object["user"] as? [String: Any])?["language"] as? String == "fa")
    }
}

@Suite("shop-server --demo --lang fa")
struct PersianDemoServerTests {
    /// Runs the built `shop-server` with `arguments` (assets from the repository, no SHOP_LANG).
    func start(_ arguments: [String]) throws -> (Process, Pipe) {
        let process = Process()
        process.executableURL = APIExecutableTests.executable
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment["SHOP_ASSETS"] = APIServer.packageRoot.appendingPathComponent("assets").path
        environment["SHOP_LANG"] = nil
        process.environment = environment
        let stderr = Pipe()
        process.standardError = stderr
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        return (process, stderr)
    }

    @Test("serves a Persian store in rials, and refuses a language it does not speak")
    func persianDemo() throws {
        let port = try freeTCPPort()
        let (process, _) = try start(["--demo", "--lang", "fa", "--port", String(port), "--quiet"])
        defer { if process.isRunning { kill(process.processIdentifier, SIGTERM); process.waitUntilExit() } }
        var categories: TestResponse?
        let deadline = Date().addingTimeInterval(60)
        while categories == nil && Date() < deadline && process.isRunning {
            if let client = try? TestClient(port: port, receiveTimeout: 10) { categories = client.get("/api/v1/categories") }
            if categories == nil { usleep(100_000) }
        }
        let answered = try #require(categories, "shop-server --demo --lang fa did not answer on port \(port)")
        #expect(answered.status == 200)
        func items(_ response: TestResponse) -> [[String: Any]] {
            ((try? JSONSerialization.jsonObject(with: Data(response.body))) as? [String: Any])?["items"] as? [[String: Any]] ?? []
        }
        let names = Set(items(answered).compactMap { $0["name"] as? String })
        #expect(names.isSuperset(of: ["نان", "شیرینی", "کیک"]), "\(answered.bodyText)")
        let products = try #require(try TestClient(port: port, receiveTimeout: 10).get("/api/v1/products?q=%D8%B3%D9%86%DA%AF%DA%A9")) // q=سنگک
        let sangak = items(products).first { $0["name"] as? String == "نان سنگک" }
        #expect(sangak?["currency"] as? String == "IRR", "\(products.bodyText)")

        let (refused, stderr) = try start(["--demo", "--lang", "de", "--port", "0"])
        refused.waitUntilExit()
        #expect(refused.terminationStatus == 64)
        let message = String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(message.contains("--lang must be en or fa"), "\(message)")
    }
}
