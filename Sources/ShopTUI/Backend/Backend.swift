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

    // MARK: Pictures (see `ImageProtocol`)

    /// How this terminal shows pictures; `.none` (the default) means never send image escapes.
    var imageProtocol: ImageProtocol { get }
    /// Puts `image` over the cells of `rect`, after the frame's cells were flushed. The runner
    /// calls it only when the frame's placements changed, after `clearImages()`.
    func showImage(_ image: TerminalImage, in rect: Rect)
    /// Takes every picture shown so far off the terminal (the screen changed).
    func clearImages()
}

extension Backend {
    public var imageProtocol: ImageProtocol { .none }
    public func showImage(_ image: TerminalImage, in rect: Rect) {}
    public func clearImages() {}
}
