import Foundation
import Testing
import ShopEngine
@testable import ShopServer

/// The server refuses what assets/openapi.json forbids and accepts what it allows — the cases the
/// schemathesis run (scripts/e2e/schemathesis.sh) found, kept here as plain tests.
@Suite("API contract")
struct APIContractTests {

    @Test("query parameters outside the documented minimum, empty numbers and non-boolean flags are 400s naming the parameter")
    func queryParameters() throws {
        let api = try APIServer()
        defer { api.stop() }
        for (query, field) in [("min_price=-1", "min_price"), ("max_price=-5", "max_price"), ("limit=", "limit"),
                               ("in_stock=yes", "in_stock"), ("in_stock=1", "in_stock"), ("in_stock=", "in_stock")] {
            let answer = api.call("GET", "/products?\(query)")
            #expect(answer.status == 400, "\(query)")
            #expect(answer.string("field") == field, "\(query)")
        }
        #expect(api.call("GET", "/products?min_price=0&in_stock=true").status == 200)
    }

    @Test("a whole number written as 2.0 is accepted as an integer; 2.5 is refused")
    func integralDoubles() throws {
        let api = try APIServer()
        defer { api.stop() }
        let staff = try api.signIn(phone: "+15550170001", role: .staff)
        let product = try api.createProduct(staff, sku: "CONTRACT-1")
        let id = try #require(product["id"] as? Int)
        let customer = try api.signIn(phone: "+15550170002")
        let whole = api.call("POST", "/cart/items", body: Array("{\"product_id\":\(id),\"quantity\":2.0}".utf8), contentType: "application/json", token: customer.access)
        #expect(whole.status == 201 || whole.status == 200, "\(whole.text)")
        let fraction = api.call("POST", "/cart/items", body: Array("{\"product_id\":\(id),\"quantity\":2.5}".utf8), contentType: "application/json", token: customer.access)
        #expect(fraction.status == 400)
        #expect(fraction.code == "invalid_quantity")
    }

    @Test("a malformed otp request_id is a 400 naming it; a well-formed unknown one is 410")
    func otpRequestID() throws {
        let api = try APIServer()
        defer { api.stop() }
        let malformed = api.call("POST", "/auth/otp/verify", json: ["request_id": "", "code": "123456"])
        #expect(malformed.status == 400)
        #expect(malformed.string("field") == "request_id")
        let unknown = api.call("POST", "/auth/otp/verify", json: ["request_id": String(repeating: "a", count: 32), "code": "123456"])
        #expect(unknown.status == 410)
    }

    @Test("forgot password refuses a login of only control characters or spaces")
    func forgotBlank() throws {
        let api = try APIServer()
        defer { api.stop() }
        for login in ["\u{0C}", "   ", "a\u{07}b"] {
            #expect(api.call("POST", "/auth/password/forgot", json: ["login": login]).status == 400, "\(login.unicodeScalars.map(\.value))")
        }
    }

    @Test("a phone longer than 32 characters as sent is refused even when trimming would shorten it")
    func phoneLength() throws {
        let api = try APIServer()
        defer { api.stop() }
        let padded = "+15550170009" + String(repeating: "\u{00A0}", count: 24)
        #expect(api.call("POST", "/auth/otp/request", json: ["phone": padded]).code == "invalid_phone")
    }

    @Test("changing an existing phone through PATCH /me is a 409 phone_locked")
    func phoneLocked() throws {
        let api = try APIServer()
        defer { api.stop() }
        let me = try api.signIn(phone: "+15550170003")
        let answer = api.call("PATCH", "/me", json: ["phone": "+15550170004"], token: me.access)
        #expect(answer.status == 409)
        #expect(answer.code == "phone_locked")
    }

    @Test("the document states the rules: phone and username patterns, password lengths, cursor format")
    func documentStatesRules() throws {
        let document = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: APIServer.openAPIURL)) as? [String: Any])
        let schemas = try #require((document["components"] as? [String: Any])?["schemas"] as? [String: Any])
        func property(_ schema: String, _ name: String) -> [String: Any]? {
            ((schemas[schema] as? [String: Any])?["properties"] as? [String: Any])?[name] as? [String: Any]
        }
        #expect(property("OtpRequest", "phone")?["pattern"] != nil)
        #expect(property("Registration", "username")?["pattern"] as? String == "^[A-Za-z0-9._-]{3,32}$")
        #expect(property("Registration", "password")?["minLength"] as? Int == 8)
        #expect(property("Registration", "password")?["maxLength"] as? Int == 128)
        #expect(property("CartItemAdd", "quantity")?["minimum"] as? Int == 1)
        let cursor = ((document["components"] as? [String: Any])?["parameters"] as? [String: Any])?["Cursor"] as? [String: Any]
        #expect((cursor?["schema"] as? [String: Any])?["pattern"] as? String == "^[A-Za-z0-9_-]+$")
    }
}

extension APIContractTests {
    static func document() throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: APIServer.openAPIURL)) as? [String: Any])
    }

    @Test("every route lists every status it can answer, without `default`, and each error status names its code")
    func everyStatusListed() throws {
        let document = try Self.document()
        let components = try #require((document["components"] as? [String: Any])?["responses"] as? [String: Any])
        let paths = try #require(document["paths"] as? [String: [String: Any]])
        var problems: [String] = []
        for (path, item) in paths {
            for (method, value) in item {
                guard let op = value as? [String: Any], let responses = op["responses"] as? [String: Any] else { continue }
                let name = "\(method.uppercased()) \(path)"
                if responses["default"] != nil { problems.append("\(name) leans on default") }
                // What the HTTP layer answers to any request, whatever the route.
                for status in ["400", "408", "411", "413", "414", "431", "500", "503", "505"] where responses[status] == nil {
                    problems.append("\(name) does not list \(status)")
                }
                // No document-wide `security`: a route without its own needs no token.
                let secured = (op["security"] as? [[String: Any]])?.contains { !$0.isEmpty } ?? false
                if secured && responses["401"] == nil { problems.append("\(name) needs a token but does not list 401") }
                for (status, response) in responses where !status.hasPrefix("2") {
                    var answer = response as? [String: Any] ?? [:]
                    if let ref = answer["$ref"] as? String { answer = components[String(ref.split(separator: "/").last ?? "")] as? [String: Any] ?? [:] }
                    let description = answer["description"] as? String ?? ""
                    if !description.contains("`") { problems.append("\(name) \(status) names no code: \(description)") }
                }
            }
        }
        #expect(problems.isEmpty, "\(problems.sorted().joined(separator: "\n"))")
    }

    @Test("an unknown body field is ignored, as the document says, and no request schema claims otherwise")
    func unknownFieldsIgnored() throws {
        let document = try Self.document()
        #expect(((document["info"] as? [String: Any])?["description"] as? String)?.contains("Fields the route does not list are ignored") == true)
        let schemas = try #require((document["components"] as? [String: Any])?["schemas"] as? [String: Any])
        let strict = schemas.filter { ($0.value as? [String: Any])?["additionalProperties"] as? Bool == false }.map(\.key)
        #expect(strict.isEmpty, "request schemas with additionalProperties: false: \(strict)")

        let api = try APIServer()
        defer { api.stop() }
        let me = try api.signIn(phone: "+15550170005")
        let answer = api.call("PATCH", "/me", json: ["first_name": "Maya", "nickname": "not a field"], token: me.access)
        #expect(answer.status == 200, "\(answer.text)")
        #expect(answer.string("first_name") == "Maya")
    }

    @Test("a price range upside down is a 400 invalid_price_range, and the document says so on max_price")
    func priceRange() throws {
        let api = try APIServer()
        defer { api.stop() }
        let answer = api.call("GET", "/products?min_price=500&max_price=100")
        #expect(answer.status == 400)
        #expect(answer.code == "invalid_price_range")
        let list = try #require(((try Self.document()["paths"] as? [String: Any])?["/api/v1/products"] as? [String: Any])?["get"] as? [String: Any])
        let maxPrice = (list["parameters"] as? [[String: Any]])?.first { $0["name"] as? String == "max_price" }
        #expect((maxPrice?["description"] as? String)?.contains("invalid_price_range") == true)
    }

    @Test("a returned line names an order line or a product: the document says so and the server agrees")
    func returnLineNamesSomething() throws {
        let schemas = try #require((try Self.document()["components"] as? [String: Any])?["schemas"] as? [String: Any])
        let line = try #require((((schemas["ReturnRequest"] as? [String: Any])?["properties"] as? [String: Any])?["items"] as? [String: Any])?["items"] as? [String: Any])
        let required = (line["anyOf"] as? [[String: Any]])?.compactMap { ($0["required"] as? [String])?.first }
        #expect(required == ["order_item_id", "product_id"])

        let api = try APIServer()
        defer { api.stop() }
        let staff = try api.signIn(phone: "+15550170006", role: .staff)
        let answer = api.call("POST", "/orders/1/returns", json: ["items": [["quantity": 1]], "refund_method": "cash"], token: staff.access)
        // The body is read before the order is looked up, so no order is needed to see the rule.
        #expect(answer.status == 400, "\(answer.text)")
        #expect(answer.code == "missing_product_id")
    }
}

extension APIContractTests {
    static func schema(_ name: String) throws -> [String: Any] {
        try #require(((try document()["components"] as? [String: Any])?["schemas"] as? [String: Any])?[name] as? [String: Any])
    }
    static func property(_ schema: [String: Any], _ name: String) -> [String: Any]? {
        (schema["properties"] as? [String: Any])?[name] as? [String: Any]
    }

    @Test("rules the document now states are the server's: coupon times and uses, SKU spaces, an empty items list, stock in PATCH")
    func statedRulesHold() throws {
        let coupon = try Self.schema("CouponCreate")
        #expect(Self.property(coupon, "valid_from")?["minimum"] as? Int == 0)
        #expect(Self.property(coupon, "max_uses")?["maximum"] as? Int == 1_000_000_000)
        #expect(Self.property(try Self.schema("OrderRequest"), "items")?["minItems"] as? Int == 1)
        #expect(Self.property(try Self.schema("ProductChanges"), "stock")?["not"] != nil)
        let skuPattern = try #require(Self.property(try Self.schema("ProductDraft"), "sku")?["pattern"] as? String)
        let sku = try NSRegularExpression(pattern: skuPattern)
        func matches(_ text: String) -> Bool { sku.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil }
        #expect(matches("  CAKE-1\t") && !matches("CAKE 1") && !matches(String(repeating: "A", count: 65)))

        let api = try APIServer()
        defer { api.stop() }
        let staff = try api.signIn(phone: "+15550170007", role: .staff)
        let negative = api.call("POST", "/coupons", json: ["code": "EARLY", "kind": "fixed", "value": 100, "valid_from": -1], token: staff.access)
        #expect(negative.code == "invalid_coupon_date")
        let uses = api.call("POST", "/coupons", json: ["code": "MANY", "kind": "fixed", "value": 100, "max_uses": 1_000_000_001], token: staff.access)
        #expect(uses.code == "invalid_coupon_uses")
        let spaced = try api.createProduct(staff, sku: "  SPACED-1\t")
        #expect(spaced["sku"] as? String == "SPACED-1")
        #expect(api.call("POST", "/products", json: ["sku": "TWO WORDS", "name": "x", "price": 1], token: staff.access).code == "invalid_sku")
        let id = try #require(spaced["id"] as? Int)
        #expect(api.call("PATCH", "/products/\(id)", json: ["stock": 5], token: staff.access).code == "invalid_stock")
        let customer = try api.signIn(phone: "+15550170008")
        let order: [String: Any] = ["first_name": "Maya", "last_name": "Lee", "phone": "+15550170008", "email": "", "address": "12 Elm St",
                                    "postal_code": "", "delivery_date": "", "note": "", "payment_method": "card", "items": [Any]()]
        #expect(api.call("POST", "/orders", json: order, token: customer.access).code == "empty_cart")
    }

    @Test("categories ignore a token, so the document lists no 401 there; the product list refuses a bad one")
    func optionalTokens() throws {
        let api = try APIServer()
        defer { api.stop() }
        #expect(api.call("GET", "/categories", token: "not-a-token").status == 200)
        #expect(api.call("GET", "/products", token: "not-a-token").status == 401)
        let paths = try #require(try Self.document()["paths"] as? [String: Any])
        func responses(_ path: String) -> [String: Any]? { ((paths[path] as? [String: Any])?["get"] as? [String: Any])?["responses"] as? [String: Any] }
        #expect(responses("/api/v1/categories")?["401"] == nil)
        #expect(responses("/api/v1/products")?["401"] != nil)
    }
}

extension APIContractTests {
    static func responses(_ path: String, _ method: String) throws -> [String: Any] {
        let operation = ((try document()["paths"] as? [String: Any])?[path] as? [String: Any])?[method] as? [String: Any]
        return try #require(operation?["responses"] as? [String: Any])
    }

    @Test("a second new email within a minute is 429 with Retry-After, and the document lists 429 on PATCH /me (found by schemathesis)")
    func profileEmailCooldown() throws {
        let api = try APIServer()
        defer { api.stop() }
        let me = try api.signIn(phone: "+15550170010")
        #expect(api.call("PATCH", "/me", json: ["email": "first@example.com"], token: me.access).status == 200)
        let again = api.call("PATCH", "/me", json: ["email": "second@example.com"], token: me.access)
        #expect(again.status == 429 && again.code == "too_many_requests", "\(again.text)")
        #expect(Int(again.headers["retry-after"] ?? "").map { $0 >= 1 && $0 <= 60 } == true, "\(again.headers)")
        let documented = try Self.responses("/api/v1/me", "patch")["429"] as? [String: Any]
        #expect((documented?["description"] as? String)?.contains("too_many_requests") == true)
        #expect((documented?["headers"] as? [String: Any])?["Retry-After"] != nil)
    }

    @Test("a cart line whose product was archived stays in GET /cart flagged unavailable: PATCH and checkout are 409 naming it, DELETE removes it, as the document says")
    func archivedProductStaysFlagged() throws {
        let api = try APIServer()
        defer { api.stop() }
        let staff = try api.signIn(phone: "+15550170011", role: .staff)
        let product = try #require(try api.createProduct(staff, sku: "CONTRACT-ARCHIVE", name: "Rose jam")["id"] as? Int)
        let kept = try #require(try api.createProduct(staff, sku: "CONTRACT-KEPT", name: "Quince jam")["id"] as? Int)
        let customer = try api.signIn(phone: "+15550170012")
        #expect(api.call("POST", "/cart/items", json: ["product_id": product, "quantity": 2], token: customer.access).status == 201)
        let cart = api.call("POST", "/cart/items", json: ["product_id": kept, "quantity": 1], token: customer.access)
        let line = try #require(cart.items.first { $0.int("product_id") == Int64(product) }?.int("id"))
        // Only a cart names the product: deleting it archives it, so the line keeps its product.
        #expect(api.call("DELETE", "/products/\(product)", token: staff.access).string("result") == "archived")

        let flagged = api.call("GET", "/cart", token: customer.access)
        let shown = try #require(flagged.items.first { $0.int("id") == line }, "the line is still in the cart: \(flagged.text)")
        #expect(shown.string("problem") == "unavailable" && shown.int("quantity") == 2 && shown.string("name") == "Rose jam", "\(shown)")
        let problem = try #require(Self.property(try Self.schema("CartLine"), "problem"))
        #expect((problem["enum"] as? [Any])?.contains { $0 as? String == "unavailable" } == true)
        #expect((problem["description"] as? String)?.contains("archived") == true)

        let patched = api.call("PATCH", "/cart/items/\(line)", json: ["quantity": 1], token: customer.access)
        #expect(patched.status == 409 && patched.code == "unavailable" && patched.errorMessage?.contains("Rose jam") == true, "\(patched.text)")
        #expect(try Self.describes("/api/v1/cart/items/{id}", "patch", "409", "unavailable"))

        var order = api.contact()
        order["payment_method"] = "cash"
        let refused = api.call("POST", "/orders", json: order, token: customer.access)
        #expect(refused.status == 409 && refused.code == "unavailable" && refused.errorMessage?.contains("Rose jam") == true, "\(refused.text)")
        #expect(try Self.describes("/api/v1/orders", "post", "409", "unavailable"))
        let persian = api.call("POST", "/orders", json: order, token: customer.access, headers: ["Accept-Language": "fa"])
        #expect(persian.code == "unavailable" && persian.errorMessage?.contains("Rose jam") == true && persian.errorMessage?.contains("سبد") == true, "\(persian.text)")
        #expect(api.call("GET", "/cart", token: customer.access).items.count == 2, "a refused checkout keeps every line")

        let removed = api.call("DELETE", "/cart/items/\(line)", token: customer.access)
        #expect(removed.status == 200 && removed.items.map { $0.int("product_id") } == [Int64(kept)], "\(removed.text)")
        #expect(api.call("POST", "/orders", json: order, token: customer.access).status == 201, "the rest checks out")
    }

    @Test("restoring an archived product (PATCH active: true) makes its cart line good again")
    func restoredProductLineGood() throws {
        let api = try APIServer()
        defer { api.stop() }
        let staff = try api.signIn(phone: "+15550170013", role: .staff)
        let product = try #require(try api.createProduct(staff, sku: "CONTRACT-RESTORE")["id"] as? Int)
        let customer = try api.signIn(phone: "+15550170014")
        let line = try #require(api.call("POST", "/cart/items", json: ["product_id": product, "quantity": 1], token: customer.access).items.first?.int("id"))
        #expect(api.call("DELETE", "/products/\(product)", token: staff.access).string("result") == "archived")
        #expect(api.call("GET", "/cart", token: customer.access).items.first?.string("problem") == "unavailable")
        let restored = api.call("PATCH", "/products/\(product)", json: ["active": true], token: staff.access)
        #expect(restored.status == 200 && restored.object["archived"] as? Bool == false, "\(restored.text)")
        let cart = api.call("GET", "/cart", token: customer.access)
        #expect(cart.items.first?["problem"] is NSNull, "\(cart.text)")
        #expect(api.call("PATCH", "/cart/items/\(line)", json: ["quantity": 3], token: customer.access).items.first?.int("quantity") == 3)
        #expect(try Self.describes("/api/v1/products/{id}", "delete", "200", "restores"))
    }

    /// Whether the document's answer `status` of `method path` mentions `word`.
    static func describes(_ path: String, _ method: String, _ status: String, _ word: String) throws -> Bool {
        ((try responses(path, method)[status] as? [String: Any])?["description"] as? String)?.contains(word) == true
    }
}

extension APIContractTests {
    @Test("a stock change naming another product's variant is 400 invalid_variant: the product exists, the field is wrong")
    func stockVariantOfAnotherProduct() throws {
        let api = try APIServer()
        defer { api.stop() }
        let staff = try api.signIn(phone: "+15550009071", role: .staff)
        let cake = api.call("POST", "/products", json: ["sku": "CAKE-V", "name": "Cake", "category": "Cakes", "variants": [["name": "1 kg", "price": 1000, "stock": 1]]], token: staff.access)
        let bread = api.call("POST", "/products", json: ["sku": "BREAD-V", "name": "Bread", "category": "Bread", "variants": [["name": "Small", "price": 300, "stock": 1]]], token: staff.access)
        let cakeVariant = try #require((cake.object["variants"] as? [[String: Any]])?.first?.int("id"))
        let breadID = try #require(bread.int("id"))
        let refused = api.call("POST", "/products/\(breadID)/stock", json: ["delta": 1, "reason": "count", "variant_id": cakeVariant], token: staff.access)
        #expect(refused.status == 400 && refused.string("code") == "invalid_variant" && refused.string("field") == "variant_id", "\(refused.text)")
    }

    @Test("a blank email in PATCH /me removes it, as the document's pattern allows")
    func blankEmailRemoves() throws {
        let api = try APIServer()
        defer { api.stop() }
        let me = try api.signIn(phone: "+15550009072")
        #expect(api.call("PATCH", "/me", json: ["email": "maya@example.com"], token: me.access).status == 200)
        let blank = api.call("PATCH", "/me", json: ["email": "   "], token: me.access)
        #expect(blank.status == 200, "\(blank.text)")
        #expect(api.call("GET", "/me", token: me.access).object["email"] is NSNull || api.call("GET", "/me", token: me.access).string("email") == nil)
    }

    @Test("an empty ?status= on /orders is 400 invalid_status, as the document's enum says")
    func emptyStatusFilter() throws {
        let api = try APIServer()
        defer { api.stop() }
        let me = try api.signIn(phone: "+15550009073")
        let empty = api.call("GET", "/orders?status=", token: me.access)
        #expect(empty.status == 400 && empty.string("code") == "invalid_status", "\(empty.text)")
        #expect(api.call("GET", "/orders?status=paid", token: me.access).status == 200)
    }
}

@Suite("API reference page")
struct APIReferenceTests {
    @Test("GET /docs renders every documented route with its parameters, codes and a curl example, escaped, without scripts")
    func rendersDocument() throws {
        let bytes = try [UInt8](Data(contentsOf: APIServer.openAPIURL))
        let page = String(decoding: try #require(APIReference.html(document: bytes)), as: UTF8.self)
        let document = try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
        let paths = try #require(document["paths"] as? [String: Any])
        for path in paths.keys { #expect(page.contains(APIReference.escape(path)), "\(path)") }
        #expect(page.contains("min_price"))
        #expect(page.contains("out_of_stock"))
        #expect(page.contains("curl -X POST &#39;") || page.contains("curl -X POST '"))
        #expect(!page.contains("<script"))
        let hostile = Array(#"{"info":{"title":"<b>x</b>"},"paths":{"/a":{"get":{"summary":"<script>alert(1)</script>","responses":{}}}}}"#.utf8)
        let escaped = String(decoding: try #require(APIReference.html(document: hostile)), as: UTF8.self)
        #expect(!escaped.contains("<script>alert"))
        #expect(escaped.contains("&lt;script&gt;"))
    }
}
