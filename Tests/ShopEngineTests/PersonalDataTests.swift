import Foundation
import Testing
@testable import ShopEngine

@Suite("A customer's own data")
struct PersonalDataTests {
    @Test("the export holds the profile, keys, cart, every order with its payments and the sessions, as snake_case JSON")
    func export() throws {
        let f = try CommerceFixture()
        let me = f.customer.caller
        _ = try f.shop.accounts.updateProfile(.init(firstName: "Maya", address: "12 Elm St"), caller: me)
        let order = try f.shop.orders.create(OrderRequest(items: [.init(productID: f.tea.id, quantity: 2)], contact: .sample), caller: me)
        _ = try f.shop.payments.create(orderID: order.id, amount: 100, method: .card, caller: me)
        _ = try f.shop.carts.add(productID: f.tea.id, quantity: 1, caller: me)
        let data = try f.shop.accounts.exportData(caller: me)
        #expect(data.profile.firstName == "Maya" && data.orders.map(\.id) == [order.id] && data.payments.count == 1 && data.cart.items.count == 1)
        #expect(data.sessions.count == 1 && data.sessions[0].endedAt == nil)
        let json = try JSONSerialization.jsonObject(with: AccountService.json(data)) as? [String: Any]
        #expect((json?["profile"] as? [String: Any])?["address"] as? String == "12 Elm St")
        #expect((json?["orders"] as? [Any])?.count == 1 && json?["remembered_ssh_keys"] != nil)
        expectError("sign_in_required") { try f.shop.accounts.exportData(caller: f.t.guest) }
    }

    @Test("deleting the account erases the person, blanks their orders' contact, ends sessions, and keeps the books")
    func delete() throws {
        let f = try CommerceFixture()
        let me = f.customer.caller
        _ = try f.shop.accounts.updateProfile(.init(firstName: "Maya", lastName: "Lee", address: "12 Elm St"), caller: me)
        try f.shop.accounts.setPhoto([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 1], contentType: "image/png", caller: me)
        let order = try f.shop.orders.create(OrderRequest(items: [.init(productID: f.tea.id, quantity: 2)], contact: .sample, paymentMethod: .cashOnDelivery), caller: me)
        expectError("confirmation_required") { try f.shop.accounts.deleteAccount(confirmation: "yes", password: nil, caller: me) }
        #expect(try f.shop.accounts.profile(caller: me).firstName == "Maya", "nothing erased without the confirmation")

        try f.shop.accounts.deleteAccount(confirmation: "DELETE", password: nil, caller: me)
        expectError("account_disabled", "the session is over") { try f.shop.accounts.profile(caller: me) }
        let row = try f.shop.store.read { db in
            try db.first("SELECT phone, first_name, last_name, address, active FROM users WHERE id = ?", f.customer.user.id) {
                [$0.optionalString("phone") ?? "", $0.string("first_name"), $0.string("last_name"), $0.string("address"), String($0.int64("active"))]
            }
        }
        #expect(row == ["", "", "", "", "0"])
        let kept = try f.shop.orders.order(id: order.id, caller: f.staff.caller)
        #expect(kept.total == 500 && kept.items.count == 1, "the order stays for the books")
        #expect(kept.firstName.isEmpty && kept.phone.isEmpty && kept.address.isEmpty, "without the person's contact")
        for table in ["token_families", "user_photos", "cart_items", "ssh_keys", "account_codes"] {
            #expect(try f.shop.store.read { try $0.scalarInt("SELECT count(*) FROM \(table) WHERE user_id = ?", f.customer.user.id) } == 0, "\(table)")
        }
        // The phone is free again: signing in by code makes a new, empty account.
        f.t.clock.advance(61)
        let again = try f.t.customer()
        #expect(again.user.isNew && again.user.id != f.customer.user.id)
    }

    @Test("a password account must give its password to be deleted")
    func deletePasswordAccount() throws {
        let t = try TestShop()
        let me = try t.shop.accounts.register(.init(username: "maya", email: "m@example.com", password: "s3cret-pass", passwordConfirm: "s3cret-pass", firstName: "M", lastName: "L"), caller: t.guest)
        expectError("wrong_password") { try t.shop.accounts.deleteAccount(confirmation: "DELETE", password: nil, caller: me.caller) }
        expectError("wrong_password") { try t.shop.accounts.deleteAccount(confirmation: "DELETE", password: "guess-guess", caller: me.caller) }
        try t.shop.accounts.deleteAccount(confirmation: "DELETE", password: "s3cret-pass", caller: me.caller)
        expectError("invalid_credentials") { try t.shop.accounts.login("maya", password: "s3cret-pass", caller: t.guest) }
    }
}
