import Foundation
import Testing
@testable import ShopTUI
import ShopEngine

@Suite("A role changed elsewhere")
struct StaffDemotionTests {
    @Test("staff demoted by an admin in another process no longer see an archived product in the catalog list once it reloads")
    func demotedStaffCatalog() throws {
        let f = try StaffFixture()
        // Butter was ordered, so removing it archives it.
        let customer = try f.person("+15550100901", role: .customer)
        _ = try f.shop.orders.create(OrderRequest(items: [.init(productID: f.butter.id, quantity: 1)], contact: .sample), caller: customer.caller)
        #expect(try f.shop.catalog.delete(id: f.butter.id, caller: f.staff.caller) == .archived)

        let app = AppDriver(f.session(f.staff), width: 100, height: 30)
        app.openStaff("Products")
        #expect(app.lines.contains { $0.contains("Butter") && $0.contains("archived") }, "\(app.text)")

        // An admin in another process (another Shop on the same file) makes them a customer.
        let other = try f.temporary.openAgain()
        _ = try other.admin.localSetRole(phone: "+15550100999", role: .admin)
        let admin = try other.admin.localSignIn(phone: "+15550100999")
        _ = try other.admin.updateUser(id: f.staff.user.id, .init(role: .customer), caller: admin.caller)

        // The list reloads (a search): the engine refuses by the role now, and the rows shown
        // to the staff member they were go.
        app.press(.char("/"))
        app.type("b")
        app.press(.enter)
        let lines = app.screen()
        #expect(!lines.contains { $0.contains("Butter") }, "\(lines.joined(separator: "\n"))")
        #expect(!lines.contains { $0.contains("Sourdough bread") }, "nothing from the staff list stays")
        #expect(lines.contains { $0.contains("You are not allowed to do this") })

        // The customer catalog never lists it.
        app.press(.escape, .escape, .char("b"))
        #expect(app.text.contains("Sourdough bread"), "\(app.text)")
        #expect(!app.text.contains("Butter"), "\(app.text)")
    }

    @Test("a demoted staff member's dashboard drops today's takings and the low-stock list when it refreshes")
    func demotedStaffDashboard() throws {
        let f = try StaffFixture()
        let app = AppDriver(f.session(f.staff), width: 100, height: 30)
        app.openStaff("Dashboard")
        #expect(app.text.contains("Butter"), "low stock shown to staff: \(app.text)")
        let other = try f.temporary.openAgain()
        _ = try other.admin.localSetRole(phone: "+15550100997", role: .admin)
        let admin = try other.admin.localSignIn(phone: "+15550100997")
        _ = try other.admin.updateUser(id: f.staff.user.id, .init(role: .customer), caller: admin.caller)
        app.press(.char("r"))
        #expect(!app.text.contains("Butter"), "\(app.text)")
        #expect(!app.text.contains("Today"), "\(app.text)")
        #expect(app.text.contains("You are not allowed to do this"))
    }

    @Test("a demoted staff member opening an archived product's detail gets not found, not the product")
    func demotedStaffProductDetail() throws {
        let f = try StaffFixture()
        let customer = try f.person("+15550100902", role: .customer)
        _ = try f.shop.orders.create(OrderRequest(items: [.init(productID: f.butter.id, quantity: 1)], contact: .sample), caller: customer.caller)
        #expect(try f.shop.catalog.delete(id: f.butter.id, caller: f.staff.caller) == .archived)
        let session = f.session(f.staff)
        var detail = ScreenDriver(ProductScreen(productID: f.butter.id, name: "Butter"), session: session)
        #expect(detail.text.contains("275") || detail.text.contains("2.75"), "staff see the archived product: \(detail.text)")

        let other = try f.temporary.openAgain()
        _ = try other.admin.localSetRole(phone: "+15550100998", role: .admin)
        let admin = try other.admin.localSignIn(phone: "+15550100998")
        _ = try other.admin.updateUser(id: f.staff.user.id, .init(role: .customer), caller: admin.caller)

        detail = ScreenDriver(ProductScreen(productID: f.butter.id, name: "Butter"), session: session)
        #expect(detail.notice?.kind == .error, "\(detail.text)")
        #expect(!detail.text.contains("2.75"), "\(detail.text)")
    }
}
