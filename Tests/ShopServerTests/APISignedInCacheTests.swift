import Foundation
import Testing
import ShopEngine
@testable import ShopServer

/// Signed-in reads (`GET /me`, `/cart`, `/orders`) are answered from memory while nothing in the
/// database changes. These tests hold the cache to what a user would notice: nobody sees another
/// person's answer, and anything another process does to a session counts on the next request.
@Suite("Cached signed-in reads")
struct APISignedInCacheTests {
    /// Asks twice, so the second answer comes from the cache.
    private func twice(_ api: APIServer, _ path: String, _ session: Session) -> APIResult {
        let first = api.call("GET", path, token: session.access)
        let second = api.call("GET", path, token: session.access)
        #expect(first.status == second.status && first.body == second.body, "\(path): the cached answer equals the computed one")
        return second
    }

    @Test("each customer gets their own profile, cart and orders, never the answer cached for another")
    func ownAnswers() throws {
        let api = try APIServer()
        defer { api.stop() }
        let staff = try api.signIn(phone: "+15550009101", role: .staff)
        let tea = try #require(try api.createProduct(staff, sku: "TEA", name: "Tea").int("id"))
        let jam = try #require(try api.createProduct(staff, sku: "JAM", name: "Jam").int("id"))
        let ana = try api.signIn(phone: "+15550009102")
        let ben = try api.signIn(phone: "+15550009103")
        #expect(api.call("POST", "/cart/items", json: ["product_id": tea, "quantity": 1], token: ana.access).status == 201)
        #expect(api.call("POST", "/cart/items", json: ["product_id": jam, "quantity": 2], token: ben.access).status == 201)
        #expect(api.call("POST", "/orders", json: api.contact(["items": [["product_id": jam, "quantity": 1]]]), token: ben.access).status == 201)

        for _ in 0..<2 {
            #expect(twice(api, "/cart", ana).items.map { $0.int("product_id") } == [tea])
            #expect(twice(api, "/cart", ben).items.map { $0.int("product_id") } == [jam])
            #expect(twice(api, "/me", ana).int("id") == ana.userID)
            #expect(twice(api, "/me", ben).int("id") == ben.userID)
            #expect(twice(api, "/orders?limit=20", ana).items.isEmpty, "Ana has no orders")
            #expect(twice(api, "/orders?limit=20", ben).items.count == 1)
        }
        #expect(api.call("GET", "/cart").status == 401, "no token, no cart: nothing cached is served to a guest")
    }

    /// Ways another process ends a session.
    enum Ending: String, CaseIterable, CustomTestStringConvertible {
        case logout, passwordChange, deactivationBySQLiteShell, deactivationByAdmin
        var testDescription: String { rawValue }

        /// Ends `customer`'s session through a second engine on the same file, as another
        /// shop-server or a terminal session opens it (or the sqlite3 shell, a process of its own).
        /// `adminPhone`: an account made admin to deactivate the customer.
        func end(_ customer: Session, in api: APIServer, adminPhone: String = "+15550009112") throws {
            let other = try api.temporary.openAgain()
            defer { other.store.close() }
            switch self {
            case .logout:
                let caller = try other.accounts.authenticate(accessToken: customer.access, clientAddress: "127.0.0.1")
                try other.accounts.logout(refreshToken: customer.refresh, caller: caller)
            case .passwordChange:
                let caller = try other.accounts.authenticate(accessToken: customer.access, clientAddress: "127.0.0.1")
                _ = try other.accounts.changePassword(old: "", new: "a-new-password-1", confirmation: "a-new-password-1", caller: caller)
            case .deactivationBySQLiteShell:
                #expect(try api.temporary.runSQLInAnotherProcess("UPDATE users SET active = 0 WHERE id = \(customer.userID);") == 0)
            case .deactivationByAdmin:
                _ = try other.admin.localSetRole(phone: adminPhone, role: .admin)
                let admin = try other.admin.localSignIn(phone: adminPhone).caller
                _ = try other.admin.updateUser(id: customer.userID, .init(active: false), caller: admin)
            }
        }
    }

    @Test("a session ended in another process is refused on the very next request, although its answers were cached",
          arguments: Ending.allCases)
    func endedElsewhere(_ ending: Ending) throws {
        let api = try APIServer()
        defer { api.stop() }
        let customer = try api.signIn(phone: "+15550009111")
        for path in ["/me", "/cart", "/orders?limit=20"] { #expect(twice(api, path, customer).status == 200) }

        try ending.end(customer, in: api)
        for path in ["/me", "/cart", "/orders?limit=20"] {
            let answer = api.call("GET", path, token: customer.access)
            #expect(answer.status == 401, "\(path) after \(ending): \(answer.status) \(answer.text)")
        }
    }

    @Test("a role changed in another process changes what the very next order list shows")
    func roleChangedElsewhere() throws {
        let api = try APIServer()
        defer { api.stop() }
        let staff = try api.signIn(phone: "+15550009121", role: .staff)
        let id = try #require(try api.createProduct(staff, sku: "BUN", name: "Bun").int("id"))
        let buyer = try api.signIn(phone: "+15550009122")
        #expect(api.call("POST", "/orders", json: api.contact(["items": [["product_id": id, "quantity": 1]]]), token: buyer.access).status == 201)
        #expect(twice(api, "/orders?limit=20", staff).items.count == 1, "staff see every customer's orders")

        let other = try api.temporary.openAgain()
        defer { other.store.close() }
        _ = try other.admin.localSetRole(phone: "+15550009121", role: .customer)
        #expect(api.call("GET", "/orders?limit=20", token: staff.access).items.isEmpty, "demoted: only their own orders (none)")

        _ = try other.admin.localSetRole(phone: "+15550009121", role: .staff)
        #expect(api.call("GET", "/orders?limit=20", token: staff.access).items.count == 1, "promoted again: every order")
    }

    @Test("a cached order list shows an unpaid order cancelled as soon as it falls due, with no write in between")
    func unpaidOrderFallsDue() throws {
        // Due within the access token's 15 minutes, so the same token reads before and after.
        let api = try APIServer { $0.unpaidExpiryMinutes = 5 }
        defer { api.stop() }
        let staff = try api.signIn(phone: "+15550009131", role: .staff)
        let id = try #require(try api.createProduct(staff, sku: "PIE", name: "Pie").int("id"))
        let buyer = try api.signIn(phone: "+15550009132")
        let placed = api.call("POST", "/orders", json: api.contact(["payment_method": "card", "items": [["product_id": id, "quantity": 1]]]), token: buyer.access)
        #expect(placed.status == 201)
        let orderID = try #require(placed.int("id"))
        #expect(twice(api, "/orders?limit=20", buyer).items.first?.string("status") == "pending")
        #expect(twice(api, "/orders/\(orderID)", buyer).string("status") == "pending")

        api.clock.advance(5 * 60 + 1)
        #expect(api.call("GET", "/orders?limit=20", token: buyer.access).items.first?.string("status") == "cancelled")
        #expect(api.call("GET", "/orders/\(orderID)", token: buyer.access).string("status") == "cancelled")
    }

    @Test("an expired access token is refused although it was accepted from the cache a moment before")
    func expiredToken() throws {
        let api = try APIServer()
        defer { api.stop() }
        let customer = try api.signIn(phone: "+15550009141")
        #expect(twice(api, "/cart", customer).status == 200)
        api.clock.advance(TokenService.accessLifetime)
        let answer = api.call("GET", "/cart", token: customer.access)
        #expect(answer.status == 401 && answer.code == "token_expired")
    }
}
