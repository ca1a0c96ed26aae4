import Foundation
import Testing
import ShopEngine
import ShopTestSupport
@testable import ShopServer

/// `assets/openapi.json` against the router and the presenters.
@Suite("API OpenAPI document")
struct APIOpenAPITests {

    static func document() throws -> [String: Any] {
        let data = try Data(contentsOf: APIServer.openAPIURL)
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    @Test("the document's (method, path) set equals the router's routes plus /healthz and /openapi.json")
    func routesMatch() throws {
        let document = try Self.document()
        let paths = try #require(document["paths"] as? [String: [String: Any]])
        let methods: Set<String> = ["get", "put", "post", "delete", "patch", "head", "options"]
        var documented: Set<String> = []
        for (path, item) in paths {
            for key in item.keys where methods.contains(key) { documented.insert("\(key.uppercased()) \(path)") }
        }
        let temporary = try TemporaryShop(clock: SystemClock(), prefix: "shop-openapi", outbox: true)
        let router = ShopAPI(shop: temporary.shop).router(openAPIDocument: [])
        let served = Set(router.routes.map { "\($0.method) \($0.pattern)" })
        #expect(served.contains("GET /healthz") && served.contains("GET /openapi.json"))
        #expect(served.count == router.routes.count, "a route is registered twice")
        let undocumented = served.subtracting(documented).sorted()
        let unserved = documented.subtracting(served).sorted()
        #expect(undocumented.isEmpty, "routes missing from assets/openapi.json: \(undocumented)")
        #expect(unserved.isEmpty, "documented routes the server lacks: \(unserved)")
        // Every {param} in a documented path is declared as a path parameter.
        for (path, item) in paths {
            let names = path.split(separator: "/").filter { $0.hasPrefix("{") }.map { String($0.dropFirst().dropLast()) }
            for (key, value) in item where methods.contains(key) {
                let operation = value as? [String: Any] ?? [:]
                let parameters = ((operation["parameters"] as? [[String: Any]]) ?? []) + ((item["parameters"] as? [[String: Any]]) ?? [])
                let declared = Set(parameters.compactMap { Self.resolve($0, in: document)["name"] as? String })
                for name in names { #expect(declared.contains(name), "\(key.uppercased()) \(path) does not declare {\(name)}") }
            }
        }
    }

    @Test("responses of a full journey match the documented schemas for their status (products, cart, orders, tokens, users, errors)")
    func responsesMatchSchemas() throws {
        let document = try Self.document()
        let api = try APIServer()
        defer { api.stop() }
        var checked = 0
        func check(_ method: String, _ path: String, _ result: APIResult, _ label: String = "") {
            checked += 1
            for problem in Self.validate(result, method: method, path: path, document: document) {
                Issue.record("\(method) \(path) \(result.status) \(label): \(problem)\n\(result.text.prefix(400))")
            }
        }
        func call(_ method: String, _ path: String, json: Any? = nil, token: String? = nil) -> APIResult {
            let r = api.call(method, path, json: json, token: token)
            check(method, path, r)
            return r
        }
        let admin = try api.signIn(phone: "+15550008000", role: .admin)
        let staff = try api.signIn(phone: "+15550008001", role: .staff)
        let requested = call("POST", "/api/v1/auth/otp/request", json: ["phone": "+15550008002"])
        let verified = call("POST", "/api/v1/auth/otp/verify", json: ["request_id": requested.string("request_id") ?? "", "code": api.lastCode(to: "+15550008002") ?? ""])
        let me = try Session(verified)
        _ = call("POST", "/api/v1/auth/otp/request", json: ["phone": "+15550008002"]) // 429
        let registered = call("POST", "/api/v1/auth/register", json: ["username": "doc", "email": "doc@example.com", "password": "password 123",
                                                                      "password_confirm": "password 123", "first_name": "D", "last_name": "O"])
        _ = call("POST", "/api/v1/auth/login", json: ["login": "doc", "password": "password 123"])
        _ = call("POST", "/api/v1/auth/login", json: ["login": "doc", "password": "wrong"])
        let refreshed = call("POST", "/api/v1/auth/token/refresh", json: ["refresh": (try Session(registered)).refresh])
        _ = call("POST", "/api/v1/auth/password/forgot", json: ["login": "doc"])
        _ = call("GET", "/api/v1/me", token: me.access)
        _ = call("PATCH", "/api/v1/me", json: ["first_name": "Me"], token: me.access)
        _ = call("GET", "/api/v1/me")

        let product = call("POST", "/api/v1/products", json: ["sku": "DOC-1", "name": "Doc", "price": 1000, "stock": 10, "barcode": "12345670",
                                                               "variants": [["name": "1 kg", "price": 1000, "stock": 5], ["name": "2 kg", "price": 1900, "stock": 5]]], token: staff.access)
        let plain = call("POST", "/api/v1/products", json: ["sku": "DOC-2", "name": "Plain", "price": 300, "stock": 10], token: staff.access)
        let pid = product.int("id") ?? 0, plainID = plain.int("id") ?? 0
        let variant = (product.object["variants"] as? [[String: Any]])?.first?.int("id") ?? 0
        _ = call("GET", "/api/v1/products")
        _ = call("GET", "/api/v1/products/\(pid)")
        _ = call("GET", "/api/v1/products/424242")
        _ = call("GET", "/api/v1/categories")
        _ = call("PATCH", "/api/v1/products/\(plainID)", json: ["price": 350], token: staff.access)
        _ = call("POST", "/api/v1/products/\(plainID)/stock", json: ["delta": 5, "reason": "doc"], token: staff.access)
        _ = call("GET", "/api/v1/products/\(plainID)/stock", token: staff.access)
        _ = call("POST", "/api/v1/products", json: ["sku": "DOC-3", "name": "x", "price": 1], token: me.access)

        _ = call("POST", "/api/v1/cart/items", json: ["product_id": pid, "variant_id": variant, "quantity": 2], token: me.access)
        let cart = call("POST", "/api/v1/cart/items", json: ["product_id": plainID, "quantity": 1], token: me.access)
        _ = call("GET", "/api/v1/cart", token: me.access)
        if let line = cart.items.last?.int("id") { _ = call("PATCH", "/api/v1/cart/items/\(line)", json: ["quantity": 2], token: me.access) }
        let order = call("POST", "/api/v1/orders", json: api.contact(), token: me.access)
        let oid = order.int("id") ?? 0
        _ = call("POST", "/api/v1/orders", json: api.contact(["items": [["product_id": plainID, "quantity": 999]]]), token: me.access) // 409
        _ = call("GET", "/api/v1/orders", token: me.access)
        _ = call("GET", "/api/v1/orders/\(oid)", token: me.access)
        let payment = call("POST", "/api/v1/orders/\(oid)/payments", json: ["amount": order.int("total") ?? 1, "method": "card"], token: me.access)
        _ = call("GET", "/api/v1/orders/\(oid)/payments", token: me.access)
        _ = call("PATCH", "/api/v1/payments/\(payment.int("id") ?? 0)", json: ["status": "completed"], token: staff.access)
        _ = call("PATCH", "/api/v1/orders/\(oid)", json: ["status": "sent"], token: staff.access)
        _ = call("POST", "/api/v1/orders/\(oid)/cancel", token: me.access) // 409
        let doc10 = call("POST", "/api/v1/coupons", json: ["code": "DOC10", "kind": "percent", "value": 10], token: staff.access)
        _ = call("POST", "/api/v1/coupons", json: ["code": "DOC10", "kind": "percent", "value": 10], token: staff.access) // 409
        _ = call("POST", "/api/v1/coupons", json: ["code": "DOC11", "kind": "percent", "value": 10, "valid_from": 2_000_000_000, "valid_until": 1_999_999_999], token: staff.access) // 400
        _ = call("PATCH", "/api/v1/coupons/\(doc10.int("id") ?? 0)", json: ["active": false], token: staff.access)
        _ = call("PATCH", "/api/v1/coupons/999999", json: ["active": false], token: staff.access) // 404
        _ = call("GET", "/api/v1/coupons", token: staff.access)
        _ = call("GET", "/api/v1/admin/users", token: admin.access)
        _ = call("PATCH", "/api/v1/admin/users/\(me.userID)", json: ["role": "customer"], token: admin.access)
        _ = call("GET", "/api/v1/admin/users", token: staff.access)
        _ = call("DELETE", "/api/v1/products/\(pid)", token: staff.access)
        _ = call("POST", "/api/v1/auth/logout", json: ["refresh": (try Session(refreshed)).refresh], token: (try Session(refreshed)).access)
        _ = call("GET", "/healthz")
        #expect(checked > 40)
    }

    // MARK: - A small JSON Schema checker (the subset the document uses)

    static func resolve(_ schema: [String: Any], in document: [String: Any]) -> [String: Any] {
        guard let ref = schema["$ref"] as? String, ref.hasPrefix("#/") else { return schema }
        var node: Any = document
        for part in ref.dropFirst(2).split(separator: "/") { node = (node as? [String: Any])?[String(part)] as Any }
        return resolve(node as? [String: Any] ?? [:], in: document)
    }

    /// The documented schema of a response, or a problem if the status is not documented.
    static func validate(_ result: APIResult, method: String, path: String, document: [String: Any]) -> [String] {
        let paths = document["paths"] as? [String: [String: Any]] ?? [:]
        let bare = path.split(separator: "?").first.map(String.init) ?? path
        guard let template = paths.keys.first(where: { matches(template: $0, path: bare) }),
              let operation = paths[template]?[method.lowercased()] as? [String: Any] else { return ["no documented operation"] }
        let responses = operation["responses"] as? [String: Any] ?? [:]
        guard let response = (responses[String(result.status)] ?? responses["default"]) as? [String: Any] else {
            return ["status \(result.status) is not documented"]
        }
        let resolved = resolve(response, in: document)
        guard let content = resolved["content"] as? [String: Any] else {
            return result.body.isEmpty ? [] : ["documented without a body, got \(result.body.count) bytes"]
        }
        guard let media = content["application/json"] as? [String: Any], let schema = media["schema"] as? [String: Any] else { return [] }
        guard let value = result.json else { return ["body is not JSON"] }
        if resolved["headers"] as? [String: Any] != nil, let headers = resolved["headers"] as? [String: Any] {
            for name in headers.keys where result.headers[name.lowercased()] == nil { return ["missing header \(name)"] }
        }
        return check(value, schema, document, at: "$")
    }

    static func matches(template: String, path: String) -> Bool {
        let t = template.split(separator: "/", omittingEmptySubsequences: false)
        let p = path.split(separator: "/", omittingEmptySubsequences: false)
        guard t.count == p.count else { return false }
        return zip(t, p).allSatisfy { $0.hasPrefix("{") || $0 == $1 }
    }

    static func check(_ value: Any, _ rawSchema: [String: Any], _ document: [String: Any], at location: String) -> [String] {
        let schema = resolve(rawSchema, in: document)
        var problems: [String] = []
        let types: [String] = (schema["type"] as? [String]) ?? ((schema["type"] as? String).map { [$0] } ?? [])
        let actual: String
        switch value {
        case is NSNull: actual = "null"
        case let n as NSNumber where String(cString: n.objCType) == "c": actual = "boolean"
        case let n as NSNumber: actual = "ilqsIQLS".contains(String(cString: n.objCType)) ? "integer" : "number"
        case is String: actual = "string"
        case is [Any]: actual = "array"
        case is [String: Any]: actual = "object"
        default: actual = "unknown"
        }
        if !types.isEmpty && !types.contains(actual) && !(actual == "integer" && types.contains("number")) {
            return ["\(location): expected \(types.joined(separator: "|")), got \(actual)"]
        }
        if let options = schema["enum"] as? [Any], !options.contains(where: { ($0 as? NSObject)?.isEqual(value) == true }) {
            problems.append("\(location): \(value) is not one of \(options)")
        }
        if let constant = schema["const"], (constant as? NSObject)?.isEqual(value) != true {
            problems.append("\(location): \(value) is not \(constant)")
        }
        if let minimum = (schema["minimum"] as? NSNumber)?.int64Value, let n = value as? NSNumber, actual == "integer", n.int64Value < minimum {
            problems.append("\(location): \(n) < minimum \(minimum)")
        }
        if let object = value as? [String: Any] {
            let properties = schema["properties"] as? [String: Any] ?? [:]
            for key in schema["required"] as? [String] ?? [] where object[key] == nil {
                problems.append("\(location): required field \(key) missing")
            }
            if !properties.isEmpty {
                for (key, child) in object {
                    guard let sub = properties[key] as? [String: Any] else { problems.append("\(location): field \(key) is not documented"); continue }
                    problems += check(child, sub, document, at: "\(location).\(key)")
                }
            }
        }
        if let array = value as? [Any], let items = schema["items"] as? [String: Any] {
            for (i, item) in array.enumerated() { problems += check(item, items, document, at: "\(location)[\(i)]") }
        }
        return problems
    }
}
