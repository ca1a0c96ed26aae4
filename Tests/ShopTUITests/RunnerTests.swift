import Testing
import Foundation
@testable import ShopTUI

/// A tiny program for driving the runner.
struct CounterProgram: Program {
    enum Message: Sendable { case loaded(Int) }
    var count = 0
    var ticks = 0
    var finishWhenLoaded = false
    var isFinished = false
    var eventChangedFrame = true
    var messageThreadIsMain: Bool?

    mutating func update(_ event: Event<Message>) -> [Effect<Message>] {
        switch event {
        case .key(.char("+")): count += 1
        case .key(.char("l")): return [.run { Thread.sleep(forTimeInterval: 0.05); return .loaded(42) }]
        case .key(.char("q")): isFinished = true
        case .message(.loaded(let n)):
            count = n
            messageThreadIsMain = Thread.isMainThread
            if finishWhenLoaded { isFinished = true }
        case .tick: ticks += 1
        default: break
        }
        return []
    }

    func render(into buffer: inout Buffer, area: Rect) {
        let end = buffer.setString(area.x, area.y, "Count: \(count)")
        buffer.cursor = (end, area.y)
        buffer.setString(area.x, area.y + 1, "Selected", style: Theme.selection)
        Footer([KeyBinding(keys: [.char("+")], help: "add"), KeyBinding(keys: [.char("q")], help: "quit")])
            .render(into: &buffer, area: area.splitBottom(1).bottom)
    }
}

@Suite("Runner")
struct RunnerTests {
    @Test("scripted keys lead to the expected final screen")
    func scriptedKeys() {
        let backend = TestBackend(width: 80, height: 24, script: [.key(.char("+")), .key(.char("+")), .key(.char("+")), .key(.char("q"))])
        let runner = Runner(program: CounterProgram(), backend: backend)
        #expect(runner.run() == .finished)
        #expect(runner.program.count == 3)
        #expect(backend.lines[0].hasPrefix("Count: 3 "))
        #expect(backend.lines[23].hasPrefix("+ add  q quit"))
        #expect(backend.cursor! == (8, 0))
    }

    @Test("only changed cells are sent after the first frame")
    func sendsOnlyChanges() {
        let backend = TestBackend(width: 80, height: 24, script: [.key(.char("+"))])
        let runner = Runner(program: CounterProgram(), backend: backend)
        _ = runner.run()
        // First frame: every cell; second: only the digit that changed.
        #expect(backend.drawnCellCount == 80 * 24 + 1)
    }

    @Test("effect results come back as message events on the runner's thread")
    func effects() {
        let backend = TestBackend(width: 80, height: 24, script: [.key(.char("l"))], endsWhenScriptIsDone: false)
        var program = CounterProgram()
        program.finishWhenLoaded = true
        var options = RunnerOptions()
        options.idleTimeout = 5   // a safety net: the test must not hang
        let runner = Runner(program: program, backend: backend, options: options)
        let started = Date()
        #expect(runner.run() == .finished)
        #expect(runner.program.count == 42)
        #expect(runner.program.messageThreadIsMain == Thread.isMainThread)
        #expect(Date().timeIntervalSince(started) < 4, "well before the 5 s safety net")
        #expect(backend.lines[0].hasPrefix("Count: 42"))
    }

    @Test("the runner stops after the idle timeout")
    func idleTimeout() {
        let backend = TestBackend(width: 80, height: 24, script: [.wait(ms: 100), .key(.char("+"))], endsWhenScriptIsDone: false)
        var options = RunnerOptions()
        options.idleTimeout = 0.3
        let runner = Runner(program: CounterProgram(), backend: backend, options: options)
        let started = Date()
        #expect(runner.run() == .idleTimeout)
        let elapsed = Date().timeIntervalSince(started)
        // The key at 100 ms restarted the idle clock.
        #expect(elapsed >= 0.38 && elapsed < 4)
        #expect(runner.program.count == 1)
    }

    @Test("ticks arrive at the configured interval")
    func ticks() {
        let backend = TestBackend(width: 80, height: 24, script: [.wait(ms: 350)])
        var options = RunnerOptions()
        options.tickInterval = 0.1
        let runner = Runner(program: CounterProgram(), backend: backend, options: options)
        _ = runner.run()
        #expect((1...4).contains(runner.program.ticks), "about one tick per 100 ms, never a busy loop")
    }

    @Test("a tick that changes nothing on screen draws no frame; one that does, draws one")
    func idleTicksDrawNothing() {
        for redraws in [false, true] {
            var program = CounterProgram()
            program.eventChangedFrame = redraws
            var options = RunnerOptions()
            options.tickInterval = 0.05
            let runner = Runner(program: program, backend: TestBackend(width: 80, height: 24, script: [.wait(ms: 300)]), options: options)
            _ = runner.run()
            #expect(runner.program.ticks >= 2, "ticks kept coming (\(runner.program.ticks))")
            #expect(runner.framesDrawn == (redraws ? 1 + runner.program.ticks : 1), "frames: \(runner.framesDrawn), ticks: \(runner.program.ticks)")
        }
    }

    @Test("Ctrl-C interrupts and a termination signal stops the runner")
    func interruptAndSignal() {
        let ctrlC = Runner(program: CounterProgram(), backend: TestBackend(width: 80, height: 24, script: [.key(.ctrl("c")), .key(.char("+"))]))
        #expect(ctrlC.run() == .interrupted)
        #expect(ctrlC.program.count == 0)
        let term = Runner(program: CounterProgram(), backend: TestBackend(width: 80, height: 24, script: [.input(.terminated(signal: 15))]))
        #expect(term.run() == .signal(15))
    }

    @Test("a terminal below 80×24 shows the notice, and growing it shows the program again")
    func tooSmallThenResize() {
        let backend = TestBackend(width: 60, height: 20, script: [.key(.char("+"))])
        let small = Runner(program: CounterProgram(), backend: backend)
        _ = small.run()
        #expect(backend.lines.contains { $0.contains("Terminal too small: 60×20") })
        #expect(!backend.lines[0].hasPrefix("Count"))

        let growing = TestBackend(width: 60, height: 20, script: [.resize(100, 30), .key(.char("+"))])
        let runner = Runner(program: CounterProgram(), backend: growing)
        _ = runner.run()
        #expect(growing.size == (100, 30))
        #expect(growing.lines[0].hasPrefix("Count: 1"))
        #expect(growing.lines[29].hasPrefix("+ add"))
        #expect(!growing.lines.contains { $0.contains("too small") })
    }

    @Test("a monochrome terminal gets reverse video instead of colors")
    func monochrome() {
        let backend = TestBackend(width: 80, height: 24, colorDepth: .monochrome, script: [])
        _ = Runner(program: CounterProgram(), backend: backend).run()
        #expect(backend.buffer[0, 1].style == Style(modifiers: .reverse))
        let color = TestBackend(width: 80, height: 24, colorDepth: .indexed256, script: [])
        _ = Runner(program: CounterProgram(), backend: color).run()
        #expect(color.buffer[0, 1].style == Theme.selection)
    }
}
