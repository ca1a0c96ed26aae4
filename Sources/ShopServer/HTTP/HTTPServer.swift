import CPosix
import Dispatch
import Foundation
import Synchronization

// MARK: - Configuration

/// Settings for `HTTPServer`. Defaults follow the server limits in README.md ("The HTTP API").
public struct HTTPServerConfiguration: Sendable {
    /// Numeric address to bind (`127.0.0.1`, `0.0.0.0`, `::`).
    public var host: String
    /// 0 picks an ephemeral port; read `HTTPServer.port` after `start()`.
    public var port: Int
    /// Threads doing the network I/O, each with its own epoll set and connections (default one
    /// per core; at least 1).
    public var eventLoops: Int = HTTPServerConfiguration.defaultEventLoops
    public static var defaultEventLoops: Int { max(1, ProcessInfo.processInfo.activeProcessorCount) }
    /// Threads running handlers (default 4 × cores).
    public var workerThreads: Int = 4 * ProcessInfo.processInfo.activeProcessorCount
    /// Open connections past which new ones get 503 and are closed.
    public var maxConnections: Int = 1024
    /// Open connections from one client address (an IPv4-mapped IPv6 peer counts as its IPv4
    /// address) past which its new ones get 503 and are closed: one client cannot take every
    /// place under `maxConnections`. An IPv6 address counts on its own (not per /64 prefix).
    public var maxConnectionsPerAddress: Int = HTTPServerConfiguration.defaultMaxConnectionsPerAddress
    public static let defaultMaxConnectionsPerAddress = 64
    /// From accept (or the first byte of a later request) until the header block is complete.
    public var headerTimeout: Duration = .seconds(10)
    /// Keep-alive connection with no request in progress.
    public var idleTimeout: Duration = .seconds(30)
    /// From the end of the headers until the whole body has arrived.
    public var bodyTimeout: Duration = .seconds(30)
    /// A response that the client does not read.
    public var writeTimeout: Duration = .seconds(30)
    /// How long `shutdown()` waits for in-flight requests before closing everything.
    public var shutdownTimeout: Duration = .seconds(30)
    /// Exact origins allowed for CORS (e.g. `https://shop.example`).
    public var corsOrigins: [String] = []
    public var limits = HTTPRequestDecoder.Limits()
    /// One line per request; nil disables the access log.
    public var accessLog: (@Sendable (String) -> Void)? = AccessLog.standardError
    /// How access-log lines are written (README.md, "Metrics and logs").
    public var accessLogFormat: AccessLog.Format = .text
    /// Counts requests, latency and open connections for `GET /metrics`; nil counts nothing.
    public var metrics: ServerMetrics?
    /// Server-side problems (handler errors, accept failures).
    public var errorLog: @Sendable (String) -> Void = AccessLog.standardError
    public var listenBacklog: Int32 = 1024

    public init(host: String = "127.0.0.1", port: Int = 8080) {
        self.host = host
        self.port = port
    }
}

// MARK: - HTTPServer

/// HTTP/1.1 server: `eventLoops` epoll event-loop threads sharing one listening socket (each
/// owns the connections it takes on), a pool of worker threads for handlers.
///
/// ```swift
/// let server = HTTPServer(configuration: .init(port: 0), handler: router.handler)
/// try server.start()                 // binds; server.port is known now
/// server.installShutdownSignals()    // SIGTERM/SIGINT → graceful shutdown
/// server.run()                       // blocks until shutdown() completes
/// ```
public final class HTTPServer: Sendable {
    public let configuration: HTTPServerConfiguration
    let shared: ServerShared

    private struct Sockets {
        var listenFD: Int32 = -1
        var epollFDs: [Int32] = []
        var port = 0
        var started = false
        var running = false
    }
    private let sockets = Mutex(Sockets())

    /// Kept alive while installed; guarded by the mutex (DispatchSource is not Sendable-annotated).
    private let signalSources = Mutex<[any DispatchSourceSignal]>([])

    /// `handler` runs on a worker thread; anything it returns that cannot be sent safely becomes
    /// a logged 500. `immediateHandler` (e.g. `Router.immediateHandler`) is asked first, on the
    /// event-loop thread: an answer it gives is sent at once, without a trip to a worker and back;
    /// nil sends the request to `handler`. It must never block.
    /// `refusal` words the server's own errors for a request whose header fields were read
    /// (e.g. in their `Accept-Language`); without it, or without the fields, they are English.
    public init(configuration: HTTPServerConfiguration, handler: @escaping @Sendable (HTTPRequest) -> HTTPResponse,
                immediateHandler: (@Sendable (HTTPRequest) -> HTTPResponse?)? = nil, refusal: Router.Refusal? = nil) {
        self.configuration = configuration
        self.shared = ServerShared(configuration: configuration, handler: handler, immediateHandler: immediateHandler, refusal: refusal)
    }

    /// Serves `router`: its handlers on workers, its immediate answers on the event loop, its
    /// refusals for the server's own errors.
    public convenience init(configuration: HTTPServerConfiguration, router: Router) {
        self.init(configuration: configuration, handler: router.handler, immediateHandler: router.immediateHandler, refusal: router.refusal)
    }

    /// Responses the immediate handler gave (the rest went to workers).
    public var immediateAnswers: Int { shared.immediateAnswers.load(ordering: .relaxed) }

    /// The bound port (after `start()`).
    public var port: Int { sockets.withLock { $0.port } }

    /// Binds and listens. Ignores SIGPIPE for the process.
    public func start() throws {
        signal(SIGPIPE, SIG_IGN)
        let (listenFD, port) = try Socket.listen(host: configuration.host, port: configuration.port,
                                                 backlog: configuration.listenBacklog)
        var epollFDs: [Int32] = []
        func fail(_ operation: String) -> HTTPServerError {
            let e = errno
            close(listenFD)
            epollFDs.forEach { close($0) }
            shared.mailboxes.forEach { $0.closeWakeFD() }
            return HTTPServerError(operation: operation, errorNumber: e)
        }
        for mailbox in shared.mailboxes {
            let epollFD = epoll_create1(shop_epoll_cloexec)
            guard epollFD >= 0 else { throw fail("epoll_create1") }
            epollFDs.append(epollFD)
            let wakeFD = eventfd(0, shop_efd_nonblock | shop_efd_cloexec)
            guard wakeFD >= 0 else { throw fail("eventfd") }
            mailbox.setWakeFD(wakeFD)
        }
        sockets.withLock {
            $0.listenFD = listenFD
            $0.epollFDs = epollFDs
            $0.port = port
            $0.started = true
        }
    }

    /// Runs event loop 0 on the calling thread and the others on threads of their own until
    /// `shutdown()` has drained the server.
    public func run() {
        let fds: (listen: Int32, epolls: [Int32])? = sockets.withLock { s in
            guard s.started, !s.running else { return nil }
            s.running = true
            return (s.listenFD, s.epollFDs)
        }
        guard let fds else { return }
        let pool = WorkerPool(threads: configuration.workerThreads, name: "http-worker")
        shared.loopsListening.store(fds.epolls.count, ordering: .releasing)
        let others = DispatchGroup()
        for index in fds.epolls.indices.dropFirst() {
            others.enter()
            let thread = Thread { [shared, pool] in
                EventLoop(shared: shared, pool: pool, index: index, epollFD: fds.epolls[index], listenFD: fds.listen).run()
                others.leave()
            }
            thread.name = "http-loop-\(index)"
            thread.stackSize = 8 << 20 // immediate answers run here, as on the main thread
            thread.start()
        }
        EventLoop(shared: shared, pool: pool, index: 0, epollFD: fds.epolls[0], listenFD: fds.listen).run()
        others.wait()
        pool.stop()
        shared.mailboxes.forEach { $0.closeWakeFD() }
        fds.epolls.forEach { close($0) } // the listening socket was closed by the last loop to drain
        sockets.withLock { $0.started = false; $0.listenFD = -1; $0.epollFDs = [] }
    }

    /// Connections each event loop took on so far (for tests).
    var adoptedPerLoop: [Int] { shared.mailboxes.map { $0.adopted.load(ordering: .relaxed) } }

    /// Stops accepting, lets in-flight requests finish and be answered, closes connections, and
    /// makes `run()` return. Safe from any thread, including signal sources; idempotent.
    public func shutdown() {
        shared.draining.store(true, ordering: .releasing)
        shared.mailboxes.forEach { $0.wake() }
    }

    /// SIGTERM and SIGINT call `shutdown()`. The signals are ignored first so the default action
    /// (terminate) does not run; DispatchSource still observes them.
    public func installShutdownSignals() {
        signalSources.withLock { sources in
            for sig in [SIGTERM, SIGINT] {
                signal(sig, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
                source.setEventHandler { [self] in self.shutdown() }
                source.resume()
                sources.append(source)
            }
        }
    }
}

// MARK: - Shared state (loop + workers)

/// State used by the loop threads and the workers. Every mutable part is a `Mutex` or
/// `Atomic`, so the class is plainly `Sendable`.
final class ServerShared: Sendable {
    let configuration: HTTPServerConfiguration
    let handler: @Sendable (HTTPRequest) -> HTTPResponse
    let immediateHandler: (@Sendable (HTTPRequest) -> HTTPResponse?)?
    let immediateAnswers = Atomic<Int>(0)
    private let refusal: Router.Refusal?
    let cors: CORSPolicy
    let dateCache = DateHeaderCache()
    let draining = Atomic<Bool>(false)

    /// One per event loop, in loop order.
    let mailboxes: [LoopMailbox]
    /// Loops take new connections in turn: the next one goes to `nextLoop % mailboxes.count`.
    let nextLoop = Atomic<Int>(0)
    let caps: ConnectionCaps
    /// Loops still watching the listening socket (`EventLoop.unwatchListener`).
    let loopsListening = Atomic<Int>(0)

    init(configuration: HTTPServerConfiguration, handler: @escaping @Sendable (HTTPRequest) -> HTTPResponse,
         immediateHandler: (@Sendable (HTTPRequest) -> HTTPResponse?)? = nil, refusal: Router.Refusal? = nil) {
        self.configuration = configuration
        self.handler = handler
        self.immediateHandler = immediateHandler
        self.refusal = refusal
        self.cors = CORSPolicy(origins: configuration.corsOrigins)
        self.mailboxes = (0..<max(1, configuration.eventLoops)).map { _ in LoopMailbox() }
        self.caps = ConnectionCaps(maxConnections: configuration.maxConnections, maxPerAddress: configuration.maxConnectionsPerAddress)
    }

    /// Runs on a worker thread: the handler, then `finish`.
    func process(_ request: HTTPRequest, connectionID: UInt64, fd: Int32, startedAt: UInt64, replyTo mailbox: LoopMailbox) {
        let (bytes, keepAlive) = finish(handler(request), for: request, startedAt: startedAt)
        mailbox.post(Completion(connectionID: connectionID, fd: fd, bytes: bytes, close: !keepAlive))
    }

    /// On the loop thread: the immediate handler's answer, finished, or nil (then a worker's).
    func answerImmediately(_ request: HTTPRequest, startedAt: UInt64) -> (bytes: [UInt8], keepAlive: Bool)? {
        guard let immediateHandler, let response = immediateHandler(request) else { return nil }
        immediateAnswers.add(1, ordering: .relaxed)
        return finish(response, for: request, startedAt: startedAt)
    }

    /// The server's own error (before routing): worded by `refusal` when the request's header
    /// fields were read, else in English.
    func refuse(status: Int, message: String, code: String, fields: HTTPHeaders?) -> HTTPResponse {
        guard let refusal, let fields else { return .error(status: status, message: message, code: code) }
        return refusal(fields, status, code, message)
    }

    /// A handler's response on its way out: safety checks, CORS, serialization, access log.
    private func finish(_ response: HTTPResponse, for request: HTTPRequest, startedAt: UInt64) -> (bytes: [UInt8], keepAlive: Bool) {
        var response = response
        if !response.isWellFormed {
            configuration.errorLog("handler returned an invalid response (status \(response.status)) for \(request.method) \(request.rawPath)")
            response = .internalError
        }
        cors.decorate(&response, for: request)
        let keepAlive = request.wantsKeepAlive && !draining.load(ordering: .acquiring)
        let bytes = response.serialize(keepAlive: keepAlive, keepAliveHeader: request.version == .http1_0,
                                       isHead: request.method == "HEAD", date: dateCache.line())
        log(request: request, route: response.route, status: response.status, bytes: bytes.count, startedAt: startedAt)
        return (bytes, keepAlive)
    }

    /// The access-log line and the request metrics of one response (`route` nil: no route answered).
    func log(request: HTTPRequest?, remote: String? = nil, route: String? = nil, status: Int, bytes: Int, startedAt: UInt64) {
        let elapsed = MonotonicClock.now() &- startedAt
        configuration.metrics?.recordRequest(route: route, method: request?.method ?? "-", status: status, durationNanoseconds: elapsed)
        guard let sink = configuration.accessLog else { return }
        let entry = AccessLog.Entry(remote: request?.remoteAddress ?? remote ?? "-", method: request?.method ?? "-",
                                    route: route, path: request?.rawPath ?? "-", status: status, bytes: bytes, durationNanos: elapsed)
        sink(AccessLog.line(entry, format: configuration.accessLogFormat))
    }
}
