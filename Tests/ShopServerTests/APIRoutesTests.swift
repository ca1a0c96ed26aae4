import Foundation
import Testing
import ShopEngine
@testable import ShopServer

/// Every route's success path and its main errors, through a real server and real sockets.
@Suite("API routes")
struct APIRoutesTests {

    @Test("request bodies: bad JSON, wrong field types and missing fields are 400s naming the field; non-JSON is 415")
    func bodyValidation() throws {
        let api = try APIServer()
        defer { api.stop() }
        let badJSON = api.call("POST", "/auth/otp/request", body: Array("{\"phone\": ".utf8), contentType: "application/json")
        #expect(badJSON.status == 400)
        #expect(badJSON.code == "invalid_body")
        #expect(badJSON.isErrorBody)

        let notObject = api.call("POST", "/auth/otp/request", json: ["+15550000001"])
        #expect(notObject.status == 400)
        #expect(notObject.code == "invalid_body")

        let wrongType = api.call("POST", "/auth/otp/request", json: ["phone": 15550000001])
        #expect(wrongType.status == 400)
        #expect(wrongType.code == "invalid_phone")
        #expect(wrongType.errorMessage?.contains("phone") == true)
        #expect(wrongType.string("field") == "phone")

        let missing = api.call("POST", "/auth/otp/request", json: [String: Any]())
        #expect(missing.status == 400)
        #expect(missing.code == "missing_phone")
        #expect(missing.string("field") == "phone")

        let plain = api.call("POST", "/auth/otp/request", body: Array("phone=+15550000001".utf8), contentType: "text/plain")
        #expect(plain.status == 415)
        #expect(plain.code == "unsupported_media_type")
        #expect(plain.isErrorBody)

        let form = api.call("POST", "/auth/login", body: Array("login=a&password=b".utf8), contentType: "application/x-www-form-urlencoded")
        #expect(form.status == 415)

        let withCharset = api.call("POST", "/auth/otp/request", body: Array(#"{"phone":"+15550000001"}"#.utf8), contentType: "application/json; charset=utf-8")
        #expect(withCharset.status == 202)

        let staff = try api.signIn(phone: "+15550000100", role: .staff)
        // A string where a number goes, a fraction, a boolean: each names its field.
        for (value, _) in [("10" as Any, 0), (10.5 as Any, 0), (true as Any, 0)] {
            let r = api.call("POST", "/products", json: ["sku": "T-1", "name": "T", "price": value], token: staff.access)
            #expect(r.status == 400)
            #expect(r.code == "invalid_price")
            #expect(r.string("field") == "price")
            #expect(r.errorMessage?.contains("price") == true)
        }
        let negative = api.call("POST", "/products", json: ["sku": "T-1", "name": "T", "price": -5], token: staff.access)
        #expect(negative.status == 400)
        #expect(negative.isErrorBody)
    }

    @Test("phone code: 202, wrong code 400, cooldown 429 with Retry-After, expired 410, used 410")
    func otpFlow() throws {
        let api = try APIServer()
        defer { api.stop() }
        let phone = "+15550000002"
        let first = api.call("POST", "/auth/otp/request", json: ["phone": phone])
        #expect(first.status == 202)
        #expect(first.int("expires_in") == 300)
        #expect(first.int("retry_after") == 60)
        let requestID = try #require(first.string("request_id"))
        #expect(api.lastCode(to: phone) != nil)
        #expect(!first.text.contains(api.lastCode(to: phone)!))

        let again = api.call("POST", "/auth/otp/request", json: ["phone": phone])
        #expect(again.status == 429)
        #expect(again.code == "too_many_requests")
        let retry = try #require(Int(again.headers["retry-after"] ?? ""))
        #expect(retry > 0 && retry <= 60)

        let invalidPhone = api.call("POST", "/auth/otp/request", json: ["phone": "12"])
        #expect(invalidPhone.status == 400)
        #expect(invalidPhone.code == "invalid_phone")

        let code = try #require(api.lastCode(to: phone))
        let wrongCode = code == "000000" ? "111111" : "000000"
        let wrong = api.call("POST", "/auth/otp/verify", json: ["request_id": requestID, "code": wrongCode])
        #expect(wrong.status == 400)
        #expect(wrong.code == "otp_invalid")
        let malformed = api.call("POST", "/auth/otp/verify", json: ["request_id": requestID, "code": "12"])
        #expect(malformed.status == 400)
        let unknown = api.call("POST", "/auth/otp/verify", json: ["request_id": String(repeating: "a", count: 32), "code": "123456"])
        #expect(unknown.status == 410)

        let ok = api.call("POST", "/auth/otp/verify", json: ["request_id": requestID, "code": code])
        #expect(ok.status == 200)
        let session = try Session(ok)
        #expect(session.isNew)
        let used = api.call("POST", "/auth/otp/verify", json: ["request_id": requestID, "code": code])
        #expect(used.status == 410)
        #expect(used.code == "otp_used")

        // Expired: a new code, then 5 minutes and a second.
        api.clock.advance(61)
        let second = api.call("POST", "/auth/otp/request", json: ["phone": phone])
        #expect(second.status == 202)
        api.clock.advance(301)
        let expired = api.call("POST", "/auth/otp/verify", json: ["request_id": second.string("request_id") ?? "", "code": api.lastCode(to: phone) ?? ""])
        #expect(expired.status == 410)
        #expect(expired.code == "otp_expired")

        // The returning customer is not new.
        let back = try api.signIn(phone: phone)
        #expect(!back.isNew)
        #expect(back.userID == session.userID)
    }

    @Test("tokens: missing or invalid bearer is 401; refresh rotates; reuse revokes the family; logout revokes")
    func tokens() throws {
        let api = try APIServer()
        defer { api.stop() }
        #expect(api.call("GET", "/me").status == 401)
        #expect(api.call("GET", "/me").code == "sign_in_required")
        let garbage = api.call("GET", "/me", token: "not.a.jwt")
        #expect(garbage.status == 401)
        #expect(garbage.isErrorBody)
        #expect(api.call("GET", "/me", headers: ["Authorization": "Basic Zm9vOmJhcg=="]).status == 401)

        let session = try api.signIn(phone: "+15550000003")
        // An access token is not a refresh token, and the reverse.
        #expect(api.call("GET", "/me", token: session.refresh).status == 401)
        #expect(api.call("POST", "/auth/token/refresh", json: ["refresh": session.access]).status == 401)

        let rotated = api.call("POST", "/auth/token/refresh", json: ["refresh": session.refresh])
        #expect(rotated.status == 200)
        let second = try Session(rotated)
        #expect(second.refresh != session.refresh)
        #expect(api.call("GET", "/me", token: second.access).status == 200)

        // Reusing the first refresh token revokes the whole family, including the new pair.
        let reused = api.call("POST", "/auth/token/refresh", json: ["refresh": session.refresh])
        #expect(reused.status == 401)
        #expect(api.call("POST", "/auth/token/refresh", json: ["refresh": second.refresh]).status == 401)
        #expect(api.call("GET", "/me", token: second.access).status == 401)

        // Logout: 204, then the refresh token is dead; a second logout is no 500.
        let third = try api.signIn(phone: "+15550000003")
        let logout = api.call("POST", "/auth/logout", json: ["refresh": third.refresh], token: third.access)
        #expect(logout.status == 204)
        #expect(api.call("POST", "/auth/token/refresh", json: ["refresh": third.refresh]).status == 401)
        let again = api.call("POST", "/auth/logout", json: ["refresh": third.refresh], token: third.access)
        #expect(again.status < 500)
        #expect(api.call("POST", "/auth/logout", json: ["refresh": "junk"], token: try api.signIn(phone: "+15550000004").access).status < 500)
        let anonymous = api.call("POST", "/auth/logout", json: ["refresh": "junk"])
        #expect(anonymous.status == 401, "\(anonymous.text)")

        // Expired access token (15 minutes).
        let fourth = try api.signIn(phone: "+15550000005")
        api.clock.advance(16 * 60)
        let expired = api.call("GET", "/me", token: fourth.access)
        #expect(expired.status == 401)
        #expect(api.call("POST", "/auth/token/refresh", json: ["refresh": fourth.refresh]).status == 200)
    }

    @Test("password accounts: register 201 NEW, 409 taken, email verify and resend, login, change, forgot 202, reset")
    func passwordAccounts() throws {
        let api = try APIServer()
        defer { api.stop() }
        let form: [String: Any] = ["username": "sara", "email": "sara@example.com", "password": "correct horse 1", "password_confirm": "correct horse 1",
                                   "first_name": "Sara", "last_name": "Ahmadi", "phone": "+15550000010", "address": "Godawari"]
        let created = api.call("POST", "/auth/register", json: form)
        #expect(created.status == 201)
        let user = try #require(created.object["user"] as? [String: Any])
        #expect(user["auth_status"] as? String == "NEW")
        #expect(user["username"] as? String == "sara")
        var session = try Session(created)

        var taken = form; taken["email"] = "other@example.com"; taken["phone"] = nil
        let usernameTaken = api.call("POST", "/auth/register", json: taken)
        #expect(usernameTaken.status == 409)
        #expect(usernameTaken.code == "username_taken")
        // An email or phone already given elsewhere is not revealed: same answer as a new one.
        var sameEmail = form; sameEmail["username"] = "sara2"; sameEmail["phone"] = nil
        let second = api.call("POST", "/auth/register", json: sameEmail)
        #expect(second.status == 201)
        #expect((second.object["user"] as? [String: Any])?["email_verified"] as? Bool == false)
        var mismatch = form; mismatch["username"] = "sara3"; mismatch["email"] = "s3@example.com"; mismatch["password_confirm"] = "other password"; mismatch["phone"] = nil
        let mismatched = api.call("POST", "/auth/register", json: mismatch)
        #expect(mismatched.status == 400)
        #expect(mismatched.code == "password_mismatch")
        var short = mismatch; short["password"] = "short"; short["password_confirm"] = "short"
        #expect(api.call("POST", "/auth/register", json: short).status == 400)

        // Email verification: wrong code 400, resend within the cooldown 429, after it 202, right code VERIFIED.
        #expect(api.call("POST", "/auth/email/verify", json: ["code": "000000"], token: session.access).status == 400)
        let early = api.call("POST", "/auth/email/resend", token: session.access)
        #expect(early.status == 429)
        #expect(early.headers["retry-after"] != nil)
        api.clock.advance(61)
        #expect(api.call("POST", "/auth/email/resend", token: session.access).status == 202)
        let code = try #require(api.lastCode(to: "sara@example.com"))
        let verified = api.call("POST", "/auth/email/verify", json: ["code": code], token: session.access)
        #expect(verified.status == 200)
        #expect(verified.string("auth_status") == "VERIFIED")
        #expect(verified.object["email_verified"] as? Bool == true)
        #expect(verified.object["phone_verified"] as? Bool == false)
        #expect(api.call("POST", "/auth/email/verify", json: ["code": code]).status == 401)
        // The phone given at registration signs in only once its code is verified.
        #expect(api.call("POST", "/auth/login", json: ["login": "+15550000010", "password": "correct horse 1"]).status == 401)
        #expect(api.call("POST", "/auth/phone/verify", json: ["code": "000000"], token: session.access).status == 400)
        let phoneCode = try #require(api.lastCode(to: "+15550000010"))
        let phoneVerified = api.call("POST", "/auth/phone/verify", json: ["code": phoneCode], token: session.access)
        #expect(phoneVerified.status == 200)
        #expect(phoneVerified.object["phone_verified"] as? Bool == true)
        #expect(api.call("POST", "/auth/phone/resend", token: session.access).code == "already_verified")

        // Login by username, email or phone; one generic 401 otherwise.
        for login in ["sara", "sara@example.com", "+15550000010"] {
            let r = api.call("POST", "/auth/login", json: ["login": login, "password": "correct horse 1"])
            #expect(r.status == 200, "login \(login)")
        }
        let badPassword = api.call("POST", "/auth/login", json: ["login": "sara", "password": "wrong password"])
        let noUser = api.call("POST", "/auth/login", json: ["login": "nobody", "password": "wrong password"])
        #expect(badPassword.status == 401)
        #expect(noUser.status == 401)
        #expect(badPassword.text == noUser.text)

        // Change password: wrong old 400; right one 200 with new tokens; old sessions end.
        let wrongOld = api.call("POST", "/auth/password/change", json: ["old_password": "nope nope", "password": "new password 2", "password_confirm": "new password 2"], token: session.access)
        #expect(wrongOld.status == 400)
        let changed = api.call("POST", "/auth/password/change", json: ["old_password": "correct horse 1", "password": "new password 2", "password_confirm": "new password 2"], token: session.access)
        #expect(changed.status == 200)
        #expect(api.call("GET", "/me", token: session.access).status == 401)
        session = try Session(changed)
        #expect(api.call("GET", "/me", token: session.access).status == 200)

        // Forgot: 202 for a known and an unknown login alike, never a token; reset with the code.
        let forgot = api.call("POST", "/auth/password/forgot", json: ["login": "sara@example.com"])
        let forgotUnknown = api.call("POST", "/auth/password/forgot", json: ["login": "ghost@example.com"])
        #expect(forgot.status == 202)
        #expect(forgotUnknown.status == 202)
        #expect(forgot.text == forgotUnknown.text)
        #expect(forgot.object["access"] == nil && forgot.object["token"] == nil && forgot.object["code"] == nil)
        let resetCode = try #require(api.lastCode(to: "sara@example.com"))
        let badReset = api.call("POST", "/auth/password/reset", json: ["login": "sara@example.com", "code": "999999", "password": "reset pass 3", "password_confirm": "reset pass 3"])
        #expect(badReset.status == 400)
        let reset = api.call("POST", "/auth/password/reset", json: ["login": "sara@example.com", "code": resetCode, "password": "reset pass 3", "password_confirm": "reset pass 3"])
        #expect(reset.status == 204)
        #expect(api.call("GET", "/me", token: session.access).status == 401)
        #expect(api.call("POST", "/auth/login", json: ["login": "sara", "password": "reset pass 3"]).status == 200)
        #expect(api.call("POST", "/auth/login", json: ["login": "sara", "password": "new password 2"]).status == 401)
    }

    @Test("profile: GET and PATCH /me, PUT and GET /me/photo")
    func profile() throws {
        let api = try APIServer()
        defer { api.stop() }
        let me = try api.signIn(phone: "+15550000020")
        let got = api.call("GET", "/me", token: me.access)
        #expect(got.status == 200)
        #expect(got.string("phone") == "+15550000020")
        #expect(got.string("role") == "customer")
        let patched = api.call("PATCH", "/me", json: ["first_name": "نیما", "last_name": "جوان", "address": "Tabriz", "postal_code": "6135135"], token: me.access)
        #expect(patched.status == 200)
        #expect(patched.string("first_name") == "نیما")
        #expect(patched.string("postal_code") == "6135135")
        #expect(api.call("PATCH", "/me", json: ["first_name": 5], token: me.access).code == "invalid_first_name")
        #expect(api.call("PATCH", "/me", json: ["postal_code": "<script>"], token: me.access).status == 400)

        #expect(api.call("GET", "/me/photo", token: me.access).status == 404)
        let put = api.call("PUT", "/me/photo", body: TestImages.png, contentType: "image/png", token: me.access)
        #expect(put.status == 204)
        let photo = api.call("GET", "/me/photo", token: me.access)
        #expect(photo.status == 200)
        #expect(photo.headers["content-type"] == "image/png")
        #expect(photo.body == TestImages.png)
        #expect(api.call("GET", "/me", token: me.access).object["has_photo"] as? Bool == true)
        let notPNG = api.call("PUT", "/me/photo", body: Array("GIF89a not really".utf8), contentType: "image/png", token: me.access)
        #expect(notPNG.status == 415)
        #expect(notPNG.isErrorBody)
        let jsonPhoto = api.call("PUT", "/me/photo", json: ["photo": "base64…"], token: me.access)
        #expect(jsonPhoto.status == 415)
        let empty = api.call("PUT", "/me/photo", body: [], contentType: "image/png", token: me.access)
        #expect(empty.status == 400)
        #expect(api.call("PUT", "/me/photo", body: TestImages.png, contentType: "image/png").status == 401)
    }

    @Test("catalog: list/filter/sort/paginate, detail, categories, create, update, photo, stock, delete; staff only writes")
    func catalog() throws {
        let api = try APIServer()
        defer { api.stop() }
        let staff = try api.signIn(phone: "+15550000030", role: .staff)
        let customer = try api.signIn(phone: "+15550000031")
        let a = try api.createProduct(staff, sku: "CAKE-1", name: "Chocolate cake", price: 2500, stock: 5, extra: ["category": "Cakes", "barcode": "5901234123457", "description": "dark"])
        _ = try api.createProduct(staff, sku: "CAKE-2", name: "Banana bread", price: 900, stock: 0, extra: ["category": "Cakes"])
        _ = try api.createProduct(staff, sku: "TEA-1", name: "Green tea", price: 300, stock: 50, extra: ["category": "Drinks"])
        let id = try #require(a.int("id"))
        #expect(a.string("currency") != nil)
        #expect((a["variants"] as? [Any])?.isEmpty == true)

        let all = api.call("GET", "/products")
        #expect(all.status == 200)
        #expect(all.items.count == 3)
        #expect(all.object.keys.contains("next_cursor"))
        #expect(api.call("GET", "/products?category=Cakes").items.count == 2)
        #expect(api.call("GET", "/products?in_stock=true&category=Cakes").items.count == 1)
        #expect(api.call("GET", "/products?min_price=500&max_price=1000").items.map { $0.string("sku") } == ["CAKE-2"])
        #expect(api.call("GET", "/products?sort=price").items.map { $0.string("sku") } == ["TEA-1", "CAKE-2", "CAKE-1"])
        #expect(api.call("GET", "/products?q=chocolate").items.map { $0.string("sku") } == ["CAKE-1"])
        #expect(api.call("GET", "/products?sort=bogus").status == 400)
        #expect(api.call("GET", "/products?limit=abc").code == "invalid_limit")
        #expect(api.call("GET", "/products?limit=0").status == 400)
        #expect(api.call("GET", "/products?min_price=x").status == 400)
        #expect(api.call("GET", "/products?cursor=%%%").status == 400)
        let page1 = api.call("GET", "/products?limit=2&sort=name")
        #expect(page1.items.count == 2)
        let cursor = try #require(page1.string("next_cursor"))
        let page2 = api.call("GET", "/products?limit=2&sort=name&cursor=\(cursor.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)")
        #expect(page2.items.count == 1)
        #expect(page2.object["next_cursor"] is NSNull)

        #expect(api.call("GET", "/products/\(id)").string("name") == "Chocolate cake")
        for missing in ["999999", "abc", "0", "-1", "99999999999999999999999"] {
            let r = api.call("GET", "/products/\(missing)")
            #expect(r.status == 404, "GET /products/\(missing)")
            #expect(r.isErrorBody)
        }
        let categories = api.call("GET", "/categories")
        #expect(categories.status == 200)
        #expect(Set(categories.items.compactMap { $0.string("name") }) == ["Cakes", "Drinks"])

        // Staff only: customer 403, guest 401.
        #expect(api.call("POST", "/products", json: ["sku": "X", "name": "X", "price": 1], token: customer.access).status == 403)
        #expect(api.call("POST", "/products", json: ["sku": "X", "name": "X", "price": 1]).status == 401)
        #expect(api.call("PATCH", "/products/\(id)", json: ["price": 1], token: customer.access).status == 403)
        #expect(api.call("DELETE", "/products/\(id)", token: customer.access).status == 403)
        #expect(api.call("POST", "/products/\(id)/stock", json: ["delta": 5, "reason": "x"], token: customer.access).status == 403)
        #expect(api.call("PUT", "/products/\(id)/photo", body: TestImages.png, contentType: "image/png", token: customer.access).status == 403)
        #expect(api.call("GET", "/products/\(id)/stock", token: customer.access).status == 403)

        // Duplicate SKU 409; negative price and stock 400.
        #expect(api.call("POST", "/products", json: ["sku": "CAKE-1", "name": "Dup", "price": 1], token: staff.access).code == "sku_taken")
        #expect(api.call("POST", "/products", json: ["sku": "NEG-1", "name": "Neg", "price": 100, "stock": -3], token: staff.access).status == 400)
        #expect(api.call("PATCH", "/products/\(id)", json: ["price": -1], token: staff.access).status == 400)
        #expect(api.call("PATCH", "/products/\(id)", json: ["stock": 99], token: staff.access).code == "invalid_stock")

        let updated = api.call("PATCH", "/products/\(id)", json: ["name": "Dark chocolate cake", "price": 2700], token: staff.access)
        #expect(updated.status == 200)
        #expect(updated.int("price") == 2700)
        #expect(api.call("PATCH", "/products/999999", json: ["price": 5], token: staff.access).status == 404)

        #expect(api.call("GET", "/products/\(id)/photo").status == 404)
        #expect(api.call("PUT", "/products/\(id)/photo", body: TestImages.png, contentType: "image/png", token: staff.access).status == 204)
        let photo = api.call("GET", "/products/\(id)/photo")
        #expect(photo.status == 200)
        #expect(photo.body == TestImages.png)
        #expect(api.call("PUT", "/products/\(id)/photo", body: Array("\u{FF}\u{D8}xx".utf8), contentType: "image/png", token: staff.access).status == 415)
        #expect(api.call("PUT", "/products/999999/photo", body: TestImages.png, contentType: "image/png", token: staff.access).status == 404)

        let stocked = api.call("POST", "/products/\(id)/stock", json: ["delta": 10, "reason": "delivery"], token: staff.access)
        #expect(stocked.status == 200)
        #expect(stocked.int("stock") == 15)
        let tooMuch = api.call("POST", "/products/\(id)/stock", json: ["delta": -100, "reason": "loss"], token: staff.access)
        #expect(tooMuch.status == 409 || tooMuch.status == 400)
        #expect(api.call("GET", "/products/\(id)").int("stock") == 15)
        #expect(api.call("POST", "/products/\(id)/stock", json: ["delta": 1], token: staff.access).code == "missing_reason")
        let history = api.call("GET", "/products/\(id)/stock", token: staff.access)
        #expect(history.status == 200)
        #expect(history.items.contains { $0.int("delta") == 10 && $0.string("reason") == "delivery" })

        let deleted = api.call("DELETE", "/products/\(id)", token: staff.access)
        #expect(deleted.status == 200)
        #expect(deleted.string("result") != nil)
        #expect(api.call("GET", "/products/\(id)").status == 404)
        #expect(api.call("DELETE", "/products/\(id)", token: staff.access).status == 404)
        #expect(api.call("GET", "/products").items.count == 2)
    }

    @Test("cart: get, add (same item adds up), update, remove, clear; bad quantities and unknown products refused")
    func cart() throws {
        let api = try APIServer()
        defer { api.stop() }
        let staff = try api.signIn(phone: "+15550000040", role: .staff)
        let me = try api.signIn(phone: "+15550000041")
        let product = try api.createProduct(staff, sku: "P-1", price: 1500, stock: 4)
        let pid = try #require(product.int("id"))

        let empty = api.call("GET", "/cart", token: me.access)
        #expect(empty.status == 200)
        #expect(empty.items.isEmpty)
        #expect(empty.int("total") == 0)
        #expect(api.call("GET", "/cart").status == 401)

        let added = api.call("POST", "/cart/items", json: ["product_id": pid, "quantity": 2], token: me.access)
        #expect(added.status == 201)
        #expect(added.items.count == 1)
        let again = api.call("POST", "/cart/items", json: ["product_id": pid, "quantity": 1], token: me.access)
        #expect(again.items.count == 1)
        #expect(again.items.first?.int("quantity") == 3)
        #expect(again.int("total") == 4500)
        let line = try #require(again.items.first?.int("id"))

        for bad in [0, -1, 1000] {
            let r = api.call("POST", "/cart/items", json: ["product_id": pid, "quantity": bad], token: me.access)
            #expect(r.status == 400, "quantity \(bad)")
            #expect(r.code == "invalid_quantity")
        }
        #expect(api.call("POST", "/cart/items", json: ["product_id": pid, "quantity": "2"], token: me.access).code == "invalid_quantity")
        #expect(api.call("POST", "/cart/items", json: ["product_id": 999999, "quantity": 1], token: me.access).status == 404)
        #expect(api.call("POST", "/cart/items", json: ["quantity": 1], token: me.access).code == "missing_product_id")

        let updated = api.call("PATCH", "/cart/items/\(line)", json: ["quantity": 1], token: me.access)
        #expect(updated.status == 200)
        #expect(updated.items.first?.int("quantity") == 1)
        #expect(api.call("PATCH", "/cart/items/\(line)", json: ["quantity": -2], token: me.access).status == 400)
        #expect(api.call("PATCH", "/cart/items/999999", json: ["quantity": 1], token: me.access).status == 404)

        // Asking for more than is in stock is refused; a line whose stock later ran short is
        // flagged, never silently changed.
        let tooMany = api.call("PATCH", "/cart/items/\(line)", json: ["quantity": 9], token: me.access)
        #expect(tooMany.status == 409)
        #expect(tooMany.isErrorBody)
        _ = api.call("PATCH", "/cart/items/\(line)", json: ["quantity": 3], token: me.access)
        #expect(api.call("POST", "/products/\(pid)/stock", json: ["delta": -3, "reason": "broken"], token: staff.access).int("stock") == 1)
        let flagged = api.call("GET", "/cart", token: me.access)
        #expect(flagged.items.first?.int("quantity") == 3)
        #expect(flagged.items.first?.int("available") == 1)
        #expect(flagged.items.first?.string("problem") != nil)
        #expect(api.call("POST", "/orders", json: api.contact(), token: me.access).code == "out_of_stock")

        let removed = api.call("DELETE", "/cart/items/\(line)", token: me.access)
        #expect(removed.status == 200)
        #expect(removed.items.isEmpty)
        #expect(api.call("DELETE", "/cart/items/\(line)", token: me.access).status == 404)

        _ = api.call("POST", "/cart/items", json: ["product_id": pid, "quantity": 1], token: me.access)
        #expect(api.call("DELETE", "/cart", token: me.access).status == 204)
        #expect(api.call("GET", "/cart", token: me.access).items.isEmpty)
    }

    @Test("orders: from the cart and from items, 409 out_of_stock, list/filter, detail, cancel restocks, status only forward")
    func orders() throws {
        let api = try APIServer()
        defer { api.stop() }
        let staff = try api.signIn(phone: "+15550000050", role: .staff)
        let me = try api.signIn(phone: "+15550000051")
        let pid = try #require(try api.createProduct(staff, sku: "O-1", price: 1000, stock: 3).int("id"))

        let emptyCart = api.call("POST", "/orders", json: api.contact(), token: me.access)
        #expect(emptyCart.status == 400)
        #expect(emptyCart.code == "empty_cart")
        #expect(api.call("POST", "/orders", json: api.contact(["payment_method": "bitcoin", "items": [["product_id": pid, "quantity": 1]]]), token: me.access).code == "invalid_payment_method")
        #expect(api.call("POST", "/orders", json: api.contact(["delivery_date": "2001-01-01", "items": [["product_id": pid, "quantity": 1]]]), token: me.access).code == "invalid_delivery_date")
        #expect(api.call("POST", "/orders", json: api.contact(["items": [["product_id": pid, "quantity": -1]]]), token: me.access).status == 400)
        #expect(api.call("POST", "/orders", json: api.contact(["items": [["product_id": 424242, "quantity": 1]]]), token: me.access).status == 404)
        #expect(api.call("POST", "/orders", json: api.contact(["items": [["product_id": pid, "quantity": 1]]])).status == 401)

        let tooMany = api.call("POST", "/orders", json: api.contact(["items": [["product_id": pid, "quantity": 4]]]), token: me.access)
        #expect(tooMany.status == 409)
        #expect(tooMany.code == "out_of_stock")
        #expect(api.call("GET", "/products/\(pid)").int("stock") == 3)

        _ = api.call("POST", "/cart/items", json: ["product_id": pid, "quantity": 2], token: me.access)
        let fromCart = api.call("POST", "/orders", json: api.contact(), token: me.access)
        #expect(fromCart.status == 201)
        #expect(fromCart.string("status") == "pending")
        #expect(fromCart.int("total") == 2000)
        #expect(fromCart.string("postal_code") == "6135135")
        #expect(api.call("GET", "/cart", token: me.access).items.isEmpty)
        #expect(api.call("GET", "/products/\(pid)").int("stock") == 1)
        let orderID = try #require(fromCart.int("id"))

        let listed = api.call("GET", "/orders", token: me.access)
        #expect(listed.status == 200)
        #expect(listed.items.map { $0.int("id") } == [orderID])
        #expect(api.call("GET", "/orders?status=paid", token: me.access).items.isEmpty)
        #expect(api.call("GET", "/orders?status=bogus", token: me.access).status == 400)
        #expect(api.call("GET", "/orders/\(orderID)", token: me.access).int("total") == 2000)
        #expect(api.call("GET", "/orders/424242", token: me.access).status == 404)
        #expect(api.call("GET", "/orders/abc", token: me.access).status == 404)

        // Customers cannot move status; staff cannot skip (pending → sent for a card order) or go backwards.
        #expect(api.call("PATCH", "/orders/\(orderID)", json: ["status": "sent"], token: me.access).status == 403)
        let skip = api.call("PATCH", "/orders/\(orderID)", json: ["status": "sent"], token: staff.access)
        #expect(skip.status == 409)
        #expect(skip.code == "invalid_transition")
        #expect(api.call("PATCH", "/orders/\(orderID)", json: ["status": "flying"], token: staff.access).status == 400)
        #expect(api.call("PATCH", "/orders/424242", json: ["status": "sent"], token: staff.access).status == 404)

        let cancelled = api.call("POST", "/orders/\(orderID)/cancel", token: me.access)
        #expect(cancelled.status == 200)
        #expect(cancelled.string("status") == "cancelled")
        #expect(api.call("GET", "/products/\(pid)").int("stock") == 3)
        let twice = api.call("POST", "/orders/\(orderID)/cancel", token: me.access)
        #expect(twice.status == 409)
        #expect(twice.code == "invalid_transition")
        #expect(api.call("GET", "/products/\(pid)").int("stock") == 3)
        #expect(api.call("POST", "/orders/424242/cancel", token: me.access).status == 404)
    }

    @Test("payments and status: customer pays, staff completes → paid → sent → delivered, never backwards; overpay 409")
    func paymentsAndStatus() throws {
        let api = try APIServer()
        defer { api.stop() }
        let staff = try api.signIn(phone: "+15550000060", role: .staff)
        let me = try api.signIn(phone: "+15550000061")
        let pid = try #require(try api.createProduct(staff, sku: "PAY-1", price: 1200, stock: 10).int("id"))
        let order = api.call("POST", "/orders", json: api.contact(["items": [["product_id": pid, "quantity": 1]]]), token: me.access)
        let orderID = try #require(order.int("id"))

        #expect(api.call("POST", "/orders/\(orderID)/payments", json: ["amount": 0, "method": "card"], token: me.access).code == "invalid_amount")
        #expect(api.call("POST", "/orders/\(orderID)/payments", json: ["amount": -5, "method": "card"], token: me.access).status == 400)
        #expect(api.call("POST", "/orders/\(orderID)/payments", json: ["amount": 100, "method": "gold"], token: me.access).code == "invalid_method")
        #expect(api.call("POST", "/orders/\(orderID)/payments", json: ["amount": 1200, "method": "card", "status": "completed"], token: me.access).status == 403)
        let over = api.call("POST", "/orders/\(orderID)/payments", json: ["amount": 5000, "method": "card"], token: me.access)
        #expect(over.status == 409)
        #expect(over.code == "overpayment")
        #expect(api.call("POST", "/orders/424242/payments", json: ["amount": 100, "method": "card"], token: me.access).status == 404)

        let payment = api.call("POST", "/orders/\(orderID)/payments", json: ["amount": 1200, "method": "card"], token: me.access)
        #expect(payment.status == 201)
        #expect(payment.string("status") == "pending")
        #expect(payment.int("amount") == 1200)
        let paymentID = try #require(payment.int("id"))
        let list = api.call("GET", "/orders/\(orderID)/payments", token: me.access)
        #expect(list.items.map { $0.int("id") } == [paymentID])
        #expect(api.call("GET", "/orders/424242/payments", token: me.access).status == 404)

        #expect(api.call("PATCH", "/payments/\(paymentID)", json: ["status": "completed"], token: me.access).status == 403)
        #expect(api.call("PATCH", "/payments/424242", json: ["status": "completed"], token: staff.access).status == 404)
        #expect(api.call("PATCH", "/payments/\(paymentID)", json: ["status": "bogus"], token: staff.access).status == 400)
        let completed = api.call("PATCH", "/payments/\(paymentID)", json: ["status": "completed"], token: staff.access)
        #expect(completed.status == 200)
        #expect(completed.string("status") == "completed")
        let paid = api.call("GET", "/orders/\(orderID)", token: me.access)
        #expect(paid.string("status") == "paid")
        #expect(paid.int("paid") == 1200)
        #expect(api.call("PATCH", "/payments/\(paymentID)", json: ["status": "pending"], token: staff.access).status == 409)
        #expect(api.call("PATCH", "/payments/\(paymentID)", json: ["status": "refunded"], token: staff.access).code == "invalid_transition")

        #expect(api.call("PATCH", "/orders/\(orderID)", json: ["status": "sent"], token: staff.access).string("status") == "sent")
        #expect(api.call("PATCH", "/orders/\(orderID)", json: ["status": "paid"], token: staff.access).status == 409)
        #expect(api.call("PATCH", "/orders/\(orderID)", json: ["status": "pending"], token: staff.access).status == 409)
        #expect(api.call("POST", "/orders/\(orderID)/cancel", token: me.access).code == "invalid_transition")
        #expect(api.call("PATCH", "/orders/\(orderID)", json: ["status": "delivered"], token: staff.access).string("status") == "delivered")
        #expect(api.call("PATCH", "/orders/\(orderID)", json: ["status": "sent"], token: staff.access).status == 409)
        #expect(api.call("GET", "/orders/\(orderID)", token: me.access).string("status") == "delivered")
        #expect(api.call("GET", "/orders?status=delivered", token: staff.access).items.count == 1)
    }

    @Test("coupons: staff create and list; a percent coupon discounts an order")
    func coupons() throws {
        let api = try APIServer()
        defer { api.stop() }
        let staff = try api.signIn(phone: "+15550000070", role: .staff)
        let me = try api.signIn(phone: "+15550000071")
        #expect(api.call("POST", "/coupons", json: ["code": "TEN", "kind": "percent", "value": 10], token: me.access).status == 403)
        #expect(api.call("POST", "/coupons", json: ["code": "BAD", "kind": "magic", "value": 10], token: staff.access).code == "invalid_kind")
        #expect(api.call("POST", "/coupons", json: ["code": "NEG", "kind": "percent", "value": -10], token: staff.access).status == 400)
        let coupon = api.call("POST", "/coupons", json: ["code": "TEN", "kind": "percent", "value": 10], token: staff.access)
        #expect(coupon.status == 201)
        #expect(api.call("GET", "/coupons", token: staff.access).items.count == 1)
        #expect(api.call("GET", "/coupons", token: me.access).status == 403)
        let pid = try #require(try api.createProduct(staff, sku: "C-1", price: 2000, stock: 5).int("id"))
        let order = api.call("POST", "/orders", json: api.contact(["coupon": "TEN", "items": [["product_id": pid, "quantity": 1]]]), token: me.access)
        #expect(order.status == 201)
        #expect(order.int("subtotal") == 2000)
        #expect(order.int("discount") == 200)
        #expect(order.int("total") == 1800)
        #expect(api.call("POST", "/orders", json: api.contact(["coupon": "NOPE", "items": [["product_id": pid, "quantity": 1]]]), token: me.access).status == 400)
    }

    @Test("admin: list users and change roles; staff and customers refused; unknown id 404")
    func admin() throws {
        let api = try APIServer()
        defer { api.stop() }
        let admin = try api.signIn(phone: "+15550000080", role: .admin)
        let staff = try api.signIn(phone: "+15550000081", role: .staff)
        let me = try api.signIn(phone: "+15550000082")
        let users = api.call("GET", "/admin/users", token: admin.access)
        #expect(users.status == 200)
        #expect(users.items.count == 3)
        #expect(api.call("GET", "/admin/users", token: staff.access).status == 403)
        #expect(api.call("GET", "/admin/users", token: me.access).status == 403)
        #expect(api.call("PATCH", "/admin/users/\(me.userID)", json: ["role": "admin"], token: staff.access).status == 403)
        #expect(api.call("PATCH", "/admin/users/424242", json: ["role": "staff"], token: admin.access).status == 404)
        #expect(api.call("PATCH", "/admin/users/\(me.userID)", json: ["role": "king"], token: admin.access).code == "invalid_role")

        let promoted = api.call("PATCH", "/admin/users/\(me.userID)", json: ["role": "staff"], token: admin.access)
        #expect(promoted.status == 200)
        #expect(promoted.string("role") == "staff")
        // Takes effect at once, with the same token.
        #expect(api.call("GET", "/products/1/stock", token: me.access).status != 403)
        let disabled = api.call("PATCH", "/admin/users/\(me.userID)", json: ["active": false], token: admin.access)
        #expect(disabled.status == 200)
        #expect(api.call("GET", "/me", token: me.access).status == 401)

        // Not demo mode: the outbox does not exist.
        #expect(api.call("GET", "/admin/outbox", token: admin.access).status == 404)
    }

    @Test("settings: staff read them, admins set low_stock_threshold (validated), customers refused")
    func settings() throws {
        let api = try APIServer()
        defer { api.stop() }
        let admin = try api.signIn(phone: "+15550000090", role: .admin)
        let staff = try api.signIn(phone: "+15550000091", role: .staff)
        let me = try api.signIn(phone: "+15550000092")
        let read = api.call("GET", "/admin/settings", token: staff.access)
        #expect(read.status == 200 && read.int("low_stock_threshold") == 5 && read.string("store_name") == "Shop")
        #expect(api.call("GET", "/admin/settings", token: me.access).status == 403)
        #expect(api.call("PATCH", "/admin/settings", json: ["low_stock_threshold": 2], token: staff.access).status == 403)
        let bad = api.call("PATCH", "/admin/settings", json: ["low_stock_threshold": -1], token: admin.access)
        #expect(bad.status == 400 && bad.code == "invalid_low_stock_threshold" && bad.object["field"] as? String == "low_stock_threshold")
        #expect(api.call("PATCH", "/admin/settings", json: ["low_stock_threshold": "2"], token: admin.access).code == "invalid_low_stock_threshold")
        let set = api.call("PATCH", "/admin/settings", json: ["low_stock_threshold": 2], token: admin.access)
        #expect(set.status == 200 && set.int("low_stock_threshold") == 2)
        #expect(api.call("GET", "/admin/settings", token: staff.access).int("low_stock_threshold") == 2)
    }

    @Test("an enum field outside its cases is a 400 naming the field and listing every accepted value")
    func enumFields() throws {
        let api = try APIServer()
        defer { api.stop() }
        let admin = try api.signIn(phone: "+15550000093", role: .admin)
        let me = try api.signIn(phone: "+15550000094")
        let order = api.call("POST", "/orders", json: api.contact(["payment_method": "bitcoin", "items": [["product_id": 1, "quantity": 1]]]), token: me.access)
        #expect(order.status == 400 && order.code == "invalid_payment_method")
        #expect(order.errorMessage == "payment_method must be one of cash, card, transfer, cash_on_delivery")
        #expect(order.object["field"] as? String == "payment_method")
        let sort = api.call("GET", "/products?sort=cheapest")
        #expect(sort.code == "invalid_sort" && sort.errorMessage == "sort must be one of name, price, price_desc, newest")
        let status = api.call("GET", "/orders?status=lost", token: me.access)
        #expect(status.code == "invalid_status" && status.errorMessage == "status must be one of pending, paid, sent, delivered, cancelled")
        let role = api.call("PATCH", "/admin/users/\(me.userID)", json: ["role": "king"], token: admin.access)
        #expect(role.errorMessage == "role must be one of customer, staff, admin")
        let kind = api.call("POST", "/coupons", json: ["code": "TEN", "kind": "bogo", "value": 10], token: admin.access)
        #expect(kind.code == "invalid_kind" && kind.errorMessage == "kind must be one of percent, fixed")
        let paymentStatus = api.call("POST", "/orders/1/payments", json: ["amount": 1, "method": "cash", "status": "refunded"], token: me.access)
        #expect(paymentStatus.code == "invalid_status" && paymentStatus.errorMessage == "status must be one of pending, completed", "a new payment is pending or completed")
        #expect(api.call("POST", "/orders/1/payments", json: ["amount": 1, "method": 5], token: me.access).code == "invalid_method", "not a string")
    }

    @Test("token responses say how long the access token lives: the engine's token lifetime")
    func tokenLifetime() throws {
        let api = try APIServer()
        defer { api.stop() }
        let requested = api.call("POST", "/auth/otp/request", json: ["phone": "+15550000095"])
        let verified = api.call("POST", "/auth/otp/verify", json: ["request_id": requested.string("request_id")!, "code": api.lastCode(to: "+15550000095")!])
        #expect(verified.int("expires_in") == TokenService.accessLifetime)
        #expect(TokenService.accessLifetime == 15 * 60)
    }

    @Test("unknown routes are 404 and wrong methods 405 with Allow, both JSON errors; /healthz and /openapi.json answer")
    func rootRoutes() throws {
        let api = try APIServer()
        defer { api.stop() }
        let health = api.call("GET", "/healthz")
        #expect(health.status == 200)
        #expect(health.string("status") == "ok")
        let document = api.call("GET", "/openapi.json")
        #expect(document.status == 200)
        #expect(document.object["openapi"] as? String != nil)
        let unknown = api.call("GET", "/api/v1/nothing-here")
        #expect(unknown.status == 404)
        #expect(unknown.isErrorBody)
        let wrongMethod = api.call("PUT", "/api/v1/cart", json: [String: Any]())
        #expect(wrongMethod.status == 405)
        #expect(wrongMethod.headers["allow"]?.contains("GET") == true)
        #expect(wrongMethod.isErrorBody)
    }
}
