import Dispatch
import Synchronization

/// Why `Runner.run()` returned.
public enum StopReason: Hashable, Sendable {
    /// The program set `isFinished`.
    case finished
    /// No key for `RunnerOptions.idleTimeout` seconds.
    case idleTimeout
    /// A quit key (Ctrl-C by default) was pressed.
    case interrupted
    /// SIGTERM, SIGHUP or SIGINT arrived.
    case signal(Int32)
    /// The input went away.
    case endOfInput
}

/// Settings for `Runner`.
///
///     var options = RunnerOptions()
///     options.idleTimeout = 15 * 60     // end idle sessions after 15 minutes
public struct RunnerOptions: Sendable {
    /// Seconds between `.tick` events.
    public var tickInterval: Double = 1
    /// Seconds without a key press after which the runner stops with `.idleTimeout`; nil: never.
    public var idleTimeout: Double? = nil
    /// Below this size the runner shows `TooSmallNotice` instead of the program; nil: never.
    public var minimumSize: (width: Int, height: Int)? = (80, 24)
    /// Keys that stop the runner at once with `.interrupted` (raw mode delivers Ctrl-C as a key).
    public var interruptKeys: [Key] = [.ctrl("c")]
    /// The longest the runner waits for input before checking signals, effects and ticks.
    public var maxPollMs: Int = 250

    public init() {}
}

/// Drives a `Program` on a `Backend`: reads events, calls `update`, runs effects in the
/// background, draws each frame whole into a fresh buffer and sends only the diff.
///
///     let runner = Runner(program: ShopApp(session: session), backend: try NCursesBackend())
///     let reason = runner.run()
///     // runner.program is the final state
public final class Runner<P: Program> {
    public private(set) var program: P
    public let backend: any Backend
    public let options: RunnerOptions
    /// The last frame sent to the backend (before color degradation).
    public private(set) var lastFrame: Buffer = Buffer(area: .zero)
    /// Frames drawn so far, and how long the first one took (from `run()` to its flush).
    public private(set) var framesDrawn = 0
    public private(set) var firstFrameSeconds: Double?
    /// Time spent rendering, diffing and sending frames, in total (for benchmarks).
    public private(set) var drawSeconds: Double = 0

    private let inbox = EffectInbox<P.Message>()
    private let effectQueue = DispatchQueue(label: "shop.tui.effects", attributes: .concurrent)
    private var previous = Buffer(area: .zero)
    /// The pictures on the terminal now (as last sent to the backend).
    private var shownImages: [ImagePlacement] = []
    private var size: (width: Int, height: Int)

    public init(program: P, backend: any Backend, options: RunnerOptions = RunnerOptions()) {
        self.program = program
        self.backend = backend
        self.options = options
        self.size = backend.size
    }

    /// Runs until the program finishes, a quit key, a signal, idle timeout or end of input.
    public func run() -> StopReason {
        let start = ContinuousClock.now
        var lastInput = start
        var nextTick = start + .seconds(options.tickInterval)
        backend.clear()
        apply(.resize(width: size.width, height: size.height))
        draw()
        firstFrameSeconds = seconds(ContinuousClock.now - start)

        while true {
            if program.isFinished { return .finished }
            var dirty = false
            for message in inbox.drain() {
                apply(.message(message))
                if program.eventChangedFrame { dirty = true }
            }
            let now = ContinuousClock.now
            if now >= nextTick {
                apply(.tick)
                if program.eventChangedFrame { dirty = true }
                nextTick = max(nextTick + .seconds(options.tickInterval), now)
            }
            if program.isFinished {
                if dirty { draw() }   // the last state stays on screen (and in tests)
                return .finished
            }
            if let idle = options.idleTimeout, now - lastInput >= .seconds(idle) { return .idleTimeout }
            if dirty { draw() }

            var wait = min(options.maxPollMs, milliseconds(nextTick - now))
            if let idle = options.idleTimeout { wait = min(wait, milliseconds(lastInput + .seconds(idle) - now)) }
            if inbox.pendingCount > 0 { wait = min(wait, 10) }

            guard let input = backend.nextEvent(timeoutMs: max(0, wait)) else { continue }
            switch input {
            case .key(let key):
                lastInput = ContinuousClock.now
                if options.interruptKeys.contains(key) { return .interrupted }
                apply(.key(key))
            case .resize(let width, let height):
                size = (width, height)
                previous = Buffer(area: .zero)
                shownImages = []
                backend.clearImages()
                backend.clear()
                apply(.resize(width: width, height: height))
            case .terminated(let signal):
                return .signal(signal)
            case .endOfInput:
                return .endOfInput
            }
            draw()
        }
    }

    // MARK: - Steps

    private func apply(_ event: Event<P.Message>) {
        let effects = program.update(event)
        for effect in effects {
            inbox.started()
            let inbox = self.inbox
            if effect.delay > 0 {
                effectQueue.asyncAfter(deadline: .now() + effect.delay) { inbox.deliver(effect.work()) }
            } else {
                effectQueue.async { inbox.deliver(effect.work()) }
            }
        }
    }

    private func draw() {
        let started = ContinuousClock.now
        defer { drawSeconds += seconds(ContinuousClock.now - started) }
        let area = Rect(width: size.width, height: size.height)
        var frame = Buffer(area: area)
        if let min = options.minimumSize, area.width < min.width || area.height < min.height {
            TooSmallNotice(minimumWidth: min.width, minimumHeight: min.height).render(into: &frame, area: area)
        } else {
            program.render(into: &frame, area: area)
        }
        lastFrame = frame
        let depth = backend.colorDepth
        let shown = depth == .indexed256 ? frame : frame.degraded(to: depth)
        // Pictures go only to a terminal that shows them, and only when they changed: taken
        // down before the cells (so the cells under them are redrawn), put up after the flush.
        let images = backend.imageProtocol == .none ? [] : frame.images.filter { backend.imageProtocol.shows($0.image.format) }
        let imagesChanged = images != shownImages
        if imagesChanged, !shownImages.isEmpty { backend.clearImages() }
        backend.draw(shown.diff(previous))
        backend.setCursor(frame.cursor)   // where render left it (a focused field), or hidden
        backend.flush()
        if imagesChanged {
            for placement in images { backend.showImage(placement.image, in: placement.rect) }
            shownImages = images
        }
        previous = shown
        framesDrawn += 1
    }

    private func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }

    private func milliseconds(_ d: Duration) -> Int { Int((seconds(d) * 1000).rounded(.up)) }
}

/// Effect results waiting for the UI thread.
final class EffectInbox<Message: Sendable>: Sendable {
    private let state = Mutex<(messages: [Message], pending: Int)>(([], 0))

    func started() { state.withLock { $0.pending += 1 } }
    func deliver(_ message: Message) {
        state.withLock {
            $0.messages.append(message)
            $0.pending -= 1
        }
    }
    func drain() -> [Message] {
        state.withLock { s in
            defer { s.messages.removeAll() }
            return s.messages
        }
    }
    var pendingCount: Int { state.withLock { $0.pending } }
}

extension Buffer {
    /// A copy with every style reduced to what a terminal of `depth` shows.
    public func degraded(to depth: ColorDepth) -> Buffer {
        var copy = self
        copy.mapCells { $0.style = $0.style.degraded(to: depth) }
        return copy
    }
}
