import Glibc
import ShopServer

// Temporary entry (HTTP core only): `shop-server --port N --http-only` serves GET /healthz for
// the HTTP benchmark. The routes engineer replaces this file with the real server.
let arguments = CommandLine.arguments
if arguments.contains("--http-only"), let i = arguments.firstIndex(of: "--port"), i + 1 < arguments.count, let port = Int(arguments[i + 1]) {
    var router = Router()
    router.add("GET", "/healthz") { _ in .json(data: Array(#"{"status":"ok"}"#.utf8)) }
    var configuration = HTTPServerConfiguration(host: "127.0.0.1", port: port)
    configuration.accessLog = nil
    let server = HTTPServer(configuration: configuration, handler: router.handler)
    do { try server.start() } catch { print("shop-server: \(error)"); exit(1) }
    server.installShutdownSignals()
    server.run()
} else {
    print("shop-server \(ShopServerVersion.string) — usage: shop-server [--db PATH] [--port N]")
}
