import Foundation
import ShopEngine

/// `shop [flags]`: the storefront in this terminal. Over SSH it identifies the client by its
/// address and, in keyed mode, by its key; it never runs a requested command.
public enum ShopCommand {
    public static let flags: [Options.Flag] = Options.engineFlags + [
        Options.Flag("demo", help: "a demo store: a temporary database, or the one --db names (a file or postgres:// URL) when empty, filled once and reused by later starts; codes appear on screen"),
        Options.Flag("tour", help: "with --demo: play a walk through the main screens; any key stops it"),
        Options.Flag("lang", env: "SHOP_LANG", value: "en|fa", help: "the interface's language (default: from LC_ALL, LC_MESSAGES or LANG, else en); L switches at any time"),
        Options.Flag("bidi", env: "SHOP_BIDI", value: "auto|app|terminal", help: "who orders right-to-left text: app (Shop, for most terminals), terminal (GNOME Terminal and other VTE-based ones, Konsole, mlterm, which do it themselves); auto picks terminal when VTE_VERSION or KONSOLE_VERSION is set"),
        Options.Flag("idle-timeout", env: "SHOP_IDLE_TIMEOUT", value: "SECONDS", help: "end the session after this long without a key press (default 1800; 0 = never)"),
        Options.Flag("receipt-dir", env: "SHOP_RECEIPT_DIR", value: "DIR", help: "folder for printed receipts (default ./receipts)"),
        Options.Flag("images", env: "SHOP_IMAGES", value: "auto|kitty|iterm|off", help: "photos as pictures: auto (from TERM and the terminal's variables; unknown terminals get a text marker), kitty or iterm to force a protocol, off"),
        Options.Flag("receipt-command", env: "SHOP_RECEIPT_COMMAND", value: "CMD", help: "printer command fed each receipt on stdin, e.g. 'lp -d counter' (run without a shell)"),
        Options.Flag("receipt-format", env: "SHOP_RECEIPT_FORMAT", value: "text|escpos", help: "receipts as plain text (default) or ESC/POS for a thermal printer (bold, cut, drawer kick)"),
        Options.Flag("receipt-device", env: "SHOP_RECEIPT_DEVICE", value: "PATH", help: "printer device receipts are written to, e.g. /dev/usb/lp0 (opened write-only, appending)"),
        Options.Flag("drawer-command", env: "SHOP_DRAWER_COMMAND", value: "CMD", help: "command that opens the cash drawer after a cash payment (run without a shell)"),
        // No environment fallback: only whoever starts the program (the operator) can ask for it.
        Options.Flag("stats-file", value: "PATH", help: "on exit, write start-up and frame figures as JSON to PATH (Benchmarks/tui)"),
    ] + SessionLimit.flags

    public static let usage = """
    shop \(ShopEngineVersion.string) — usage: shop [--db PATH] [--demo] [options]

    The Shop storefront in this terminal: browse, cart, checkout and orders for customers;
    counter, stock and orders for staff. Keys: arrows or j/k, Enter, Esc back, / search,
    ? help, q quit. Needs a terminal of at least 80×24.

    """ + Options.help(flags)

    public static func run(_ arguments: [String], environment: [String: String] = ProcessInfo.processInfo.environment) -> Int32 {
        let options: Options
        do {
            options = try Options.parse(arguments, flags: flags)
        } catch {
            printError("shop: \(error)")
            return 64
        }
        if options.has("help") { print(usage); return 0 }
        guard options.positional.isEmpty else { printError("shop: unexpected argument \(options.positional[0]) (see --help)"); return 64 }
        // The language and who does bidi: before anything is drawn (Localization/README.md).
        do {
            L.setLanguage(try Language.choose(flag: options.value("lang"), environment: environment))
        } catch {
            printError("shop: \(error)")
            return 64
        }
        guard let bidi = BidiMode.choose(flag: options.value("bidi"), environment: environment) else {
            printError("shop: --bidi must be auto, app or terminal, got \"\(options.value("bidi") ?? "")\"")
            return 64
        }
        L.setBidi(bidi)
        do {
            try L.loadCatalogs()
        } catch {
            printError("shop: \(error)")
            return 1
        }

        guard isatty(0) == 1, isatty(1) == 1, !(environment["TERM"] ?? "").isEmpty || environment["SSH_CONNECTION"] == nil else {
            printError("shop needs a terminal (run it in a terminal, or connect with ssh -t)")
            return 1
        }
        var idle: Double = 1800
        if let text = options.value("idle-timeout") {
            guard let seconds = Double(text), seconds >= 0, seconds <= 86_400 * 7 else { printError("shop: --idle-timeout must be a number of seconds, got \"\(text)\""); return 64 }
            idle = seconds
        }

        // Pictures only where the terminal surely shows them (xterm, tmux, unknown: a text marker).
        guard let images = ImageProtocol.detect(flag: options.value("images"), environment: environment) else {
            printError("shop: --images must be auto, kitty, iterm or off, got \"\(options.value("images") ?? "")\"")
            return 64
        }

        // Over SSH: the client's address, for the session caps and rate limits.
        let sshClientAddress = environment["SSH_CLIENT"]?.split(separator: " ").first.map(String.init)

        // Session caps (SessionLimit.swift): before the store opens and the terminal is touched.
        let sessionSlot: SessionLimit.Slot?
        switch SessionLimit.admit(options, clientAddress: sshClientAddress) {
        case .admitted(let slot): sessionSlot = slot
        case .refused(let message, let status): printError(message); return status
        }
        defer { sessionSlot?.release() }

        let demo: DemoDatabase?
        let shop: Shop
        do {
            // One process per customer: a small SQLite cache each (the file's pages stay in the
            // kernel's cache, shared by all); measured in Benchmarks/tui.
            let cacheKiB = 512
            // The demo store in the session's language: `--demo --lang fa` is the Persian store.
            demo = options.has("demo") ? try DemoDatabase.open(options, cacheKiB: cacheKiB, language: L.language) : nil
            let configuration = try options.configuration(cacheKiB: cacheKiB)
            // This program's stdout is the person at the terminal: a code printed there would
            // sign anyone in as anyone. Only the demo shows codes on screen (marked as such).
            if demo == nil, configuration.messages == .stdout {
                printError("shop: --messages stdout would show sign-in codes to whoever is at this terminal; use --messages file:PATH (read by the operator) or webhook:URL (your SMS/email gateway), or --demo to try the store")
                return 64
            }
            shop = try demo?.shop ?? Shop(configuration)
        } catch let error as ShopError {
            printError("shop: \(error.message)")
            return 1
        } catch {
            printError("shop: \(error)")
            return 1
        }
        defer { demo?.remove() }

        let clientAddress = sshClientAddress ?? "local"
        let receiptCommand = options.value("receipt-command").map(ReceiptPrinter.words)
        if let program = receiptCommand?.first, Subprocess.resolve(program) == nil {
            printError("shop: --receipt-command: \(program) is not an executable file\(program.contains("/") ? "" : " in " + Subprocess.systemDirectories.joined(separator: ", ")); give its full path")
            return 64
        }
        let drawerCommand = options.value("drawer-command").map(ReceiptPrinter.words)
        if let program = drawerCommand?.first, Subprocess.resolve(program) == nil {
            printError("shop: --drawer-command: \(program) is not an executable file\(program.contains("/") ? "" : " in " + Subprocess.systemDirectories.joined(separator: ", ")); give its full path")
            return 64
        }
        let formatText = options.value("receipt-format") ?? ReceiptFormat.text.rawValue
        guard let receiptFormat = ReceiptFormat(rawValue: formatText) else {
            printError("shop: --receipt-format must be text or escpos, got \"\(formatText)\"")
            return 64
        }
        let receiptDevice = options.value("receipt-device").flatMap { $0.isEmpty ? nil : $0 }
        if let receiptDevice, access(receiptDevice, W_OK) != 0 {
            printError("shop: --receipt-device: \(receiptDevice) is not a device or file this account can write")
            return 64
        }
        var settings = SessionSettings(sshKey: SSHPublicKey.fromEnvironment(environment),
                                       receiptCommand: receiptCommand,
                                       receiptDirectory: options.value("receipt-dir"))
        settings.receiptFormat = receiptFormat
        settings.receiptDevice = receiptDevice
        settings.drawerCommand = drawerCommand
        settings.images = images
        if demo != nil { settings.demoPeople = (try? DemoStore.people(language: L.language)) ?? [] }
        let session = Session(shop: shop, clientAddress: clientAddress, settings: settings)
        if let key = settings.sshKey, let signIn = try? shop.accounts.signIn(sshKey: key, clientAddress: clientAddress) {
            session.signedIn(signIn)
            L.applyAccountLanguage(signIn.user.chosenLanguage)
        }

        let backend: NCursesBackend
        do {
            backend = try NCursesBackend(images: images)
        } catch {
            printError("shop: \(error)")
            return 1
        }
        var runnerOptions = RunnerOptions()
        runnerOptions.idleTimeout = idle > 0 ? idle : nil
        let app = ShopApp(session: session, tour: options.has("tour") && demo != nil)
        let runner = Runner(program: app, backend: backend, options: runnerOptions)
        let reason = runner.run()
        backend.restore()
        if let path = options.value("stats-file") { writeStats(path, runner: runner, backend: backend, session: session, reason: reason) }
        shop.store.close()
        switch reason {
        case .idleTimeout: print(L.plural("app.exit.idle", count: Int(idle / 60)))
        case .signal(let signal): return 128 + signal
        default: print(L.t("app.exit.thanks", ["store": session.storeName]))
        }
        return 0
    }

    /// Figures for Benchmarks/tui: when the catalog was first shown, frames and their cost, peak memory.
    static func writeStats(_ path: String, runner: Runner<ShopApp>, backend: NCursesBackend, session: Session, reason: StopReason) {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        let stats: [String: Any] = [
            "catalog_shown_unix_ms": Int64((session.catalogShownAt?.timeIntervalSince1970 ?? 0) * 1000),
            "first_frame_ms": (runner.firstFrameSeconds ?? 0) * 1000,
            "frames": runner.framesDrawn,
            "draw_ms_total": runner.drawSeconds * 1000,
            "max_rss_kib": Int(usage.ru_maxrss),
            "term": backend.terminalType,
            "colors": "\(backend.colorDepth)",
            "images": backend.imageProtocol.rawValue,
            "stop": "\(reason)",
        ]
        if let data = try? JSONSerialization.data(withJSONObject: stats, options: .sortedKeys) { try? data.write(to: URL(fileURLWithPath: path)) }
    }

    static func printError(_ message: String) {
        FileHandle.standardError.write(Data((message + "\n").utf8))
    }
}
