import Foundation
import Testing
@testable import ShopEngine

@Suite("Tokens")
struct TokenTests {
    func parts(_ token: String) -> [String] { token.split(separator: ".", omittingEmptySubsequences: false).map(String.init) }
    func json(_ part: String) -> [String: Any] { (try? JSONSerialization.jsonObject(with: Data(Base64URL.decode(Substring(part))!)) as? [String: Any]) ?? [:] }
    func encode(_ object: [String: Any]) -> String { Base64URL.encode([UInt8](try! JSONSerialization.data(withJSONObject: object, options: .sortedKeys))) }

    @Test("an access token lasts 15 minutes, a refresh token 14 days, both HS256")
    func lifetimes() throws {
        let t = try TestShop()
        let signIn = try t.customer()
        let access = json(parts(signIn.access)[1]), refresh = json(parts(signIn.refresh)[1])
        #expect(json(parts(signIn.access)[0])["alg"] as? String == "HS256")
        #expect((access["exp"] as! Int) - (access["iat"] as! Int) == 900)
        #expect((refresh["exp"] as! Int) - (refresh["iat"] as! Int) == 14 * 86_400)
        _ = try t.shop.accounts.authenticate(accessToken: signIn.access, clientAddress: "x")
        t.clock.advance(900)
        expectError("token_expired") { try t.shop.accounts.authenticate(accessToken: signIn.access, clientAddress: "x") }
    }

    @Test("a token accepted (and remembered) by one engine is refused by it right after another engine on the file signs it out")
    func checkedTokenEndedElsewhere() throws {
        let t = try TestShop()
        let signIn = try t.customer()
        for _ in 0..<2 { #expect(try t.shop.accounts.authenticate(accessToken: signIn.access, clientAddress: "x").userID == signIn.user.id) }
        let other = try t.openAgain()
        defer { other.store.close() }
        try other.accounts.logout(refreshToken: signIn.refresh, caller: try other.accounts.authenticate(accessToken: signIn.access, clientAddress: "y"))
        expectError("invalid_token") { try t.shop.accounts.authenticate(accessToken: signIn.access, clientAddress: "x") }
        // Someone else's token, checked by the same engine, is still their own.
        let someoneElse = try t.customer("+15550001112")
        #expect(try t.shop.accounts.authenticate(accessToken: someoneElse.access, clientAddress: "x").userID == someoneElse.user.id)
    }

    @Test("tampered tokens are refused: alg none, wrong signature, changed claims, swapped type, garbage")
    func tampering() throws {
        let t = try TestShop()
        let signIn = try t.customer()
        let p = parts(signIn.access)
        var claims = json(p[1])
        let noneHeader = encode(["alg": "none", "typ": "JWT"])
        let hs512Header = encode(["alg": "HS512", "typ": "JWT"])
        claims["sub"] = "999"
        let forged = [
            "\(noneHeader).\(p[1]).",
            "\(noneHeader).\(p[1]).\(p[2])",
            "\(hs512Header).\(p[1]).\(p[2])",
            "\(p[0]).\(encode(claims)).\(p[2])",
            "\(p[0]).\(p[1]).\(Base64URL.encode([UInt8](repeating: 0, count: 32)))",
            "\(p[0]).\(p[1])",
            "\(p[0]).\(p[1]).\(p[2]).x",
            "\(p[0]).\(p[1]).\(p[2])=",
            "garbage", "",
        ]
        for token in forged {
            expectError("invalid_token", "\(token)") { try t.shop.accounts.authenticate(accessToken: token, clientAddress: "x") }
        }
        expectError("invalid_token") { try t.shop.accounts.authenticate(accessToken: signIn.refresh, clientAddress: "x") }
        expectError("invalid_token") { try t.shop.accounts.refresh(signIn.access, caller: t.guest) }
    }

    @Test("a token from another shop's key is refused")
    func otherKey() throws {
        let a = try TestShop(), b = try TestShop()
        let signIn = try a.customer()
        expectError("invalid_token") { try b.shop.accounts.authenticate(accessToken: signIn.access, clientAddress: "x") }
    }

    @Test("a token that is not yet valid is refused")
    func notBefore() throws {
        let t = try TestShop()
        t.clock.advance(3600)
        let signIn = try t.customer()
        t.clock.advance(-3600)
        expectError("invalid_token") { try t.shop.accounts.authenticate(accessToken: signIn.access, clientAddress: "x") }
    }

    @Test("refresh rotates; reusing a spent refresh token revokes the whole family")
    func rotationAndReuse() throws {
        let t = try TestShop()
        let signIn = try t.customer()
        let second = try t.shop.accounts.refresh(signIn.refresh, caller: t.guest)
        #expect(second.refresh != signIn.refresh)
        _ = try t.shop.accounts.authenticate(accessToken: second.access, clientAddress: "x")
        expectError("token_reused") { try t.shop.accounts.refresh(signIn.refresh, caller: t.guest) }
        expectError("token_revoked") { try t.shop.accounts.refresh(second.refresh, caller: t.guest) }
        expectError("invalid_token") { try t.shop.accounts.authenticate(accessToken: second.access, clientAddress: "x") }
    }

    @Test("logout revokes the session; other sessions stay")
    func logout() throws {
        let t = try TestShop()
        let one = try t.customer()
        t.clock.advance(61)
        let two = try t.customer()
        try t.shop.accounts.logout(refreshToken: one.refresh, caller: one.caller)
        expectError("invalid_token") { try t.shop.accounts.authenticate(accessToken: one.access, clientAddress: "x") }
        expectError("token_revoked") { try t.shop.accounts.refresh(one.refresh, caller: t.guest) }
        _ = try t.shop.accounts.authenticate(accessToken: two.access, clientAddress: "x")
        expectError("invalid_token") { try t.shop.accounts.logout(refreshToken: "nonsense", caller: t.guest) }
    }

    @Test("a deactivated account's tokens stop working at once")
    func deactivation() throws {
        let t = try TestShop()
        let admin = try t.staff("+15550009999", role: .admin)
        let customer = try t.customer("+15550001111")
        _ = try t.shop.admin.updateUser(id: customer.user.id, .init(active: false), caller: admin.caller)
        #expect(throws: ShopError.self) { try t.shop.accounts.authenticate(accessToken: customer.access, clientAddress: "x") }
        expectError("account_disabled") { try t.shop.carts.cart(caller: customer.caller) }
    }
}

@Suite("Roles and administration")
struct AdminTests {
    @Test("only admins list users and change roles; an admin cannot demote themselves")
    func roles() throws {
        let t = try TestShop()
        let admin = try t.staff("+15550009999", role: .admin)
        let customer = try t.customer("+15550001111")
        expectError("forbidden") { try t.shop.admin.listUsers(caller: customer.caller) }
        let page = try t.shop.admin.listUsers(caller: admin.caller)
        #expect(page.items.count == 2)
        let promoted = try t.shop.admin.updateUser(id: customer.user.id, .init(role: .staff), caller: admin.caller)
        #expect(promoted.role == .staff)
        expectError("cannot_change_self") { try t.shop.admin.updateUser(id: admin.user.id, .init(role: .customer), caller: admin.caller) }
        // The promoted caller's role is re-read on each call: staff rights apply without signing in again.
        _ = try t.shop.catalog.create(ProductDraft(sku: "A1", name: "Tea", price: 100), caller: customer.caller)
    }

    @Test("the users command creates the first admin and changes roles while the database is in use")
    func usersCommand() throws {
        let t = try TestShop()
        let server = LoadProcess.executable.deletingLastPathComponent().appendingPathComponent("shop-server")
        func run(_ arguments: [String]) throws -> (Int32, String) {
            let process = Process()
            process.executableURL = server
            process.arguments = arguments + ["--db", t.databasePath]
            let out = Pipe()
            process.standardOutput = out
            process.standardError = out
            try process.run()
            let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            return (process.terminationStatus, text)
        }
        let customer = try t.customer("+15550001111")
        let (status, output) = try run(["users", "add", "--phone", "+15550001111", "--role", "admin"])
        #expect(status == 0, "\(output)")
        #expect(output.contains("updated user \(customer.user.id)"))
        #expect(try t.shop.admin.listUsers(caller: customer.caller).items.count == 1, "the running shop sees the new role at once")
        let (badStatus, badOutput) = try run(["users", "add", "--phone", "+15550001111", "--role", "king"])
        #expect(badStatus != 0)
        #expect(badOutput.contains("--role"))
        let (listStatus, list) = try run(["users", "list"])
        #expect(listStatus == 0)
        #expect(list.contains("+15550001111") && list.contains("admin"))
    }
}
