/// An Elm-style program (a screen, or an app routing between screens): state + `update` + `render`.
///
///     struct Counter: Program {
///         enum Message: Sendable { case loaded(Int) }
///         var count = 0
///         var isFinished = false
///         mutating func update(_ event: Event<Message>) -> [Effect<Message>] {
///             switch event {
///             case .key(.char("+")): count += 1
///             case .key(.char("l")): return [.run { .loaded(42) }]
///             case .message(.loaded(let n)): count = n
///             case .key(.char("q")): isFinished = true
///             default: break
///             }
///             return []
///         }
///         func render(into buffer: inout Buffer, area: Rect) {
///             let end = buffer.setString(area.x, area.y, "Count: \(count)")
///             buffer.cursor = (end, area.y)   // where the terminal cursor goes; nil hides it
///         }
///     }
///
/// `update` must never block: anything slow goes into an `Effect`. `render` draws the whole
/// screen every time from the program's state (no I/O, no clock); the runner sends only what
/// changed to the terminal, and puts the cursor where `render` left `buffer.cursor`.
public protocol Program {
    associatedtype Message: Sendable

    /// Handles one event and returns effects to run in the background.
    mutating func update(_ event: Event<Message>) -> [Effect<Message>]
    /// Draws the whole screen into `buffer` within `area`, and sets `buffer.cursor` where the
    /// terminal cursor goes (a focused `TextField` does it), or leaves it nil to hide it.
    func render(into buffer: inout Buffer, area: Rect)
    /// True when the program is done; the runner then stops.
    var isFinished: Bool { get }
    /// Whether the last tick or message changed what `render` draws (a countdown, a notice
    /// running out, data arriving). False lets the runner skip the frame, so an idle session
    /// costs next to nothing. A key always draws.
    var eventChangedFrame: Bool { get }
}

extension Program {
    /// By default every event redraws (always right, if not the cheapest).
    public var eventChangedFrame: Bool { true }
}
