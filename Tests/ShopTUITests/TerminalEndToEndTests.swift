import Testing
import Foundation
@testable import ShopTUI
import ShopTestSupport

/// Runs the built `shop` (with a fresh demo store) inside a private tmux server and reads the screen back.
final class TmuxHarness {
    let socket = "shop-tui-\(getpid())-\(UUID().uuidString.prefix(8))"
    let directory: URL
    let pidFile: URL
    let statsFile: URL

    /// Starts a detached tmux session running `shop ARGUMENTS --stats-file …` with `environment`
    /// under a shell that, after it exits, prints its exit status and the terminal modes, then waits.
    init(width: Int = 100, height: Int = 30, environment: [String: String] = [:], arguments: [String] = ["--demo"], stats: Bool = true) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent(socket)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        pidFile = directory.appendingPathComponent("pid")
        statsFile = directory.appendingPathComponent("stats")
        let env = (["LANG": "C.UTF-8"].merging(environment) { $1 })
            .map { "\($0.key)=\"\($0.value)\"" }.sorted().joined(separator: " ")   // values: no quotes or $
        let words = (arguments + (stats ? ["--stats-file", statsFile.path] : [])).joined(separator: " ")
        let script = """
            echo BEFORE-SHOP; \
            sh -c 'echo $$ > \(pidFile.path); exec env \(env.replacingOccurrences(of: "'", with: "")) \(Self.shopBinary.path) \(words) 2>\(directory.path)/stderr'; \
            echo EXIT:$?; \
            echo STTY: $(stty -a | tr ' ;' '\\n\\n' | grep -E '^-?(icanon|echo|isig)$' | tr '\\n' ' '); \
            exec sleep 120
            """
        try tmux(["new-session", "-d", "-x", "\(width)", "-y", "\(height)", "sh", "-c", script])
        panePID = pid_t((try tmux(["display-message", "-p", "#{pane_pid}"])).trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// The shell in the pane; killed explicitly because it outlives `kill-server`.
    private var panePID: pid_t?

    deinit {
        // Only processes this harness started, checked by command line in case a pid was reused.
        for (pid, name) in [(shopPID, "shop"), (panePID, "sleep")] {
            guard let pid, let cmd = try? String(contentsOfFile: "/proc/\(pid)/cmdline", encoding: .utf8),
                  cmd.contains(name) || cmd.hasPrefix("sh") else { continue }
            kill(pid, SIGKILL)
        }
        _ = try? tmux(["kill-server"])
        unlink("/tmp/tmux-\(getuid())/\(socket)")   // the server leaves its socket behind when killed
        try? FileManager.default.removeItem(at: directory)
    }

    /// The `shop` executable next to the test bundle in `.build/<config>/`.
    static var shopBinary: URL {
        let candidates = [
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent(),
            Bundle.main.bundleURL,
            Bundle.main.bundleURL.deletingLastPathComponent(),
            URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .deletingLastPathComponent().appendingPathComponent(".build/debug"),
        ].map { $0.appendingPathComponent("shop") }
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) } ?? candidates[0]
    }

    /// Runs a tmux client command and returns its output. Uses posix_spawn + waitpid rather than
    /// Foundation's Process: the tmux server forks from the client and keeps inherited
    /// descriptors open, which makes Process wait forever.
    @discardableResult
    func tmux(_ arguments: [String]) throws -> String {
        let outPath = directory.appendingPathComponent("out-\(UUID().uuidString)").path
        defer { unlink(outPath) }
        let argv = ["/usr/bin/tmux", "-L", socket, "-f", "/dev/null"] + arguments
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        var cArgs = argv.map { strdup($0) } + [nil]
        defer { cArgs.forEach { free($0) } }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, argv[0], &actions, nil, &cArgs, environ)
        guard rc == 0 else { throw POSIXError(POSIXErrorCode(rawValue: rc) ?? .EIO) }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        return (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? ""
    }

    /// The visible screen, one string per row.
    func screen(escapes: Bool = false) -> [String] {
        let text = (try? tmux(["capture-pane", "-p", "-N"] + (escapes ? ["-e"] : []))) ?? ""
        return text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
    }

    func screenText() -> String { screen().joined(separator: "\n") }

    func send(_ keys: String...) throws { try tmux(["send-keys"] + keys) }

    func resize(_ width: Int, _ height: Int) throws {
        try tmux(["resize-window", "-x", "\(width)", "-y", "\(height)"])
    }

    /// A tmux format value for the pane: `alternate_on`, `cursor_flag`, …
    func paneFlag(_ name: String) -> String {
        ((try? tmux(["display-message", "-p", "#{\(name)}"])) ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
    }

    var shopPID: pid_t? {
        (try? String(contentsOf: pidFile, encoding: .utf8)).flatMap { pid_t($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
    }

    var stats: String { (try? String(contentsOf: statsFile, encoding: .utf8)) ?? "" }

    /// Polls the screen until `condition` holds (true) or `seconds` pass (false).
    @discardableResult
    func waitFor(seconds: Double = 10, _ condition: (String) -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if condition(screenText()) { return true }
            Thread.sleep(forTimeInterval: 0.05)
        }
        return condition(screenText())
    }

    func waitFor(_ text: String, seconds: Double = 10) -> Bool { waitFor(seconds: seconds) { $0.contains(text) } }

    /// Screen dump for failure messages.
    var dump: Comment { Comment(rawValue: "screen:\n" + screen().map { "|\($0)|" }.joined(separator: "\n")) }
}

@Suite("The shop binary in tmux", .serialized, .disabled(if: TestDatabase.isPostgres, "runs `shop --demo` on its own temporary SQLite file: the SQLite pass covers it"))
struct TerminalEndToEndTests {
    @Test("the store draws, opens help, follows resizes, shows the size notice and q restores the terminal")
    func fullSession() throws {
        let t = try TmuxHarness(width: 100, height: 30, environment: ["TERM": "xterm-256color"])
        #expect(t.waitFor("40 products", seconds: 20), t.dump)
        var lines = t.screen()
        #expect(lines.count == 30)
        #expect(lines[0].contains("Shop — Demo Bakery & Deli › Browse"), t.dump)
        #expect(t.paneFlag("alternate_on") == "1")
        try t.send("/")
        try t.send("-l", "سنگک")
        #expect(t.waitFor("کگنس نان"), "Persian is shown in visual order \(t.dump)")
        try t.send("Escape")
        try t.send("/")
        try t.send("-l", "お茶")
        #expect(t.waitFor { text in
            let rows = text.split(separator: "\n")
            guard let header = rows.first(where: { $0.contains("Stock") }), let row = rows.first(where: { $0.contains("お茶セット (tea gift set)") }) else { return false }
            return TextWidth.of(row) == TextWidth.of(header)   // wide characters measured: the columns still line up
        }, t.dump)
        try t.send("Escape")

        try t.send("?")
        #expect(t.waitFor("Esc or ? to close"), t.dump)
        try t.send("Escape")
        #expect(t.waitFor { !$0.contains("Esc or ? to close") }, t.dump)

        try t.resize(120, 35)
        #expect(t.waitFor { text in
            let rows = text.split(separator: "\n", omittingEmptySubsequences: false)
            return rows.count >= 35 && rows[34].contains("q quit") && TextWidth.of(rows[0]) >= 118
        }, t.dump)

        try t.resize(60, 20)
        #expect(t.waitFor("Terminal too small: 60×20"), t.dump)
        #expect(t.screenText().contains("Needs at least 80×24"))

        try t.resize(100, 30)
        #expect(t.waitFor("› Browse"), t.dump)
        #expect(!t.screenText().contains("too small"))

        try t.send("q")
        #expect(t.waitFor("EXIT:0"), t.dump)
        lines = t.screen()
        #expect(lines.first == "BEFORE-SHOP", "the alternate screen was left: the shell's output is back")
        #expect(!t.screenText().contains("Chocolate cake"))
        #expect(t.paneFlag("alternate_on") == "0")
        #expect(t.paneFlag("cursor_flag") == "1", "cursor visible again")
        #expect(t.waitFor("STTY: isig icanon echo"), "terminal modes restored \(t.dump)")
    }

    @Test("SIGTERM, SIGHUP and crash signals (bad access, abort) restore the terminal; the program ends with the signal's status",
          arguments: [(SIGTERM, 143), (SIGHUP, 129), (SIGSEGV, 139), (SIGABRT, 134)])
    func signals(signal: Int32, status: Int) throws {
        let t = try TmuxHarness(environment: ["TERM": "xterm-256color"])
        #expect(t.waitFor("products", seconds: 20), t.dump)
        Thread.sleep(forTimeInterval: 0.3)
        let pid = try #require(t.shopPID)
        kill(pid, signal)
        #expect(t.waitFor("EXIT:\(status)", seconds: 5), t.dump)
        #expect(t.paneFlag("alternate_on") == "0")
        #expect(t.paneFlag("cursor_flag") == "1")
        #expect(t.waitFor("STTY: isig icanon echo"), t.dump)
        guard signal == SIGSEGV || signal == SIGABRT else { return }
        let stderr = (try? String(contentsOf: t.directory.appendingPathComponent("stderr"), encoding: .utf8)) ?? ""
        #expect(stderr.contains("shop stopped unexpectedly; the terminal was restored"))
        #expect(!stderr.contains("Press space to interact"), "no interactive backtracer on a customer's terminal")
    }

    @Test("an unknown TERM (xterm-kitty) falls back to xterm-256color")
    func unknownTerm() throws {
        let t = try TmuxHarness(environment: ["TERM": "xterm-kitty"])
        #expect(t.waitFor("products", seconds: 20), t.dump)
        try t.send("q")
        #expect(t.waitFor("EXIT:0"), t.dump)
        #expect(t.stats.contains(#""term":"xterm-256color""#), Comment(rawValue: t.stats))
    }

    @Test("TERM=xterm gets the 8 basic colors and no 256-color codes")
    func eightColors() throws {
        let t = try TmuxHarness(environment: ["TERM": "xterm"])
        #expect(t.waitFor("products", seconds: 20), t.dump)
        let colored = t.screen(escapes: true).joined(separator: "\n")
        #expect(!colored.contains("38;5;") && !colored.contains("48;5;"), "no 256-color codes")
        #expect(colored.contains("46m"), "the selection has a cyan background")
        try t.send("q")
        #expect(t.waitFor("EXIT:0"), t.dump)
        #expect(t.stats.contains(#""colors":"basic8""#), Comment(rawValue: t.stats))
    }

    @Test("a monochrome terminal (vt100) is readable and marks the selection with reverse video")
    func monochrome() throws {
        let t = try TmuxHarness(environment: ["TERM": "vt100"])
        #expect(t.waitFor("products", seconds: 20), t.dump)
        #expect(t.waitFor("Sourdough loaf", seconds: 20), t.dump)
        let colored = t.screen(escapes: true).joined(separator: "\n")
        #expect(colored.contains("\u{1B}[7m") || colored.contains(";7m"), "reverse video for the selection")
        #expect(colored.range(of: #"\[[0-9;]*(3[0-7]|4[0-7])m"#, options: .regularExpression) == nil, "no colors")
        try t.send("j")
        try t.send("q")
        #expect(t.waitFor("EXIT:0"), t.dump)
        #expect(t.stats.contains(#""colors":"monochrome""#), Comment(rawValue: t.stats))
    }

    @Test("SHOP_TUI_STATS in the environment writes nothing (it once overwrote any file, e.g. the database); only --stats-file does")
    func statsOnlyByFlag() throws {
        let planted = FileManager.default.temporaryDirectory.appendingPathComponent("shop-planted-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: planted) }
        let t = try TmuxHarness(environment: ["TERM": "xterm-256color", "SHOP_TUI_STATS": planted.path], stats: false)
        #expect(t.waitFor("products", seconds: 20), t.dump)
        try t.send("q")
        #expect(t.waitFor("EXIT:0"), t.dump)
        #expect(!FileManager.default.fileExists(atPath: planted.path), "a file named by the environment was written")
    }

    @Test("shop --demo --lang fa: the Persian demo store in a mirrored frame in a real terminal; L switches to English and back; the goodbye is Persian")
    func persianChrome() throws {
        let t = try TmuxHarness(width: 80, height: 24, environment: ["TERM": "xterm-256color"], arguments: ["--demo", "--lang", "fa"])
        #expect(t.waitFor(Bidi.visualOrder("آب انار"), seconds: 20), "the Persian demo catalog: \(t.dump)")
        let lines = t.screen()
        #expect(lines[0].replacingTrailingSpaces().hasSuffix(Bidi.visualOrder("شیرینی‌سرای")), "the Persian store's name at the right edge: \(t.dump)")
        #expect(lines[23].hasPrefix(Bidi.visualOrder("? بیشتر", paragraph: .rightToLeft)), "the help key in Persian at the left: \(t.dump)")
        try t.send("L")
        #expect(t.waitFor { $0.contains("› Browse") }, "L: English, left to right \(t.dump)")
        try t.send("L")
        #expect(t.waitFor { $0.contains(Bidi.visualOrder("فروشگاه") + " ‹") }, t.dump)
        try t.send("q")
        #expect(t.waitFor("EXIT:0"), t.dump)
        #expect(t.waitFor { $0.contains(Bidi.visualOrder("از بازدید شما از")) || $0.contains("از بازدید شما از") }, "the goodbye in Persian \(t.dump)")
    }

    @Test("without a terminal shop says it needs one and exits with status 1")
    func noTerminal() throws {
        let process = Process()
        process.executableURL = TmuxHarness.shopBinary
        let err = Pipe()
        process.standardInput = Pipe()
        process.standardOutput = Pipe()
        process.standardError = err
        try process.run()
        let message = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 1)
        #expect(message == "shop needs a terminal (run it in a terminal, or connect with ssh -t)\n")
    }
}
