import Foundation
import Testing
@testable import ShopTUI
import ShopEngine

/// Drives the real `ShopApp` without a terminal: each key goes through `update`, and every
/// effect it starts runs to completion (its result fed back) before the next key — what the
/// runner does, without timing. With `holdsEffects`, effects wait in `pending` instead (to
/// press keys while lookups are still running).
///
/// Time is the driver's own clock, never a real sleep: delayed effects (`Effect.after`, e.g.
/// the search debounce) run at once, as if the clock jumped ahead — or, with `holdsTimers`,
/// wait until `advance(by:)` moves the clock past them.
final class AppDriver {
    private(set) var app: ShopApp
    let session: Session
    let width: Int, height: Int
    private var pending: [Effect<AppMessage>] = []
    var holdsEffects = false
    var holdsTimers = false
    /// Seconds on the driver's clock since it started.
    private(set) var now: Double = 0
    private var timers: [(due: Double, effect: Effect<AppMessage>)] = []

    init(_ session: Session, width: Int = 80, height: Int = 24) {
        self.session = session
        self.width = width
        self.height = height
        app = ShopApp(session: session)
        deliver(app.update(.resize(width: width, height: height)))
    }

    func press(_ keys: Key...) { for key in keys { deliver(app.update(.key(key))) } }
    func tick() { deliver(update(.tick)) }
    /// Ticks and messages whose update asked for a frame (`Program.eventChangedFrame`): the
    /// frames the runner would draw for them.
    private(set) var framesAsked = 0

    private func update(_ event: Event<AppMessage>) -> [Effect<AppMessage>] {
        let effects = app.update(event)
        if app.eventChangedFrame { framesAsked += 1 }
        return effects
    }
    func type(_ text: String) { for ch in text { press(.char(ch)) } }
    /// What a barcode scanner does: the digits, then Enter.
    func scan(_ code: String) { type(code); press(.enter) }

    var pendingCount: Int { pending.count }

    /// Runs every waiting effect, and the effects their results start, until none is left.
    func settle() {
        var rounds = 0
        while !pending.isEmpty {
            rounds += 1
            if rounds > 1_000 { Issue.record("effects keep starting effects: a loop?"); pending = []; return }
            let effect = pending.removeFirst()
            if holdsTimers && effect.delay > 0 { timers.append((now + effect.delay, effect)); continue }
            pending += update(.message(effect.work()))
        }
    }

    /// Delayed effects still waiting for the clock.
    var timerCount: Int { timers.count }

    /// Moves the clock on, running each delayed effect that falls due (earliest first) and
    /// whatever its result starts.
    func advance(by seconds: Double) {
        now += seconds
        while let next = timers.indices.min(by: { timers[$0].due < timers[$1].due }), timers[next].due <= now {
            let timer = timers.remove(at: next)
            pending += update(.message(timer.effect.work()))
            settle()
        }
    }

    private func deliver(_ effects: [Effect<AppMessage>]) {
        pending += effects
        if !holdsEffects { settle() }
    }

    /// One frame as the runner draws it (below 80×24, the notice the runner shows instead).
    func frame(width: Int? = nil, height: Int? = nil) -> Buffer {
        var buffer = Buffer(area: Rect(width: width ?? self.width, height: height ?? self.height))
        if TooSmallNotice().applies(to: buffer.area) {
            TooSmallNotice().render(into: &buffer, area: buffer.area)
        } else {
            app.render(into: &buffer, area: buffer.area)
        }
        return buffer
    }

    /// The whole terminal as text lines.
    func screen(width: Int? = nil, height: Int? = nil) -> [String] { frame(width: width, height: height).lines }

    /// Where the terminal cursor is after the next frame (nil: hidden).
    var cursor: (x: Int, y: Int)? { frame().cursor }

    var lines: [String] { screen() }
    var text: String { screen().joined(separator: "\n") }

    /// Opens the staff menu and the entry named `name` (with the keys a person would press).
    func openStaff(_ name: String) {
        press(.char("s"))
        let lines = screen()
        guard let header = lines.firstIndex(where: { $0.contains("What it is for") }),
              let row = lines.firstIndex(where: { $0.trimmingCharacters(in: .whitespaces).hasPrefix(name + "  ") }) else {
            Issue.record("no staff menu entry \(name):\n\(lines.joined(separator: "\n"))")
            return
        }
        for _ in 0..<(row - header - 1) { press(.down) }
        press(.enter)
    }
}

/// Drives one `Screen` directly (no app around it): start, keys, effects run at once; the
/// notice the screen would show is kept.
struct ScreenDriver<S: Screen> {
    var screen: S
    let session: Session
    var notice: (text: String, kind: Banner.Kind)?
    var navigation: [Navigation] = []

    init(_ screen: S, session: Session) {
        self.screen = screen
        self.session = session
        var context = ScreenContext(session: session, screenID: 1)
        self.screen.start(&context)
        finish(context)
    }

    mutating func press(_ keys: Key...) {
        for key in keys {
            var context = ScreenContext(session: session, screenID: 1)
            screen.handle(.key(key), &context)
            finish(context)
        }
    }

    mutating func type(_ text: String) { for ch in text { press(.char(ch)) } }

    private mutating func finish(_ context: ScreenContext) {
        if let n = context.notice { notice = n }
        navigation += context.navigation
        var effects = context.effects
        while !effects.isEmpty {
            let effect = effects.removeFirst()
            guard case .screen(_, let payload) = effect.work() else { continue }
            var next = ScreenContext(session: session, screenID: 1)
            screen.handle(.result(payload), &next)
            if let n = next.notice { notice = n }
            navigation += next.navigation
            effects += next.effects
        }
    }

    func lines(width: Int = 78, height: Int = 21) -> [String] {
        var buffer = Buffer(area: Rect(width: width, height: height))
        screen.render(into: &buffer, area: buffer.area, session: session)
        return buffer.lines
    }

    var text: String { lines().joined(separator: "\n") }
}
