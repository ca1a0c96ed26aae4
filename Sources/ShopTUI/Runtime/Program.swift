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
///             buffer.setString(area.x, area.y, "Count: \(count)")
///         }
///     }
///
/// `update` must never block: anything slow goes into an `Effect`. `render` draws the whole
/// screen every time; the runner sends only what changed to the terminal.
public protocol Program {
    associatedtype Message: Sendable

    /// Handles one event and returns effects to run in the background.
    mutating func update(_ event: Event<Message>) -> [Effect<Message>]
    /// Draws the whole screen into `buffer` within `area`.
    func render(into buffer: inout Buffer, area: Rect)
    /// Where the terminal cursor should be (e.g. in a focused text field), or nil to hide it.
    /// Called after `render` with the same area.
    func cursor(in area: Rect) -> (x: Int, y: Int)?
    /// True when the program is done; the runner then stops.
    var isFinished: Bool { get }
}

extension Program {
    public func cursor(in area: Rect) -> (x: Int, y: Int)? { nil }
}
