import Foundation
import ShopEngine

/// `shop-server [flags]`: the HTTP JSON API on a database, until SIGTERM/SIGINT.
public enum ServeCommand {
    public static let flags: [Options.Flag] = Options.engineFlags + [
        Options.Flag("host", env: "SHOP_HOST", value: "ADDR", help: "address to listen on (default 127.0.0.1)"),
        Options.Flag("port", env: "SHOP_PORT", value: "N", help: "port to listen on (default 8080; 0 picks a free one)"),
        Options.Flag("cors-origin", env: "SHOP_CORS_ORIGINS", value: "ORIGINS", help: "comma-separated browser origins allowed to call the API"),
        Options.Flag("event-loops", env: "SHOP_EVENT_LOOPS", value: "N", help: "threads doing the network I/O, each with its own connections (default: one per core)"),
        Options.Flag("workers", env: "SHOP_WORKERS", value: "N", help: "threads running requests (default: one per core, at least 2)"),
        Options.Flag("max-connections", env: "SHOP_MAX_CONNECTIONS", value: "N", help: "open connections before new ones get 503 (default 1024)"),
        Options.Flag("max-connections-per-address", env: "SHOP_MAX_CONNECTIONS_PER_ADDRESS", value: "N", help: "open connections from one client address before its new ones get 503 (default \(HTTPServerConfiguration.defaultMaxConnectionsPerAddress))"),
        Options.Flag("demo", help: "serve the demo store: a temporary database, or the one --db names (a file or postgres:// URL) when empty, filled once and reused by later starts; codes go to GET /api/v1/admin/outbox (the demo only)"),
        Options.Flag("lang", env: "SHOP_LANG", value: "en|fa", help: "with --demo, the demo store's language (fa: a Persian store in rials); API errors follow each request's Accept-Language"),
        Options.Flag("quiet", help: "no access log"),
        Options.Flag("log-format", env: "SHOP_LOG_FORMAT", value: "text|json", help: "access log lines as text (default) or one JSON object per line"),
        Options.Flag("log-file", env: "SHOP_LOG_FILE", value: "PATH", help: "append the access log to PATH (created 0640) instead of stderr; SIGHUP reopens it"),
    ]

    public static let usage = """
    shop-server \(ShopEngineVersion.string) — usage: shop-server [--db PATH] [--host ADDR] [--port N] [options]
           shop-server users add --phone PHONE --role admin|staff|customer
           shop-server users list
           shop-server import products FILE.csv [--check]
           shop-server export products|orders|customers|payments [--format csv|json] [--to FILE]
           shop-server migrate --from FILE.sqlite --to postgres://USER@HOST:PORT/DB

    Serves the Shop HTTP JSON API (/api/v1, /healthz, /metrics, /openapi.json) on the database,
    shared safely with every other Shop process. Stops gracefully on SIGTERM or SIGINT;
    SIGHUP reopens the --log-file.

    """ + Options.help(flags)

    public static func run(_ arguments: [String]) -> Int32 {
        var log = AccessLog.standardError
        return CommandExit.run("shop-server", errors: log) {
            let options = try Options.parse(arguments, flags: flags)
            if options.has("help") { print(usage); return 0 }
            let logging = try Logging(options)
            log = logging.messages
            guard options.positional.isEmpty else { throw Options.UsageError(description: "unexpected argument \(options.positional[0]) (see --help)") }
            let perAddress = try number(options, "max-connections-per-address", default: HTTPServerConfiguration.defaultMaxConnectionsPerAddress, range: 1...100_000)
            let eventLoops = try number(options, "event-loops", default: HTTPServerConfiguration.defaultEventLoops, range: 1...256)
            let demo = options.has("demo") ? try DemoDatabase.open(options, language: try demoLanguage(options)) : nil
            defer { demo?.remove() }
            let shop = try demo?.shop ?? Shop(try options.configuration())

            var http = HTTPServerConfiguration(host: options.value("host") ?? "127.0.0.1", port: try number(options, "port", default: 8080, range: 0...65535))
            http.corsOrigins = options.value("cors-origin").map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } } ?? []
            // One worker per core (at least 2) measured fastest here; writes wait on fsync, so allow more.
            http.workerThreads = try number(options, "workers", default: max(2, ProcessInfo.processInfo.activeProcessorCount), range: 1...256)
            http.eventLoops = eventLoops
            if options.value("max-connections") != nil { http.maxConnections = try number(options, "max-connections", default: 1024, range: 1...100_000) }
            http.maxConnectionsPerAddress = perAddress
            logging.configure(&http, quiet: options.has("quiet"))
            let metrics = ServerMetrics()
            http.metrics = metrics
            let document = (try? Assets.data("openapi.json")).map { [UInt8]($0) }
            if document == nil { log("shop-server: assets/openapi.json not found; GET /openapi.json will be 404 (set SHOP_ASSETS)") }
            let server = HTTPServer(configuration: http, router: ShopAPI(shop: shop, metrics: metrics).router(openAPIDocument: document, errorLog: log))
            try server.start()
            server.installShutdownSignals()
            let sweeper = UnpaidOrderSweeper.start(shop, every: 60, log: log) // unpaid orders expire even when nobody reads orders
            log("shop-server: listening on http://\(http.host):\(server.port) database \(shop.store.path)\(demo != nil ? " (demo)" : "")")
            log("shop-server: sign-in codes go to \(shop.configuration.messages.summary)")
            server.run()
            sweeper.stop()
            shop.store.close()
            log("shop-server: stopped")
            return 0
        }
    }

    /// `--lang en|fa` (or `SHOP_LANG`), for the demo store; English when not given.
    static func demoLanguage(_ options: Options) throws -> Language {
        guard let text = options.value("lang") else { return .en }
        guard let language = Language(rawValue: text) else { throw Options.UsageError(description: "--lang must be en or fa, got \"\(text)\"") }
        return language
    }

    static func number(_ options: Options, _ name: String, default value: Int, range: ClosedRange<Int>) throws -> Int {
        guard let text = options.value(name) else { return value }
        guard let n = Int(text), range.contains(n) else {
            throw Options.UsageError(description: "--\(name) must be a number from \(range.lowerBound) to \(range.upperBound), got \"\(text)\"")
        }
        return n
    }
}
