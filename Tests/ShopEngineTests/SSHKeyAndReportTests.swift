import Foundation
import Testing
@testable import ShopEngine

@Suite("Remembered SSH keys and staff reports")
struct SSHKeyAndReportTests {
    // A real ed25519 public key blob (from ssh-keygen), as sshd writes it with ExposeAuthInfo.
    let authInfo = "publickey ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl\n"

    @Test("the key in sshd's auth info gets the fingerprint ssh-keygen prints")
    func fingerprint() throws {
        let key = try #require(SSHPublicKey.fromAuthInfo(authInfo))
        #expect(key.type == "ssh-ed25519")
        #expect(key.fingerprint == "SHA256:+DiY3wvvV6TuJJhbpZisF/zLDA0zPMSvHdkr4UvCOqU", "as ssh-keygen -lf prints it")
        #expect(SSHPublicKey.fromAuthInfo("password\n") == nil)
        #expect(SSHPublicKey.fromAuthInfo("publickey ssh-ed25519 !!!notbase64") == nil)
    }

    @Test("a remembered key signs its owner in; it is never shared; it can be forgotten")
    func remember() throws {
        let t = try TestShop()
        let key = try #require(SSHPublicKey.fromAuthInfo(authInfo))
        let me = try t.customer("+15550001111")
        #expect(try t.shop.accounts.signIn(sshKey: key, clientAddress: "x") == nil)
        try t.shop.accounts.rememberKey(key, caller: me.caller)
        #expect(try t.shop.accounts.signIn(sshKey: key, clientAddress: "x")?.user.id == me.user.id)
        t.clock.advance(61)
        let other = try t.customer("+15550002222")
        expectError("key_taken") { try t.shop.accounts.rememberKey(key, caller: other.caller) }
        #expect(try t.shop.accounts.rememberedKeys(caller: me.caller).map(\.fingerprint) == [key.fingerprint])
        expectError("not_found") { try t.shop.accounts.forgetKey(fingerprint: key.fingerprint, caller: other.caller) }
        try t.shop.accounts.forgetKey(fingerprint: key.fingerprint, caller: me.caller)
        #expect(try t.shop.accounts.signIn(sshKey: key, clientAddress: "x") == nil)
    }

    @Test("the day summary totals completed payments per method; the packing list holds paid orders")
    func reports() throws {
        let t = try TestShop()
        t.clock.set(Int64(Date().timeIntervalSince1970))
        let staff = try t.staff(), customer = try t.customer()
        let tea = try t.shop.catalog.create(ProductDraft(sku: "T", name: "Tea", price: 500, stock: 10), caller: staff.caller)
        let a = try t.shop.orders.create(OrderRequest(items: [.init(productID: tea.id, quantity: 2)], contact: .sample), caller: customer.caller)
        _ = try t.shop.payments.create(orderID: a.id, amount: 600, method: .cash, tendered: 1000, completed: true, caller: staff.caller)
        _ = try t.shop.payments.create(orderID: a.id, amount: 400, method: .card, completed: true, caller: staff.caller)
        let b = try t.shop.orders.create(OrderRequest(items: [.init(productID: tea.id, quantity: 1)], contact: .sample), caller: customer.caller)
        _ = try t.shop.payments.create(orderID: b.id, amount: 500, method: .card, caller: customer.caller) // still pending
        let day = try t.shop.reports.day(caller: staff.caller)
        #expect(day.total == 1000)
        #expect(day.byMethod.map(\.method) == [.card, .cash])
        #expect(day.byMethod.first { $0.method == .cash }?.amount == 600)
        #expect(day.ordersPlaced == 2)
        #expect(try t.shop.reports.awaitingDispatch(caller: staff.caller).map(\.id) == [a.id])
        expectError("forbidden") { try t.shop.reports.day(caller: customer.caller) }
        expectError("invalid_day") { try t.shop.reports.day("yesterday", caller: staff.caller) }
    }
}
