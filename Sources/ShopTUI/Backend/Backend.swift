/// A terminal the runner draws to and reads from. The ncurses backend talks to a real terminal;
/// `TestBackend` keeps a buffer in memory.
public protocol Backend: AnyObject {
    /// Current size in cells.
    var size: (width: Int, height: Int) { get }
    /// How many colors the terminal shows; the runner degrades styles to this.
    var colorDepth: ColorDepth { get }
    /// Writes changed cells (not yet visible until `flush`).
    func draw(_ changes: [CellChange])
    /// Forgets what is on screen (after a resize), so the next draw starts from blank.
    func clear()
    /// Shows the cursor at (x, y), or hides it for nil.
    func setCursor(_ position: (x: Int, y: Int)?)
    /// Makes everything drawn visible.
    func flush()
    /// The next input, waiting at most `timeoutMs` milliseconds; nil on timeout.
    func nextEvent(timeoutMs: Int) -> InputEvent?
}
