import Foundation
import Testing
@testable import ShopEngine
@testable import ShopTUI

/// "Keys that tell the truth": every key the footer shows does something in the state it is
/// shown in. The walk visits every screen and state the driver tests reach; a new footer key
/// that does nothing there fails it.
@Suite("Footer keys tell the truth")
struct TruthfulKeysTests {
    /// The frame (text, styles, cursor) without the notice line: a key whose only effect is a
    /// notice did nothing; a key that moves a highlight changes only styles.
    static func body(_ app: ShopApp, width: Int, height: Int) -> Buffer {
        var buffer = Buffer(area: Rect(width: width, height: height))
        app.render(into: &buffer, area: buffer.area)
        buffer.fill(Rect(x: 0, y: 1, width: width, height: 1))
        return buffer
    }

    /// Presses each footer key on a copy of the app and checks that it changed the frame, the
    /// stack, or started an effect (effects are not run: the walk goes on from the original).
    static func footerKeysAct(_ d: AppDriver, _ state: String, sourceLocation: SourceLocation = #_sourceLocation) {
        guard let top = d.app.topScreen else { Issue.record("no screen", sourceLocation: sourceLocation); return }
        let footer = d.app.footerKeys()
        let keys = footer.screen + footer.globals
        #expect(!keys.isEmpty || top.isLoading, "\(state): a footer with no keys", sourceLocation: sourceLocation)
        let before = body(d.app, width: d.width, height: d.height)
        let signIn = d.session.signIn
        for binding in keys {
            // "↑↓ move" at the top of a list: up does nothing, down does; any key of the entry will do.
            var tries = binding.keys
            if binding.label.contains("↓") { tries.append(.down) }
            if binding.label.contains("-") { tries.append(.char("-")) }
            let acted = tries.contains { key in
                var copy = d.app
                let effects = copy.update(.key(key))
                // A key that signs out touches the shared session: put it back for the next key.
                if let signIn { d.session.signedIn(signIn) } else { d.session.signedOut() }
                return !effects.isEmpty || copy.isFinished || copy.depth != d.app.depth || body(copy, width: d.width, height: d.height) != before
            }
            #expect(acted, "\(state): footer key “\(binding.label) \(binding.help)” does nothing\n\(before.lines.joined(separator: "\n"))", sourceLocation: sourceLocation)
        }
    }

    /// The help overlay lists each key once and only keys the footer logic says are active.
    static func helpIsHonest(_ d: AppDriver, _ state: String, sourceLocation: SourceLocation = #_sourceLocation) {
        guard let top = d.app.topScreen else { return }
        let help = d.app.helpBindings(for: top)
        let keys = help.flatMap(\.keys)
        #expect(Set(keys).count == keys.count, "\(state): a key listed twice in help: \(help.map { "\($0.label) \($0.help)" })", sourceLocation: sourceLocation)
        if top.capturesText {
            let letters = d.app.activeGlobals(for: top).filter { $0.keys.contains { $0.isPrintable } }
            #expect(letters.isEmpty, "\(state): global letter keys listed while a field takes typing: \(letters.map(\.label))", sourceLocation: sourceLocation)
        }
    }

    /// At the driver's width the footer shows each entry whole, two spaces from the next, and
    /// says `more` when some were left out — which the help overlay then lists.
    static func footerFits(_ d: AppDriver, _ state: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let line = d.app.footerLine(width: d.width)
        let text = d.lines[d.height - 1]
        for b in line.left + line.right {
            let entry = "\(b.label) \(b.help)"
            let ok = text.hasPrefix(entry) || text.contains("  " + entry)
            #expect(ok, "\(state): footer entry “\(entry)” runs into its neighbour: \(text)", sourceLocation: sourceLocation)
        }
        if !line.omitted.isEmpty, let top = d.app.topScreen, d.app.pendingQuestion == nil {
            #expect(text.contains("? more") || text.contains("F1 more"), "\(state): keys left out without a word: \(text)", sourceLocation: sourceLocation)
            let help = d.app.helpBindings(for: top).map { "\($0.label) \($0.help)" }
            for b in line.omitted {
                #expect(help.contains("\(b.label) \(b.help)"), "\(state): “\(b.label) \(b.help)” is neither in the footer nor in help", sourceLocation: sourceLocation)
            }
        }
    }

    static func check(_ d: AppDriver, _ state: String, sourceLocation: SourceLocation = #_sourceLocation) {
        footerKeysAct(d, state, sourceLocation: sourceLocation)
        footerFits(d, state, sourceLocation: sourceLocation)
        helpIsHonest(d, state, sourceLocation: sourceLocation)
    }

    @Test("at 80 columns Browse's footer keeps entries apart, says ? more, and ? shows the rest")
    func narrowFooter() throws {
        let h = try AppHarness()
        let d = h.driver(width: 80, height: 24)
        let footer = d.lines[23]
        #expect(!footer.contains("only?"), "entries never run together: \(footer)")
        #expect(footer.contains("? more"), "\(footer)")
        let omitted = d.app.footerLine(width: 80).omitted
        #expect(!omitted.isEmpty)
        d.press(.char("?"))
        for b in omitted { #expect(d.text.contains("\(b.label)   \(b.help)") || d.text.contains(b.help), "help lists \(b.help)") }
        let wide = h.driver(width: 120, height: 30)
        #expect(wide.lines[29].contains("? help") && !wide.lines[29].contains("more"), "with room, everything shows")
    }

    @Test("the quick-sale receipt, where any key starts the next sale, lists neither ? help nor q quit")
    func receiptFooter() throws {
        let f = try StaffFixture()
        let d = AppDriver(f.session(f.staff))
        d.openStaff("Quick sale")
        d.scan("BREAD-SD")
        Self.check(d, "quick sale with a line")
        d.press(.function(5))
        Self.check(d, "quick sale: taking payment")
        d.press(.enter)
        #expect(d.text.contains("complete"))
        Self.check(d, "quick sale: receipt")
        let footer = d.lines[d.height - 1]
        #expect(!footer.contains("? help") && !footer.contains("q quit"), "? and q start the next sale here: \(footer)")
        d.press(.char("?"))
        let help = d.app.topScreen.map { d.app.helpBindings(for: $0).map(\.label) } ?? []
        #expect(!help.contains("q"), "help does not offer q where it types")
    }

    @Test("customer screens: every footer key acts in every state walked")
    func customerWalk() throws {
        let h = try AppHarness()
        let guest = h.driver(width: 80, height: 24)
        Self.check(guest, "browse (guest)")
        #expect(!guest.lines[23].contains("Esc"), "Esc has nowhere to go back to from Browse")
        guest.press(.char("/"))
        Self.check(guest, "browse searching")
        guest.press(.escape)
        guest.press(.char("p"))
        Self.check(guest, "sign in by phone")
        guest.press(.function(2))
        Self.check(guest, "sign in by password")

        let session = try h.customerSession()
        let d = h.driver(session, width: 80, height: 24)
        Self.check(d, "browse (customer)")
        d.press(.char("/")); d.type("tea"); d.press(.enter, .enter)
        Self.check(d, "product without variants")
        #expect(!d.lines[23].contains("variant"), "no variant keys without variants")
        d.press(.enter)           // add the tea
        d.press(.escape, .char("/"), .ctrl("u")); d.type("cake"); d.press(.enter, .enter)
        Self.check(d, "product with variants")
        #expect(d.lines[23].contains("variant"))
        d.press(.char("c"))
        Self.check(d, "cart")
        d.press(.enter)
        Self.check(d, "checkout")
        d.press(.escape, .escape, .char("o"))
        Self.check(d, "orders (none)")
        d.press(.char("p"))
        Self.check(d, "profile")

        let tea = try #require(h.products["TEA"]).id
        let pending = try h.shop.orders.create(OrderRequest(items: [.init(productID: tea, quantity: 1)], contact: .sample, paymentMethod: .card), caller: session.caller)
        let cancelled = try h.shop.orders.create(OrderRequest(items: [.init(productID: tea, quantity: 1)], contact: .sample, paymentMethod: .card), caller: session.caller)
        _ = try h.shop.orders.cancel(id: cancelled.id, caller: session.caller)
        d.press(.char("o"))
        Self.check(d, "orders")
        d.press(.enter)
        Self.check(d, "order detail (newest: cancelled)")
        #expect(!d.lines[23].contains("cancel"), "a cancelled order offers no cancel")
        d.press(.escape, .down, .enter)
        #expect(d.lines[0].contains(pending.number))
        Self.check(d, "order detail (pending)")
    }

    @Test("staff screens: every footer key acts in every state walked")
    func staffWalk() throws {
        let h = try AppHarness()
        let admin = try h.temporary.person("+15550008888", role: .admin)
        let session = Session(shop: h.shop)
        session.signedIn(admin)
        let tea = try #require(h.products["TEA"]).id
        let customer = try h.customerSession()
        let order = try h.shop.orders.create(OrderRequest(items: [.init(productID: tea, quantity: 1)], contact: .sample, paymentMethod: .card), caller: customer.caller)
        let d = h.driver(session, width: 80, height: 24)
        d.press(.char("s"))
        Self.check(d, "staff menu")
        for entry in ["Products", "Orders", "Dashboard", "Coupons", "Cash-up", "Users", "Quick sale"] {
            for _ in 0..<4 where d.app.depth > 1 { d.press(.escape) }
            d.openStaff(entry)
            Self.check(d, entry)
        }
        for _ in 0..<4 where d.app.depth > 1 { d.press(.escape) }
        d.openStaff("Orders")
        d.press(.enter)
        #expect(d.lines[0].contains(order.number))
        Self.check(d, "staff order detail (pending)")
        for status in [OrderStatus.paid, .sent, .delivered] {
            _ = try? h.shop.orders.updateStatus(id: order.id, to: status, caller: admin.caller)
            d.press(.escape, .enter)
            Self.check(d, "staff order detail (\(status.rawValue))")
        }
    }

    @Test("staff sub-screens and dialogs: every footer key acts in every state walked (stock, forms, ledger, payments, return, pickers, finder, outbox, confirm)")
    func staffDialogsWalk() throws {
        let f = try StaffFixture()
        let admin = try f.person("+15550108881", role: .admin)
        let customer = try f.person("+15550108882", role: .customer)
        let order = try f.shop.orders.create(OrderRequest(items: [.init(productID: f.bread.id, quantity: 2), .init(productID: f.butter.id, quantity: 1)],
                                                          contact: .sample, paymentMethod: .cash), caller: customer.caller)
        _ = try f.shop.payments.create(orderID: order.id, amount: order.total, method: .cash, completed: true, caller: f.staff.caller)
        _ = try f.shop.orders.updateStatus(id: order.id, to: .sent, caller: f.staff.caller)
        _ = try f.shop.orders.updateStatus(id: order.id, to: .delivered, caller: f.staff.caller)
        _ = try f.shop.orders.createCoupon(code: "TEN", kind: .percent, value: 10, caller: f.staff.caller)
        let d = AppDriver(f.session(admin, demo: true), width: 80, height: 24)
        func home() { for _ in 0..<6 where d.app.depth > 1 { d.press(.escape) } }

        d.openStaff("Products")
        d.press(.char("/"))
        Self.check(d, "products: searching")
        d.type("CAKE-CHOC"); d.press(.enter)
        d.press(.char("s"))
        Self.check(d, "stock dialog: choosing a variant")
        d.press(.enter)
        Self.check(d, "stock dialog: change and reason")
        d.press(.escape, .char("l"))
        Self.check(d, "stock ledger")
        d.press(.escape, .char("x"))
        Self.check(d, "confirm prompt: remove product")
        d.press(.char("n"), .char("a"))
        Self.check(d, "product form (new)")
        home()

        d.openStaff("Orders")
        d.press(.enter)
        d.press(.char("m"))
        Self.check(d, "order payments")
        d.press(.escape, .char("t"))
        Self.check(d, "return: choosing")
        d.press(.char("a"), .enter)
        Self.check(d, "return: confirm prompt")
        d.press(.char("y"))
        Self.check(d, "return: done")
        home()

        d.openStaff("Coupons")
        d.press(.char("n"))
        Self.check(d, "coupon form")
        home()

        d.openStaff("Users")
        d.press(.char("/"))
        Self.check(d, "users: searching")
        d.press(.escape, .char("f"))
        Self.check(d, "users: photo path")
        home()

        d.openStaff("Messages outbox")
        Self.check(d, "outbox (demo)")
        home()

        d.openStaff("Quick sale")
        d.press(.function(2))
        Self.check(d, "quick sale: finding a customer")
        d.press(.escape)
        d.scan("CAKE-CHOC")
        Self.check(d, "quick sale: choosing a variant")
        d.press(.enter)
        d.scan("bread")
        Self.check(d, "quick sale: choosing a product by name")
        d.press(.enter)
        d.press(.escape)
        Self.check(d, "quick sale: confirm discarding the sale")
    }

    @Test("customer dialogs: every footer key acts on the code step, register, password reset, profile forms and the cart's confirm prompt")
    func customerDialogsWalk() throws {
        let h = try AppHarness()
        let guest = h.driver(width: 80, height: 24)
        guest.press(.char("p"))
        guest.type("+15550104040"); guest.press(.enter)
        Self.check(guest, "sign in: code step")
        guest.press(.escape, .function(3))
        Self.check(guest, "register")
        guest.press(.function(2), .function(2), .function(4))
        #expect(guest.text.contains("Forgotten password") || guest.lines[0].contains("Forgotten"), "\(guest.text)")
        Self.check(guest, "password reset: login")

        let session = try h.customerSession()
        let d = h.driver(session, width: 80, height: 24)
        d.press(.char("/")); d.type("tea"); d.press(.enter, .enter, .enter)   // one tea in the cart
        d.press(.char("c"), .char("x"))
        Self.check(d, "cart: confirm removing a line")
        d.press(.char("n"), .char("p"), .char("e"))
        Self.check(d, "profile: editing")
        d.press(.escape, .char("w"))
        Self.check(d, "profile: password")
    }
}
