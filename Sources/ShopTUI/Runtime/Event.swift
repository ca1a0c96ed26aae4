/// What a program's `update` receives.
///
///     mutating func update(_ event: Event<Message>) -> [Effect<Message>] {
///         switch event {
///         case .key(let key): …
///         case .message(.productsLoaded(let result)): …   // an effect's result
///         case .tick: now = clock.now()   // countdowns compare deadlines with now; render reads it
///         case .resize: break
///         }
///     }
public enum Event<Message: Sendable>: Sendable {
    case key(Key)
    /// The terminal is now `width`×`height`.
    case resize(width: Int, height: Int)
    /// Sent every `RunnerOptions.tickInterval` (1 s by default), for countdowns and clocks.
    case tick
    /// The result of an `Effect`, delivered on the UI thread.
    case message(Message)
}

/// What a backend reports: input and terminal changes, independent of any program.
public enum InputEvent: Hashable, Sendable {
    case key(Key)
    case resize(width: Int, height: Int)
    /// The process got SIGTERM, SIGHUP or SIGINT: the runner must restore the terminal and stop.
    case terminated(signal: Int32)
    /// The input is gone (closed terminal, end of a test script).
    case endOfInput
}
