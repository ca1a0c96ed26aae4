import Foundation
import Glibc
import Synchronization
@testable import ShopServer
import CPosix

// MARK: - Live server fixture

/// A running server on 127.0.0.1 with an ephemeral port; `stop()` shuts it down and waits
/// for `run()` to return.
final class LiveServer: Sendable {
    let server: HTTPServer
    let finished = DispatchSemaphore(value: 0)
    let errors = LineCollector()
    var port: Int { server.port }

    init(_ configure: (inout HTTPServerConfiguration) -> Void = { _ in },
         handler: @escaping @Sendable (HTTPRequest) -> HTTPResponse,
         immediateHandler: (@Sendable (HTTPRequest) -> HTTPResponse?)? = nil, refusal: Router.Refusal? = nil) throws {
        var configuration = HTTPServerConfiguration(host: "127.0.0.1", port: 0)
        configuration.accessLog = nil
        configuration.workerThreads = 4
        // SHOP_TEST_EVENT_LOOPS=1 or 3 runs every live-server test with that many event loops.
        if let loops = ProcessInfo.processInfo.environment["SHOP_TEST_EVENT_LOOPS"].flatMap(Int.init) { configuration.eventLoops = loops }
        let errors = self.errors
        configuration.errorLog = { line in errors.append(line) }
        configure(&configuration)
        server = HTTPServer(configuration: configuration, handler: handler, immediateHandler: immediateHandler, refusal: refusal)
        try server.start()
        let thread = Thread { [server, finished] in
            server.run()
            finished.signal()
        }
        thread.start()
    }

    /// Returns true if `run()` returned within the timeout.
    @discardableResult
    func stop(timeout: Double = 5) -> Bool {
        server.shutdown()
        return finished.wait(timeout: .now() + timeout) == .success
    }
}

/// Collects log lines from any thread.
final class LineCollector: Sendable {
    private let storage = Mutex<[String]>([])
    func append(_ line: String) { storage.withLock { $0.append(line) } }
    var lines: [String] { storage.withLock { $0 } }
    var sink: @Sendable (String) -> Void { { [self] in self.append($0) } }
}
