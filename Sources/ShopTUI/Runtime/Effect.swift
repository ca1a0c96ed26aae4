/// Work that must not run inside `update` (engine calls, network, disk): the runner executes
/// it off the UI thread and delivers its result back as `.message(…)`.
///
///     let shop = self.shop, caller = self.caller      // capture Sendable values, not self
///     return [.run { .productsLoaded(Result { try shop.catalog.list(query, caller: caller) }) }]
///     // later: update(.message(.productsLoaded(…)))
public struct Effect<Message: Sendable>: Sendable {
    public let work: @Sendable () -> Message
    /// Seconds to wait before running `work`. Whoever runs effects keeps the time: the runner
    /// on the wall clock, test drivers on a clock they advance (no real sleeps in tests).
    public let delay: Double

    public init(delay: Double = 0, _ work: @escaping @Sendable () -> Message) {
        self.delay = max(0, delay)
        self.work = work
    }

    /// An effect that runs `work` in the background.
    public static func run(_ work: @escaping @Sendable () -> Message) -> Effect { Effect(work) }

    /// An effect that delivers `message` after `seconds` (toasts that disappear, retries).
    public static func after(seconds: Double, _ message: Message) -> Effect {
        Effect(delay: seconds) { message }
    }
}
