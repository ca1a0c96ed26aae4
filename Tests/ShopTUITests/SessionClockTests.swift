import Testing
@testable import ShopTUI
@testable import ShopEngine

/// Time and store settings come from the session, not from render or handle: a test moves an
/// injected clock and sees countdowns change without sleeping, and a renamed store shows once
/// the periodic re-read (an effect) brings it.
@Suite("Session time and store settings")
struct SessionClockTests {
    @Test("the sign-in countdowns follow the session's clock: code expiry and 'new code in N s', without real sleeps")
    func signInCountdownFollowsClock() throws {
        let h = try AppHarness()
        let clock = ManualClock()
        let d = h.driver(Session(shop: h.shop, clock: clock))
        d.press(.char("p"))
        d.type("+15550007171"); d.press(.enter)
        #expect(d.text.contains("expires in 5:00"))
        #expect(d.text.contains("New code possible in 60 s"))

        clock.advance(15)
        #expect(d.text.contains("expires in 5:00"), "nothing moves until the next event")
        d.tick()
        #expect(d.text.contains("expires in 4:45"))
        #expect(d.text.contains("New code possible in 45 s"))
        d.press(.char("r"))
        #expect(d.text.contains("You can ask for a new code in 45 s"))

        clock.advance(46)
        d.tick()
        #expect(d.text.contains("expires in 3:59"))
        #expect(d.text.contains("Did not get it? Press r for a new code"))

        clock.advance(240)
        d.tick()
        #expect(d.text.contains("expired — press r for a new code"))
    }

    @Test("the phone step's 'a new one in N s' counts down on the session's clock and then invites Enter")
    func phoneStepWaitFollowsClock() throws {
        let h = try AppHarness()
        let phone = "+15550007272"
        _ = try h.shop.accounts.requestCode(phone: phone, caller: .guest(address: "203.0.113.7"))
        let clock = ManualClock()
        let d = h.driver(Session(shop: h.shop, clock: clock))
        d.press(.char("p"))
        d.type(phone); d.press(.enter)
        let first = try #require(d.lines.first { $0.contains("A new one in") })
        clock.advance(10)
        d.tick()
        let later = try #require(d.lines.first { $0.contains("A new one in") })
        #expect(first != later, "the wait went down by the 10 s the clock moved")
        clock.advance(60)
        d.tick()
        #expect(d.text.contains("Press Enter for a new code."))
    }

    @Test("the header shows the store name read at the start; a rename shows after the periodic re-read, not on the next frame")
    func storeNameRefreshes() throws {
        let h = try AppHarness()
        let d = h.driver()
        #expect(d.lines[0].hasPrefix(" Shop › Browse"))
        _ = try h.shop.store.write { try $0.run("INSERT INTO settings(key, value) VALUES ('store_name', 'Corner Bakery') ON CONFLICT(key) DO UPDATE SET value = excluded.value") }
        d.press(.down)
        #expect(d.lines[0].hasPrefix(" Shop › Browse"), "frames and keys do not query the store")
        for _ in 1..<ShopApp.settingsRefreshTicks { d.tick() }
        #expect(d.lines[0].hasPrefix(" Shop › Browse"))
        d.tick()
        #expect(d.lines[0].hasPrefix(" Corner Bakery › Browse"))
    }

    @Test("the cash-up report says when it was printed by the session's clock")
    func cashUpPrintedAtSessionTime() throws {
        let f = try StaffFixture()
        let clock = ManualClock(1_800_000_000)
        let session = Session(shop: f.shop, settings: SessionSettings(receiptDirectory: f.receiptDirectory), clock: clock)
        session.signedIn(f.staff)
        let d = AppDriver(session)
        d.openStaff("Cash-up")
        #expect(d.text.contains("Printed \(Format.timestamp(1_800_000_000))"))
        clock.advance(3 * 3600)
        d.tick()
        #expect(d.text.contains("Printed \(Format.timestamp(1_800_000_000 + 3 * 3600))"))
    }
}

@Suite("Engine codes in the TUI")
struct EngineCodeTests {
    @Test("the cart marks each line's problem by the engine's codes: short of stock, sold out, no longer sold")
    func cartLineProblems() throws {
        let h = try AppHarness()
        let session = try h.customerSession()
        let staff = h.staff.caller
        let tea = h.products["TEA"]!, sangak = h.products["SANGAK"]!, cake = h.products["CAKE"]!
        _ = try h.shop.carts.add(productID: tea.id, quantity: 4, caller: session.caller)
        _ = try h.shop.carts.add(productID: sangak.id, quantity: 2, caller: session.caller)
        _ = try h.shop.carts.add(productID: cake.id, variantID: cake.variants[0].id, quantity: 1, caller: session.caller)
        _ = try h.shop.catalog.adjustStock(productID: tea.id, variantID: nil, delta: -8, reason: "count", caller: staff)      // 10 → 2
        _ = try h.shop.catalog.adjustStock(productID: sangak.id, variantID: nil, delta: -3, reason: "count", caller: staff)   // 3 → 0
        _ = try h.shop.catalog.update(id: cake.id, ProductChanges(active: false), caller: staff)
        let problems = try h.shop.carts.cart(caller: session.caller).items.map(\.problem)
        #expect(problems.sorted { ($0 ?? "") < ($1 ?? "") } == [ShopError.Code.outOfStock, ShopError.Code.shortStock, ShopError.Code.unavailable])

        let d = h.driver(session)
        d.press(.char("c"))
        let rows = d.lines
        #expect(rows.contains { $0.contains("Black tea") && $0.contains("only 2 left") })
        #expect(rows.contains { $0.contains("sold out") })
        #expect(rows.contains { $0.contains("Chocolate cake") && $0.contains("no longer sold") })
    }
}
