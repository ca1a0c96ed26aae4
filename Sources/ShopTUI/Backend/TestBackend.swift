#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// An in-memory terminal for tests: it keeps what was drawn in a `Buffer` and replays a script
/// of input events.
///
///     let backend = TestBackend(width: 80, height: 24, script: [.key(.down), .key(.enter), .key(.char("q"))])
///     _ = Runner(program: ShopApp(session: session), backend: backend).run()
///     #expect(backend.lines[0].contains("Shop"))
///     backend.cursor    // where the last frame put the cursor (nil: hidden)
///     backend.images    // the pictures on "screen" (give it an `imageProtocol` to get any)
public final class TestBackend: Backend {
    /// One scripted step.
    public enum Step: Sendable {
        case input(InputEvent)
        /// Returns no input for `ms` milliseconds (lets effects, ticks and idle timeouts happen).
        case wait(ms: Int)
        /// Returns no input until the screen shows `text` (or `timeoutMs` passes): scripts wait
        /// for what a person would wait for, not for a guessed time.
        case waitFor(String, timeoutMs: Int)

        public static func key(_ key: Key) -> Step { .input(.key(key)) }
        public static func type(_ text: String) -> [Step] { text.map { .input(.key(.char($0))) } }
        public static func resize(_ width: Int, _ height: Int) -> Step { .input(.resize(width: width, height: height)) }
    }

    /// What is on the "screen".
    public private(set) var buffer: Buffer
    public var colorDepth: ColorDepth
    public private(set) var cursor: (x: Int, y: Int)?
    public private(set) var flushCount = 0
    public private(set) var drawnCellCount = 0
    /// What a picture-capable terminal would show; `.none` by default, like an unknown terminal.
    public var imageProtocol: ImageProtocol
    /// The pictures on "screen" now, as the runner placed them.
    public private(set) var images: [ImagePlacement] = []
    /// How many times pictures were put up and taken down (the runner sends them only on change).
    public private(set) var imageShowCount = 0
    public private(set) var imageClearCount = 0
    private var script: [Step]
    private var waitDeadline: ContinuousClock.Instant?
    /// When the script runs out: report `.endOfInput` (true) or keep returning nil after sleeping.
    public var endsWhenScriptIsDone: Bool

    public init(width: Int, height: Int, colorDepth: ColorDepth = .indexed256, script: [Step] = [],
                endsWhenScriptIsDone: Bool = true, imageProtocol: ImageProtocol = .none) {
        self.buffer = Buffer(area: Rect(width: width, height: height))
        self.imageProtocol = imageProtocol
        self.colorDepth = colorDepth
        self.script = script
        self.endsWhenScriptIsDone = endsWhenScriptIsDone
    }

    /// The screen as text lines.
    public var lines: [String] { buffer.lines }

    public var size: (width: Int, height: Int) { (buffer.area.width, buffer.area.height) }

    public func draw(_ changes: [CellChange]) {
        drawnCellCount += changes.count
        for change in changes {
            buffer[change.x, change.y] = change.cell
            if change.cell.width == 2 { buffer[change.x + 1, change.y] = .continuation(style: change.cell.style) }
        }
    }

    public func clear() { buffer = Buffer(area: buffer.area) }
    public func setCursor(_ position: (x: Int, y: Int)?) { cursor = position }
    public func flush() { flushCount += 1 }
    public func showImage(_ image: TerminalImage, in rect: Rect) { images.append(ImagePlacement(image, in: rect)); imageShowCount += 1 }
    public func clearImages() { images.removeAll(); imageClearCount += 1 }

    public func nextEvent(timeoutMs: Int) -> InputEvent? {
        guard !script.isEmpty else {
            if endsWhenScriptIsDone { return .endOfInput }
            usleep(UInt32(max(1, timeoutMs)) * 1000)
            return nil
        }
        switch script[0] {
        case .waitFor(let text, let timeoutMs):
            let deadline = waitDeadline ?? ContinuousClock.now + .milliseconds(timeoutMs)
            if lines.contains(where: { $0.contains(text) }) || ContinuousClock.now >= deadline {
                waitDeadline = nil
                script.removeFirst()
                return nil
            }
            waitDeadline = deadline
            usleep(UInt32(min(max(1, timeoutMs), 10)) * 1000)
            return nil
        case .wait(let ms):
            // Sleep in slices no longer than the runner asked for, until the wait is over.
            let deadline = waitDeadline ?? ContinuousClock.now + .milliseconds(ms)
            let left = deadline - ContinuousClock.now
            if left <= .zero {
                waitDeadline = nil
                script.removeFirst()
                return nil
            }
            waitDeadline = deadline
            let sliceMs = min(max(1, timeoutMs), Int(left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000) + 1)
            usleep(UInt32(sliceMs) * 1000)
            return nil
        case .input(let event):
            script.removeFirst()
            if case .resize(let w, let h) = event { buffer = Buffer(area: Rect(width: w, height: h)) }
            return event
        }
    }
}
