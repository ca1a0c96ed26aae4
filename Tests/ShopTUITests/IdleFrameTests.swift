import Testing
@testable import ShopTUI
@testable import ShopEngine

/// An idle session must cost next to nothing: the once-a-second tick (and the change check it
/// starts) redraws only a screen that shows the time (a countdown) or a notice running out. A
/// skipped frame must never leave the screen stale, so every screen is checked: when nothing
/// asked for a frame, drawing anyway shows exactly what is already there, a minute later.
@Suite("Idle frames")
struct IdleFrameTests {
    @Test("on every customer and staff screen, a tick skips the frame only when drawing it would change nothing")
    func skippedFramesAreNeverStale() throws {
        let f = try StaffFixture()
        let clock = ManualClock()
        let session = Session(shop: f.shop, settings: SessionSettings(receiptDirectory: f.receiptDirectory), clock: clock)
        session.signedIn(f.staff)
        let d = AppDriver(session)
        var skipped: [String] = [], drawn: [String] = []
        func idle(_ place: String) {
            for _ in 0..<10 { d.tick() }   // notices raised on the way here (8 ticks at most) run out
            let shown = d.text, asked = d.framesAsked
            clock.advance(61)
            d.tick()
            d.tick()   // the change check's answer comes on every second tick
            if d.framesAsked > asked { drawn.append(place); return }
            skipped.append(place)
            #expect(d.text == shown, "\(place): the tick skipped the frame, but the screen is no longer what a redraw shows")
        }
        for key: Character in ["b", "c", "o", "p"] {
            d.press(.char("b")); d.press(.char(key))
            idle("key \(key)")
        }
        for entry in 0..<8 {
            d.press(.escape, .escape, .escape); d.press(.char("s"))   // back out of the screen (a sale takes typed keys)
            for _ in 0..<entry { d.press(.down) }
            d.press(.enter)
            idle("staff menu entry \(entry): \(d.lines[0].trimmingCharacters(in: .whitespaces))")
        }
        // On PostgreSQL too: the change counter is this database's, other tests' writes do not move it.
        #expect(skipped.contains("key b"), "an idle Browse screen draws nothing: \(drawn)")
        #expect(drawn.contains { $0.contains("Cash-up") || $0.contains("Cash up") }, "the cash-up report shows the time it is printed: drawn \(drawn), skipped \(skipped)")
    }

    @Test("the sign-in code's countdown redraws on every tick")
    func countdownRedraws() throws {
        let h = try AppHarness()
        let clock = ManualClock()
        let d = h.driver(Session(shop: h.shop, clock: clock))
        d.press(.char("p"))
        d.type("+15550007373"); d.press(.enter)
        #expect(d.text.contains("expires in 5:00"))
        clock.advance(1)
        let asked = d.framesAsked
        d.tick()
        #expect(d.framesAsked > asked)
        #expect(d.text.contains("expires in 4:59"))
    }
}
