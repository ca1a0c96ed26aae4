import Foundation
import Testing
@testable import ShopEngine

/// `orders.validate`: every problem with the details in one call, nothing written, the same
/// rules as placing the order.
@Suite("Checking an order's details before placing it")
struct OrderValidationTests {
    @Test("a bad email, a past delivery date and an unknown coupon come back together, each under its field, and nothing is written")
    func everyProblemAtOnce() throws {
        let f = try CommerceFixture()
        let me = f.customer.caller
        var contact = Contact.sample
        contact.email = "maya@@example"
        contact.deliveryDate = "2020-01-01"
        let problems = try f.shop.orders.validate(contact, coupon: "NOPE", caller: me)
        #expect(problems.map(\.field) == ["email", "delivery_date", "coupon"])
        #expect(problems.map(\.code) == ["invalid_email", "invalid_delivery_date", "invalid_coupon"])
        #expect(try f.shop.orders.list(caller: me).items.isEmpty)
    }

    @Test("good details and a valid coupon pass without using the coupon; a used-up coupon is named")
    func goodDetailsPass() throws {
        let f = try CommerceFixture()
        _ = try f.shop.orders.createCoupon(code: "ONCE", kind: .percent, value: 10, maxUses: 1, caller: f.staff.caller)
        #expect(try f.shop.orders.validate(.sample, coupon: "ONCE", caller: f.customer.caller).isEmpty)
        #expect(try f.shop.orders.coupons(caller: f.staff.caller).first { $0.code == "ONCE" }?.usedCount == 0)
        _ = try f.shop.carts.add(productID: f.tea.id, quantity: 1, caller: f.customer.caller)
        _ = try f.shop.orders.create(OrderRequest(contact: .sample, coupon: "ONCE"), caller: f.customer.caller)
        #expect(try f.shop.orders.validate(.sample, coupon: "ONCE", caller: f.customer.caller).map(\.code) == ["coupon_used_up"])
    }

    @Test("missing required fields are all named")
    func missingFields() throws {
        let f = try CommerceFixture()
        let problems = try f.shop.orders.validate(Contact(), caller: f.customer.caller)
        #expect(problems.map(\.field) == ["first_name", "last_name", "phone", "address"])
    }
}

@Suite("Customers added at the counter")
struct CounterCustomerTests {
    @Test("staff add a customer by phone and name; the phone stays pending until its owner signs in by code, into that account")
    func addedCustomerIsClaimedByThePhonesOwner() throws {
        let f = try CommerceFixture()
        let added = try f.shop.admin.createCustomer(phone: "+15550109999", firstName: "Maya", lastName: "Lee", caller: f.staff.caller)
        #expect(added.displayName == "Maya Lee")
        #expect(!added.phoneVerified)
        #expect(try f.shop.admin.findCustomer(phone: "+15550109999", caller: f.staff.caller).items.map(\.id) == [added.id])
        expectError("customer_exists") { try f.shop.admin.createCustomer(phone: "+15550109999", firstName: "Other", caller: f.staff.caller) }
        expectError("forbidden") { try f.shop.admin.createCustomer(phone: "+15550109998", firstName: "X", caller: f.customer.caller) }
        expectError("missing_first_name") { try f.shop.admin.createCustomer(phone: "+15550109997", firstName: " ", caller: f.staff.caller) }
        let request = try f.shop.accounts.requestCode(phone: "+15550109999", caller: .guest())
        let code = try #require(f.t.lastCode(to: "+15550109999"))
        let owner = try f.shop.accounts.verifyCode(requestID: request.requestId, code: code, caller: .guest())
        #expect(owner.user.phoneVerified)
        #expect(owner.user.id == added.id, "the owner signs in to the customer the counter added")
        #expect(owner.user.displayName == "Maya Lee")
        #expect(try f.shop.admin.findCustomer(phone: "+15550109999", caller: f.staff.caller).items.map(\.id) == [added.id])
    }

    @Test("a phone waiting on a password account is not claimed by a code sign-in: its owner gets their own account")
    func passwordAccountIsNotClaimed() throws {
        let f = try CommerceFixture()
        let registered = try f.shop.accounts.register(AccountService.Registration(username: "maya.lee", email: "maya@example.com", password: "correct horse battery",
                                                                                     passwordConfirm: "correct horse battery", firstName: "Maya", lastName: "Lee", phone: "+15550109996"), caller: .guest())
        #expect(!registered.user.phoneVerified)
        let request = try f.shop.accounts.requestCode(phone: "+15550109996", caller: .guest())
        let code = try #require(f.t.lastCode(to: "+15550109996"))
        let owner = try f.shop.accounts.verifyCode(requestID: request.requestId, code: code, caller: .guest())
        #expect(owner.user.id != registered.user.id)
        #expect(owner.user.isNew)
    }
}
