import Foundation
import Testing
import ShopEngine
@testable import ShopServer

/// The journeys of the five source systems (/work/shared/seeds/000…004), through our API,
/// and the seeds' known defects, absent.
@Suite("API journeys of the source systems")
struct APIJourneyTests {

    @Test("000 Persian shop: phone sign-up by SMS code, profile with image, order from an item list, history")
    func seed000() throws {
        let api = try APIServer()
        defer { api.stop() }
        let staff = try api.signIn(phone: "+989120000000", role: .staff)
        let pid = try #require(try api.createProduct(staff, sku: "FA-1", name: "کیک شکلاتی", price: 400_000, stock: 10).int("id"))

        // Sign-up: phone → code by SMS → tokens; the account is new.
        let me = try api.signIn(phone: "+989141883291")
        #expect(me.isNew)
        // Profile update with a real PNG image.
        #expect(api.call("PATCH", "/me", json: ["first_name": "نیما", "last_name": "جوان"], token: me.access).status == 200)
        #expect(api.call("PUT", "/me/photo", body: TestImages.png, contentType: "image/png", token: me.access).status == 204)
        let profile = api.call("GET", "/me", token: me.access)
        #expect(profile.string("first_name") == "نیما")
        #expect(profile.object["has_photo"] as? Bool == true)
        #expect(api.call("GET", "/me/photo", token: me.access).body == TestImages.png)

        // Order from an explicit item list with name, address, postal code and delivery date.
        let order = api.call("POST", "/orders", json: api.contact(["first_name": "نیما", "last_name": "جوان", "address": "تبریز، خیابان امام",
                                                                   "postal_code": "6135135351", "items": [["product_id": pid, "quantity": 4]]]), token: me.access)
        #expect(order.status == 201)
        #expect(order.int("total") == 1_600_000)
        #expect(order.string("address") == "تبریز، خیابان امام")
        #expect(order.string("delivery_date") == api.deliveryDate)

        // History: paid / sent / discount visible; paid after a completed payment, sent after staff ship it.
        let id = try #require(order.int("id"))
        let payment = try #require(api.call("POST", "/orders/\(id)/payments", json: ["amount": 1_600_000, "method": "card"], token: me.access).int("id"))
        #expect(api.call("PATCH", "/payments/\(payment)", json: ["status": "completed"], token: staff.access).status == 200)
        #expect(api.call("PATCH", "/orders/\(id)", json: ["status": "sent"], token: staff.access).status == 200)
        let history = api.call("GET", "/orders", token: me.access)
        let entry = try #require(history.items.first)
        #expect(entry.string("status") == "sent")
        #expect(entry.int("paid") == 1_600_000)
        #expect(entry.int("discount") == 0)
        #expect(entry.string("postal_code") == "6135135351")
        #expect((entry["items"] as? [[String: Any]])?.first?.int("quantity") == 4)
    }

    @Test("001: register with email code NEW → VERIFIED, resend, forgot/reset; staff product add/update/delete/detail with photo and stock")
    func seed001() throws {
        let api = try APIServer()
        defer { api.stop() }
        let registered = api.call("POST", "/auth/register", json: ["first_name": "Ali", "last_name": "Rezaei", "username": "ali", "email": "ali@example.com",
                                                                  "password": "long enough 1", "password_confirm": "long enough 1"])
        #expect(registered.status == 201)
        #expect((registered.object["user"] as? [String: Any])?.string("auth_status") == "NEW")
        let me = try Session(registered)
        api.clock.advance(61)
        #expect(api.call("POST", "/auth/email/resend", token: me.access).status == 202)
        let code = try #require(api.lastCode(to: "ali@example.com"))
        #expect(api.call("POST", "/auth/email/verify", json: ["code": code], token: me.access).string("auth_status") == "VERIFIED")
        #expect(api.call("POST", "/auth/login", json: ["login": "ali", "password": "long enough 1"]).status == 200)

        let forgot = api.call("POST", "/auth/password/forgot", json: ["login": "ali@example.com"])
        #expect(forgot.status == 202)
        #expect(!forgot.text.contains("eyJ"))
        let reset = try #require(api.lastCode(to: "ali@example.com"))
        #expect(api.call("POST", "/auth/password/reset", json: ["login": "ali@example.com", "code": reset, "password": "brand new pw", "password_confirm": "brand new pw"]).status == 204)
        #expect(api.call("POST", "/auth/login", json: ["login": "ali@example.com", "password": "brand new pw"]).status == 200)

        // Staff products: add with quantity, photo, update, detail, delete.
        let staff = try api.signIn(phone: "+15550002000", role: .staff)
        let added = try api.createProduct(staff, sku: "LAP-1", name: "Acer", price: 450_000, stock: 5, extra: ["description": "a laptop"])
        let pid = try #require(added.int("id"))
        #expect(api.call("PUT", "/products/\(pid)/photo", body: TestImages.png, contentType: "image/png", token: staff.access).status == 204)
        #expect(api.call("PATCH", "/products/\(pid)", json: ["name": "Acer Swift", "price": 430_000, "description": "lighter"], token: staff.access).status == 200)
        #expect(api.call("POST", "/products/\(pid)/stock", json: ["delta": 3, "reason": "restock"], token: staff.access).int("stock") == 8)
        let detail = api.call("GET", "/products/\(pid)")
        #expect(detail.string("name") == "Acer Swift")
        #expect(detail.int("price") == 430_000)
        #expect(detail.int("stock") == 8)
        #expect(detail.object["has_photo"] as? Bool == true)
        #expect(api.call("GET", "/products/\(pid)/photo").body == TestImages.png)
        #expect(api.call("DELETE", "/products/\(pid)", token: staff.access).status == 200)
        #expect(api.call("GET", "/products/\(pid)").status == 404)
    }

    @Test("002 cake shop: variants by weight, add to cart with weight and quantity, update, remove, order with payment mode, list, cancel")
    func seed002() throws {
        let api = try APIServer()
        defer { api.stop() }
        let staff = try api.signIn(phone: "+15550003000", role: .staff)
        let cake = try api.createProduct(staff, sku: "CAKE-W", name: "Black forest", price: 2000, stock: 0,
                                         variants: [["name": "1 kg", "price": 2000, "stock": 5], ["name": "2 kg", "price": 3800, "stock": 2]])
        let pid = try #require(cake.int("id"))
        let variants = try #require(cake["variants"] as? [[String: Any]])
        #expect(variants.count == 2)
        let oneKg = try #require(variants.first { $0.string("name") == "1 kg" }?.int("id"))
        let twoKg = try #require(variants.first { $0.string("name") == "2 kg" }?.int("id"))

        let me = try api.signIn(phone: "+15550003001")
        #expect(api.call("GET", "/products", token: me.access).items.count == 1)
        #expect(api.call("GET", "/products/\(pid)", token: me.access).status == 200)
        let noWeight = api.call("POST", "/cart/items", json: ["product_id": pid, "quantity": 1], token: me.access)
        #expect(noWeight.status == 400)
        #expect(noWeight.code == "variant_required")
        #expect(api.call("POST", "/cart/items", json: ["product_id": pid, "variant_id": 999999, "quantity": 1], token: me.access).status >= 400)
        let cart = api.call("POST", "/cart/items", json: ["product_id": pid, "variant_id": oneKg, "quantity": 2], token: me.access)
        #expect(cart.status == 201)
        #expect(cart.int("total") == 4000)
        let line = try #require(cart.items.first?.int("id"))
        // Update: change the weight and the quantity.
        let changed = api.call("PATCH", "/cart/items/\(line)", json: ["variant_id": twoKg, "quantity": 1], token: me.access)
        #expect(changed.status == 200)
        #expect(changed.items.first?.int("variant_id") == twoKg)
        #expect(changed.int("total") == 3800)
        let second = api.call("POST", "/cart/items", json: ["product_id": pid, "variant_id": oneKg, "quantity": 1], token: me.access)
        #expect(second.items.count == 2)
        let secondLine = try #require(second.items.first { $0.int("variant_id") == oneKg }?.int("id"))
        #expect(api.call("DELETE", "/cart/items/\(secondLine)", token: me.access).items.count == 1)

        let order = api.call("POST", "/orders", json: api.contact(["address": "12 Bakery Road", "phone": "+15550003001", "email": "cake@example.com",
                                                                   "payment_method": "cash_on_delivery"]), token: me.access)
        #expect(order.status == 201)
        #expect(order.string("payment_method") == "cash_on_delivery")
        #expect(order.int("total") == 3800)
        let stock = api.call("GET", "/products/\(pid)").object["variants"] as? [[String: Any]]
        #expect(stock?.first { $0.int("id") == twoKg }?.int("stock") == 1)
        let id = try #require(order.int("id"))
        #expect(api.call("GET", "/orders", token: me.access).items.count == 1)
        #expect(api.call("POST", "/orders/\(id)/cancel", token: me.access).string("status") == "cancelled")
        let restocked = api.call("GET", "/products/\(pid)").object["variants"] as? [[String: Any]]
        #expect(restocked?.first { $0.int("id") == twoKg }?.int("stock") == 2)
    }

    @Test("003: JSON only (415, 400), phone sign-in with 5-minute code, cooldown 429, access and refresh")
    func seed003() throws {
        let api = try APIServer()
        defer { api.stop() }
        let form = api.call("POST", "/auth/otp/request", body: Array("phone=+15550004000".utf8), contentType: "application/x-www-form-urlencoded")
        #expect(form.status == 415)
        #expect(form.isErrorBody)
        let noType = api.call("POST", "/auth/otp/request", body: Array(#"{"phone":"+15550004000"}"#.utf8))
        #expect(noType.status == 415)
        #expect(api.call("POST", "/auth/otp/request", body: Array("{phone}".utf8), contentType: "application/json").status == 400)
        let first = api.call("POST", "/auth/otp/request", json: ["phone": "+15550004000"])
        #expect(first.status == 202)
        #expect(first.int("expires_in") == 300)
        let cooldown = api.call("POST", "/auth/otp/request", json: ["phone": "+15550004000"])
        #expect(cooldown.status == 429)
        #expect(cooldown.headers["retry-after"] != nil)
        let verified = api.call("POST", "/auth/otp/verify", json: ["request_id": first.string("request_id") ?? "", "code": api.lastCode(to: "+15550004000") ?? ""])
        #expect(verified.status == 200)
        let session = try Session(verified)
        #expect(api.call("GET", "/me", token: session.access).status == 200)
        #expect(api.call("POST", "/auth/token/refresh", json: ["refresh": session.refresh]).status == 200)
        // The per-phone hourly limit: at most 5 codes per hour.
        var statuses: [Int] = []
        for _ in 0..<5 {
            api.clock.advance(61)
            statuses.append(api.call("POST", "/auth/otp/request", json: ["phone": "+15550004000"]).status)
        }
        #expect(statuses.last == 429)
    }

    @Test("004: register with profile fields, login, profile get/update, refresh rotation, logout, orders, history, payments with status")
    func seed004() throws {
        let api = try APIServer()
        defer { api.stop() }
        let staff = try api.signIn(phone: "+15550005000", role: .staff)
        let pid = try #require(try api.createProduct(staff, sku: "ACER", name: "Acer", price: 450_000, stock: 10).int("id"))

        let registered = api.call("POST", "/auth/register", json: ["username": "ram", "email": "ram@example.com", "password": "TestPassword123",
                                                                  "password_confirm": "TestPassword123", "first_name": "fname", "last_name": "lname",
                                                                  "phone": "+9779813121824", "address": "Godawari"])
        #expect(registered.status == 201)
        let user = try #require(registered.object["user"] as? [String: Any])
        #expect(user.string("address") == "Godawari")
        #expect(user.string("phone") == "+9779813121824")
        let login = api.call("POST", "/auth/login", json: ["login": "ram", "password": "TestPassword123"])
        #expect(login.status == 200)
        var me = try Session(login)
        let updated = api.call("PATCH", "/me", json: ["first_name": "Ram", "last_name": "Ram", "address": "123 Main Street"], token: me.access)
        #expect(updated.string("first_name") == "Ram")
        #expect(api.call("GET", "/me", token: me.access).string("address") == "123 Main Street")

        let old = me
        me = try Session(api.call("POST", "/auth/token/refresh", json: ["refresh": me.refresh]))
        #expect(api.call("POST", "/auth/token/refresh", json: ["refresh": old.refresh]).code == "token_reused")
        #expect(api.call("GET", "/me", token: me.access).status == 401)
        me = try Session(api.call("POST", "/auth/login", json: ["login": "ram", "password": "TestPassword123"]))

        // Order: the price comes from the catalog, never from the client.
        let order = api.call("POST", "/orders", json: api.contact(["items": [["product_id": pid, "quantity": 5, "price": 1]], "price": 1]), token: me.access)
        #expect(order.status == 201)
        #expect(order.int("total") == 2_250_000)
        let id = try #require(order.int("id"))
        #expect(api.call("GET", "/orders/\(id)", token: me.access).int("total") == 2_250_000)
        #expect(api.call("GET", "/orders?limit=10", token: me.access).items.count == 1)

        // Payments: amount and status; staff confirm; order paid.
        let part = api.call("POST", "/orders/\(id)/payments", json: ["amount": 1_200_000, "method": "transfer"], token: me.access)
        #expect(part.status == 201)
        #expect(part.string("status") == "pending")
        let rest = api.call("POST", "/orders/\(id)/payments", json: ["amount": 1_050_000, "method": "transfer"], token: me.access)
        #expect(rest.status == 201)
        #expect(api.call("PATCH", "/payments/\(part.int("id") ?? 0)", json: ["status": "completed"], token: staff.access).status == 200)
        #expect(api.call("GET", "/orders/\(id)", token: me.access).string("status") == "pending")
        #expect(api.call("PATCH", "/payments/\(rest.int("id") ?? 0)", json: ["status": "completed"], token: staff.access).status == 200)
        let paid = api.call("GET", "/orders/\(id)", token: me.access)
        #expect(paid.string("status") == "paid")
        #expect(paid.int("paid") == 2_250_000)
        #expect(paid.int("balance") == 0)
        #expect(api.call("GET", "/orders/\(id)/payments", token: me.access).items.allSatisfy { $0.string("status") == "completed" })

        let logout = api.call("POST", "/auth/logout", json: ["refresh": me.refresh], token: me.access)
        #expect(logout.status == 204)
        #expect(api.call("POST", "/auth/token/refresh", json: ["refresh": me.refresh]).status == 401)
        #expect(api.call("GET", "/me", token: me.access).status == 401)
    }

    @Test("the seeds' known defects are absent: overselling, negative numbers, reading others' orders, status backwards, reset tokens, 500s")
    func knownDefects() throws {
        let api = try APIServer()
        defer { api.stop() }
        let staff = try api.signIn(phone: "+15550006000", role: .staff)
        let a = try api.signIn(phone: "+15550006001")
        let b = try api.signIn(phone: "+15550006002")
        let pid = try #require(try api.createProduct(staff, sku: "LIM", price: 100, stock: 2).int("id"))
        // No overselling: the stock is decremented and the third unit is refused.
        #expect(api.call("POST", "/orders", json: api.contact(["items": [["product_id": pid, "quantity": 2]]]), token: a.access).status == 201)
        #expect(api.call("POST", "/orders", json: api.contact(["items": [["product_id": pid, "quantity": 1]]]), token: b.access).code == "out_of_stock")
        #expect(api.call("GET", "/products/\(pid)").int("stock") == 0)
        // Negative quantities and prices refused.
        #expect(api.call("POST", "/cart/items", json: ["product_id": pid, "quantity": -3], token: a.access).status == 400)
        #expect(api.call("POST", "/orders", json: api.contact(["items": [["product_id": pid, "quantity": -3]]]), token: a.access).status == 400)
        #expect(api.call("POST", "/products", json: ["sku": "NEG", "name": "neg", "price": -100], token: staff.access).status == 400)
        #expect(api.call("POST", "/products", json: ["sku": "NEGV", "name": "neg", "price": 100, "variants": [["name": "1 kg", "price": -1]]], token: staff.access).status == 400)
        #expect(api.call("POST", "/orders/1/payments", json: ["amount": -100, "method": "card"], token: a.access).status == 400)
        // No reading every order.
        #expect(api.call("GET", "/orders", token: b.access).items.isEmpty)
        #expect(api.call("GET", "/orders/1", token: b.access).status == 404)
        // Forgot password never hands out a token.
        let forgot = api.call("POST", "/auth/password/forgot", json: ["login": "+15550006001"])
        #expect(forgot.status == 202)
        #expect(Set(forgot.object.keys).isSubset(of: ["status", "message"]))
        // No 500 on missing ids or on logout, whatever is sent.
        for path in ["/products/0", "/products/x", "/orders/0", "/orders/%20", "/orders/1e3", "/orders/999999999999999999999/payments", "/products/999/photo"] {
            let r = api.call("GET", path, token: a.access)
            #expect(r.status == 404 || r.status == 400, "GET \(path) → \(r.status)")
        }
        for body in [[String: Any](), ["refresh": ""], ["refresh": 5], ["refresh": "a.b.c"]] as [[String: Any]] {
            let r = api.call("POST", "/auth/logout", json: body, token: a.access)
            #expect(r.status < 500, "logout \(body) → \(r.status)")
            #expect(r.status == 204 || r.isErrorBody)
        }
        #expect(api.call("POST", "/auth/logout").status == 401)
        #expect(api.call("POST", "/auth/logout", token: a.access).status < 500)
    }
}
