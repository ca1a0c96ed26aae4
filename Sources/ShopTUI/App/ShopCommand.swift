import Foundation
import ShopEngine

/// `shop [flags]`: the storefront in this terminal. Over SSH it identifies the client by its
/// address and, in keyed mode, by its key; it never runs a requested command.
public enum ShopCommand {
    /// Their help lines are `cli.flag.*` in the message catalogs (`CommandLineText`).
    public static let flags: [Options.Flag] = Options.engineFlags + [
        Options.Flag("demo"),
        Options.Flag("tour"),
        Options.Flag("lang", env: "SHOP_LANG", value: "en|fa"),
        Options.Flag("bidi", env: "SHOP_BIDI", value: "auto|app|terminal"),
        Options.Flag("idle-timeout", env: "SHOP_IDLE_TIMEOUT", value: "SECONDS"),
        Options.Flag("receipt-dir", env: "SHOP_RECEIPT_DIR", value: "DIR"),
        Options.Flag("images", env: "SHOP_IMAGES", value: "auto|kitty|iterm|off"),
        Options.Flag("receipt-command", env: "SHOP_RECEIPT_COMMAND", value: "CMD"),
        Options.Flag("receipt-format", env: "SHOP_RECEIPT_FORMAT", value: "text|escpos"),
        Options.Flag("receipt-device", env: "SHOP_RECEIPT_DEVICE", value: "PATH"),
        Options.Flag("drawer-command", env: "SHOP_DRAWER_COMMAND", value: "CMD"),
        // No environment fallback: only whoever starts the program (the operator) can ask for it.
        Options.Flag("stats-file", value: "PATH"),
    ] + SessionLimit.flags

    /// `shop --help` in the current language.
    public static var usage: String { CommandLineText.usage(flags) }

    public static func run(_ arguments: [String], environment: [String: String] = ProcessInfo.processInfo.environment) -> Int32 {
        // Help and flag errors already speak the session's language (a bad --lang: the environment's).
        L.setLanguage(CommandLineText.language(arguments, environment: environment))
        let options: Options
        do {
            options = try Options.parse(arguments, flags: flags, environment: environment)
        } catch {
            printError("shop: " + CommandLineText.describe(error))
            return 64
        }
        if options.has("help") { print(usage); return 0 }
        guard options.positional.isEmpty else { printError("shop: " + L.t("cli.error.unexpected_argument", ["argument": options.positional[0]])); return 64 }
        // The language and who does bidi: before anything is drawn (Localization/README.md).
        do {
            L.setLanguage(try Language.choose(flag: options.value("lang"), environment: environment))
        } catch {
            printError("shop: " + CommandLineText.describe(error))
            return 64
        }
        guard let bidi = BidiMode.choose(flag: options.value("bidi"), environment: environment) else {
            printError("shop: " + L.t("cli.error.bidi", ["value": options.value("bidi") ?? ""]))
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
            guard let seconds = Double(text), seconds >= 0, seconds <= 86_400 * 7 else { printError("shop: " + L.t("cli.error.idle_timeout", ["value": text])); return 64 }
            idle = seconds
        }

        // Pictures only where the terminal surely shows them (xterm, tmux, unknown: a text marker).
        guard let images = ImageProtocol.detect(flag: options.value("images"), environment: environment) else {
            printError("shop: " + L.t("cli.error.images", ["value": options.value("images") ?? ""]))
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
                printError("shop: " + L.t("cli.error.messages_stdout"))
                return 64
            }
            shop = try demo?.shop ?? Shop(configuration)
        } catch let error as ShopError {
            printError("shop: \(error.message)")
            return 1
        } catch {
            printError("shop: " + CommandLineText.describe(error))
            return 1
        }
        defer { demo?.remove() }

        let clientAddress = sshClientAddress ?? "local"
        let receiptCommand = options.value("receipt-command").map(ReceiptPrinter.words)
        if let program = receiptCommand?.first, Subprocess.resolve(program) == nil {
            printError("shop: " + notExecutable("--receipt-command", program))
            return 64
        }
        let drawerCommand = options.value("drawer-command").map(ReceiptPrinter.words)
        if let program = drawerCommand?.first, Subprocess.resolve(program) == nil {
            printError("shop: " + notExecutable("--drawer-command", program))
            return 64
        }
        let formatText = options.value("receipt-format") ?? ReceiptFormat.text.rawValue
        guard let receiptFormat = ReceiptFormat(rawValue: formatText) else {
            printError("shop: " + L.t("cli.error.receipt_format", ["value": formatText]))
            return 64
        }
        let receiptDevice = options.value("receipt-device").flatMap { $0.isEmpty ? nil : $0 }
        if let receiptDevice, access(receiptDevice, W_OK) != 0 {
            printError("shop: " + L.t("cli.error.receipt_device", ["path": receiptDevice]))
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

    /// A command flag's program that is not there: "not an executable file in /usr/bin, …" for a bare name.
    static func notExecutable(_ flag: String, _ program: String) -> String {
        program.contains("/") ? L.t("cli.error.not_executable", ["flag": flag, "program": program])
            : L.t("cli.error.not_executable_in", ["flag": flag, "program": program, "folders": Subprocess.systemDirectories.joined(separator: ", ")])
    }

    static func printError(_ message: String) {
        FileHandle.standardError.write(Data((message + "\n").utf8))
    }
}
