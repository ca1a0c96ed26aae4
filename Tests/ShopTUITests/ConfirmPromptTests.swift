import Foundation
import Testing
@testable import ShopEngine
@testable import ShopTUI

/// "One keypress that is not trivially reversible asks first": role changes, deactivations,
/// marking an order sent or delivered, removing a cart line, all through one `ConfirmPrompt`
/// drawn on a line of its own.
@Suite("Keys that cannot be taken back ask first")
struct ConfirmPromptTests {
    @Test("the prompt answers y, n and Esc and leaves other keys undecided")
    func answers() {
        let prompt = ConfirmPrompt(question: "Remove it?", yes: "remove")
        #expect(prompt.answer(.char("y")) == .yes)
        #expect(prompt.answer(.char("n")) == .no)
        #expect(prompt.answer(.escape) == .no)
        #expect(prompt.answer(.char("r")) == .undecided)
        #expect(prompt.bindings.map(\.label) == ["y", "n/Esc"])
    }

    @Test("r on a user asks before the role changes; n keeps it; the list stays in view above the question")
    func roleChangeAsks() throws {
        let f = try StaffFixture()
        let customer = try f.person("+15550101234", role: .customer)
        let admin = try f.person("+15550100999", role: .admin)
        let app = AppDriver(f.session(admin))
        app.openStaff("Users")
        app.press(.char("/")); app.type("0101234"); app.press(.enter)
        app.press(.char("r"))
        #expect(app.app.pendingQuestion == "Change \(customer.user.displayName)'s role from customer to staff?")
        let lines = app.lines
        #expect(lines[app.height - 2].contains("? Change") && lines[app.height - 2].contains("y make staff"), "the question has its own line above the footer")
        #expect(lines.contains { $0.contains("+15550101234") && $0.contains("customer") }, "the row it is about is still visible")
        #expect(lines[app.height - 1].hasPrefix("y make staff  n/Esc keep as is"), "the footer lists only the answers: \(lines[app.height - 1])")
        app.press(.char("r"), .char("q"))
        #expect(app.app.pendingQuestion != nil && !app.app.isFinished, "other keys wait on the question")
        app.press(.char("n"))
        #expect(try f.shop.admin.listUsers(query: "0101234", caller: admin.caller).items[0].role == .customer)
        app.press(.char("a"))
        #expect(app.app.pendingQuestion?.hasPrefix("Deactivate") == true)
        app.press(.escape)
        #expect(try f.shop.admin.listUsers(query: "0101234", caller: admin.caller).items[0].active)
        #expect(app.lines[0].contains("Users"), "Esc answered the question; it did not leave the screen")
    }

    @Test("n twice on an order asks each time: sent, then delivered, never both by accident")
    func markSentAsks() throws {
        let f = try StaffFixture()
        let customer = try f.person("+15550101234", role: .customer)
        let order = try f.shop.orders.create(OrderRequest(items: [.init(productID: f.bread.id, quantity: 1)], contact: .sample, paymentMethod: .cashOnDelivery), caller: customer.caller)
        let app = AppDriver(f.session(f.staff))
        app.openStaff("Orders")
        app.press(.enter)
        app.press(.char("n"), .char("n"))
        #expect(try f.shop.orders.order(id: order.id, caller: f.staff.caller).status == .pending, "n, n: asked and declined")
        app.press(.char("n"))
        #expect(app.app.pendingQuestion == "Mark order \(order.number) sent?")
        app.press(.char("y"))
        #expect(try f.shop.orders.order(id: order.id, caller: f.staff.caller).status == .sent)
        app.press(.char("n"))
        #expect(app.app.pendingQuestion == "Mark order \(order.number) delivered?")
        app.press(.escape)
        #expect(try f.shop.orders.order(id: order.id, caller: f.staff.caller).status == .sent)
    }
}
