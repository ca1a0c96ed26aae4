import Foundation
import Testing
@testable import ShopEngine
@testable import ShopTUI

/// "Page by the visible height on every list": each list screen, filled past a page, is paged
/// with PgDn/PgUp and sent to its ends with Home/End at 80×24 and 120×40, judged from the frame
/// alone — so a list that pages by a fixed count, or not at all, fails here.
@Suite("Every list pages by the rows it shows")
struct ListPagingTests {
    static let sizes = [(80, 24), (120, 40)]

    /// The highlighted row's text (nil: nothing highlighted).
    static func highlighted(_ d: AppDriver) -> (y: Int, text: String)? {
        let frame = d.frame()
        let lines = frame.lines
        for y in 2..<(d.height - 1) where (0..<d.width).contains(where: { frame[$0, y].style == Theme.selection }) {
            return (y, lines[y].trimmingCharacters(in: .whitespaces))
        }
        return nil
    }

    /// PgDn from the first row lands on the first row that was not shown, at the bottom of the
    /// table (the row above it was the last one shown); PgUp comes back; End goes past every
    /// row shown; Home comes back to the first.
    static func pages(_ d: AppDriver, _ name: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let before = d.lines.map { $0.trimmingCharacters(in: .whitespaces) }
        guard let first = highlighted(d) else { Issue.record("\(name): no highlighted row\n\(d.text)", sourceLocation: sourceLocation); return }
        d.press(.pageDown)
        guard let paged = highlighted(d) else { Issue.record("\(name): no highlight after PgDn", sourceLocation: sourceLocation); return }
        #expect(!before.contains(paged.text), "\(name) \(d.width)×\(d.height): PgDn lands on the first row not shown before, not on “\(paged.text)”", sourceLocation: sourceLocation)
        let above = d.lines[paged.y - 1].trimmingCharacters(in: .whitespaces)
        #expect(before.contains(above), "\(name) \(d.width)×\(d.height): PgDn moved more than a page (“\(above)” was not shown)", sourceLocation: sourceLocation)
        d.press(.pageUp)
        #expect(highlighted(d)?.text == first.text, "\(name): PgUp comes back a page", sourceLocation: sourceLocation)
        d.press(.end)
        let end = highlighted(d)
        #expect(end != nil && !before.contains(end!.text), "\(name): End goes past every row shown", sourceLocation: sourceLocation)
        d.press(.home)
        #expect(highlighted(d)?.text == first.text, "\(name): Home goes back to the first row", sourceLocation: sourceLocation)
        d.press(.char("?"))
        #expect(d.text.contains("PgUp/PgDn") && d.text.contains("Home/End"), "\(name): help lists the paging keys", sourceLocation: sourceLocation)
        d.press(.escape)
    }

    @Test("Browse, staff Products, Orders (staff and customer), Users, Coupons, the dashboard's orders to send, the stock ledger and the cart page by their visible rows at 80×24 and 120×40")
    func everyListPages() throws {
        let f = try StaffFixture()
        let shop = f.shop
        let admin = try f.person("+15550109999", role: .admin)
        let customer = try f.person("+15550108888", role: .customer)
        var items: [Product] = []
        for i in 0..<45 {
            items.append(try shop.catalog.create(ProductDraft(sku: String(format: "ITEM%02d", i), name: String(format: "Item %02d", i), category: "Shop", price: 100, stock: 50), caller: f.staff.caller))
        }
        for i in 0..<45 {
            let order = try shop.orders.create(OrderRequest(items: [.init(productID: items[i].id, quantity: 1)], contact: .sample, paymentMethod: .cash), caller: customer.caller)
            _ = try shop.payments.create(orderID: order.id, amount: order.total, method: .cash, completed: true, caller: f.staff.caller)   // at most 5 unpaid
            _ = try shop.admin.createCustomer(phone: String(format: "+155501070%02d", i), firstName: String(format: "Person%02d", i), caller: admin.caller)
            _ = try shop.orders.createCoupon(code: String(format: "SAVE%02d", i), kind: .percent, value: 5, caller: f.staff.caller)
            _ = try shop.catalog.adjustStock(productID: f.bread.id, delta: 1, reason: String(format: "count %02d", i), caller: f.staff.caller)
            _ = try shop.carts.add(productID: items[i].id, quantity: 1, caller: customer.caller)
        }
        for (width, height) in Self.sizes {
            let guest = AppDriver(f.session(nil), width: width, height: height)
            Self.pages(guest, "Browse")

            let staff = AppDriver(f.session(admin), width: width, height: height)
            for entry in ["Products", "Orders", "Users", "Coupons", "Dashboard"] {
                for _ in 0..<3 where staff.app.depth > 1 { staff.press(.escape) }
                staff.openStaff(entry)
                Self.pages(staff, entry)
            }
            for _ in 0..<3 where staff.app.depth > 1 { staff.press(.escape) }
            staff.openStaff("Products")
            staff.press(.char("/")); staff.type("BREAD-SD"); staff.press(.enter)
            staff.press(.char("l"))
            #expect(staff.lines[0].contains("Sourdough"), "\(staff.lines[0])")
            Self.pages(staff, "Stock ledger")

            let shopper = AppDriver(f.session(customer), width: width, height: height)
            shopper.press(.char("c"))
            Self.pages(shopper, "Cart")
            shopper.press(.char("o"))
            Self.pages(shopper, "My orders")
        }
    }

    @Test("the quick sale's lines page up by the rows the table shows (Home/End stay with the code field)")
    func quickSaleLinesPage() throws {
        let f = try StaffFixture()
        for i in 0..<40 {
            _ = try f.shop.catalog.create(ProductDraft(sku: String(format: "ITEM%02d", i), name: String(format: "Item %02d", i), category: "Shop", price: 100, stock: 50), caller: f.staff.caller)
        }
        for (width, height) in Self.sizes {
            let d = AppDriver(f.session(f.staff), width: width, height: height)
            d.openStaff("Quick sale")
            for i in 0..<40 { d.scan(String(format: "ITEM%02d", i)) }
            let before = d.lines.map { $0.trimmingCharacters(in: .whitespaces) }
            #expect(Self.highlighted(d)?.text.hasPrefix("Item 39") == true, "the last line scanned is chosen")
            d.press(.pageUp)
            guard let paged = Self.highlighted(d) else { Issue.record("no highlight after PgUp"); continue }
            #expect(!before.contains(paged.text), "\(width)×\(height): PgUp lands on the first line above the ones shown, not “\(paged.text)”")
            #expect(before.contains(d.lines[paged.y + 1].trimmingCharacters(in: .whitespaces)), "\(width)×\(height): PgUp moved more than a page")
            d.press(.pageDown)
            #expect(Self.highlighted(d)?.text.hasPrefix("Item 39") == true, "PgDn comes back")
        }
    }
}
