import CPosix
import Glibc

// MARK: - Connection

/// Per-connection state. Touched only by the thread of the event loop that owns it, so it needs no lock and is
/// deliberately not Sendable.
final class Connection {
    enum Deadline { case none, header, body, idle, write, linger }

    /// Where the connection is in its life. Only `EventLoop.enter(_:_:)` changes it, and
    /// `Phase.canBecome` lists every transition:
    ///
    /// ```
    /// readingHead ⇄ readingBody ─► handling ─► writing ─► readingHead …  (keep-alive)
    ///       └───────────┴──────────────┴──────────┴─► closing ─► lingering ─► closed
    /// ```
    /// Any phase may go straight to `closed` (reset, timeout, drain). Pending output is not a
    /// phase of its own: a `100 Continue` can be on its way while the body is still read.
    enum Phase: Equatable {
        /// Waiting for a request line and headers, or idle between keep-alive requests.
        case readingHead
        /// The head is decoded; the body is still arriving.
        case readingBody
        /// A request is with a worker. At most one per connection, so responses stay in
        /// request order; pipelined bytes are read ahead meanwhile.
        case handling
        /// A response is queued to be sent; the connection stays open for the next request.
        case writing
        /// The last response is queued; once it is sent, the write side is shut.
        case closing
        /// Response sent and write side shut; discarding input until EOF so the close is not an RST.
        case lingering
        /// The socket is closed and deregistered.
        case closed

        func canBecome(_ next: Phase) -> Bool {
            switch (self, next) {
            case (.closed, _): false
            case (_, .closed): true
            case (.lingering, _): false
            case (.closing, .closing), (.closing, .lingering): true
            case (.closing, _), (_, .lingering): false
            case (.handling, .writing), (.handling, .closing): true
            case (.handling, _): false
            case (.readingHead, _), (.readingBody, _), (.writing, _): true
            }
        }
    }

    let fd: Int32
    let id: UInt64
    let remoteAddress: String
    var decoder: HTTPRequestDecoder
    var output: [UInt8] = []
    var outputOffset = 0
    private(set) var phase = Phase.readingHead
    /// The peer sent FIN; finish what is buffered, then close. This is the peer's half of the
    /// connection, so it is not a phase: it can happen in any of them.
    var peerClosed = false
    /// Holds a place under `ConnectionCaps` (false for
    /// connections answered with 503, and once a connection starts closing).
    var counted = true
    var served = 0
    var deadline: UInt64 = 0
    var deadlineKind = Deadline.none
    var interest: UInt32 = 0

    var hasOutput: Bool { outputOffset < output.count }
    var isClosed: Bool { phase == .closed }

    /// Only `EventLoop.enter(_:_:)` calls this.
    fileprivate func become(_ next: Phase) {
        assert(phase.canBecome(next), "connection \(id): \(phase) cannot become \(next)")
        phase = next
    }

    init(fd: Int32, id: UInt64, remoteAddress: String, limits: HTTPRequestDecoder.Limits) {
        self.fd = fd
        self.id = id
        self.remoteAddress = remoteAddress
        self.decoder = HTTPRequestDecoder(limits: limits)
    }
}

// MARK: - EventLoop

/// One I/O thread: level-triggered epoll over the shared listening socket (`EPOLLEXCLUSIVE`, so
/// one idle loop wakes per new connection), its mailbox's eventfd and the connections it owns.
/// A connection it accepts goes to the loops in turn (`ServerShared.nextLoop`); its connections
/// live and die on this thread.
final class EventLoop {
    private static let listenToken = UInt64.max
    private static let wakeToken = UInt64.max - 1
    private static let lingerTime: UInt64 = 1_000_000_000
    /// While a request is with a worker, read ahead at most this much (pipelined requests).
    private static let readAheadWhileBusy = 64 * 1024
    private static let continueLine = Array("HTTP/1.1 100 Continue\r\n\r\n".utf8)
    /// Seconds a client turned away at a connection cap is asked to wait.
    static let retryAfterSeconds = 1

    private let shared: ServerShared
    private let config: HTTPServerConfiguration
    private let pool: WorkerPool
    private let index: Int
    private let mailbox: LoopMailbox
    private let epollFD: Int32
    private var listenFD: Int32
    private let wakeFD: Int32
    private var connections: [Int32: Connection] = [:]
    private var nextID: UInt64 = 1
    private var inFlight = 0
    private var acceptPausedUntil: UInt64 = 0
    private var draining = false
    private var drainDeadline: UInt64 = 0
    private let readBuffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 * 1024, alignment: 16)
    private let tick: UInt64
    private let headerTimeout, idleTimeout, bodyTimeout, writeTimeout: UInt64

    init(shared: ServerShared, pool: WorkerPool, index: Int, epollFD: Int32, listenFD: Int32) {
        self.shared = shared
        self.config = shared.configuration
        self.pool = pool
        self.index = index
        self.mailbox = shared.mailboxes[index]
        self.epollFD = epollFD
        self.listenFD = listenFD
        self.wakeFD = mailbox.wakeFD
        headerTimeout = config.headerTimeout.nanoseconds
        idleTimeout = config.idleTimeout.nanoseconds
        bodyTimeout = config.bodyTimeout.nanoseconds
        writeTimeout = config.writeTimeout.nanoseconds
        // Sweep for expired deadlines often enough for the shortest timeout (5 ms … 250 ms).
        let shortest = min(headerTimeout, idleTimeout, bodyTimeout, writeTimeout)
        tick = min(250_000_000, max(5_000_000, shortest / 10))
    }

    deinit { readBuffer.deallocate() }

    func run() {
        watchListener()
        _ = shop_epoll_ctl_u64(epollFD, EPOLL_CTL_ADD, wakeFD, shop_epollin, EventLoop.wakeToken)
        let capacity = 256
        let eventSize = Int(shop_epoll_event_size())
        let events = UnsafeMutableRawPointer.allocate(byteCount: eventSize * capacity, alignment: 16)
        defer { events.deallocate() }
        var nextSweep = MonotonicClock.now() + tick

        while true {
            if shared.draining.load(ordering: .acquiring) && !draining { beginDrain() }
            if draining && ((connections.isEmpty && inFlight == 0) || MonotonicClock.now() >= drainDeadline) { break }

            let now = MonotonicClock.now()
            let waitMs = nextSweep > now ? Int32((nextSweep - now) / 1_000_000) + 1 : 0
            let n = epoll_wait(epollFD, events.assumingMemoryBound(to: epoll_event.self), Int32(capacity), waitMs)
            if n < 0 {
                if errno == EINTR { continue }
                config.errorLog("epoll_wait failed: errno \(errno)")
                break
            }
            for i in 0..<Int(n) {
                let event = (events + i * eventSize).assumingMemoryBound(to: epoll_event.self)
                let token = shop_epoll_event_u64(event)
                let flags = shop_epoll_event_events(event)
                switch token {
                case EventLoop.listenToken: acceptConnections()
                case EventLoop.wakeToken: handleWake()
                default: handleEvent(fd: Int32(truncatingIfNeeded: token), flags: flags)
                }
            }
            let after = MonotonicClock.now()
            if after >= nextSweep {
                sweep(now: after)
                nextSweep = after + tick
            }
        }

        for connection in Array(connections.values) { closeConnection(connection) }
        unwatchListener()
    }

    // MARK: Accept

    private func watchListener() {
        _ = shop_epoll_ctl_u64(epollFD, EPOLL_CTL_ADD, listenFD, shop_epollin | shop_epollexclusive, EventLoop.listenToken)
    }

    /// On drain (or exit). The last loop to let go closes the socket, so new connections are
    /// refused at once while the loops finish what they owe; never while another loop watches it.
    private func unwatchListener() {
        guard listenFD >= 0 else { return }
        _ = shop_epoll_ctl_u64(epollFD, EPOLL_CTL_DEL, listenFD, 0, 0)
        if shared.loopsListening.subtract(1, ordering: .acquiringAndReleasing).newValue == 0 { close(listenFD) }
        listenFD = -1
    }

    private func acceptConnections() {
        guard listenFD >= 0, !shared.draining.load(ordering: .acquiring) else { return }
        for _ in 0..<128 {
            var storage = sockaddr_storage()
            var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
            let fd = withUnsafeMutablePointer(to: &storage) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    accept4(listenFD, $0, &length, shop_sock_nonblock | shop_sock_cloexec)
                }
            }
            if fd < 0 {
                switch errno {
                case EAGAIN, EWOULDBLOCK: return
                case EINTR, ECONNABORTED: continue
                case EMFILE, ENFILE, ENOBUFS, ENOMEM:
                    // Out of descriptors: stop polling the listener for a moment instead of spinning.
                    config.errorLog("accept failed (errno \(errno)); pausing accepts for 100 ms")
                    _ = shop_epoll_ctl_u64(epollFD, EPOLL_CTL_DEL, listenFD, 0, 0)
                    acceptPausedUntil = MonotonicClock.now() + 100_000_000
                    return
                default:
                    config.errorLog("accept failed: errno \(errno)")
                    return
                }
            }
            Socket.setNoDelay(fd)
            let arrival = Arrival(fd: fd, remoteAddress: Socket.ipString(storage))
            let target = shared.nextLoop.wrappingAdd(1, ordering: .relaxed).oldValue % shared.mailboxes.count
            if target == index { adopt(arrival) } else { shared.mailboxes[target].hand(arrival) }
        }
    }

    /// Takes on a connection this loop or another one accepted: registers it, then holds a
    /// place for it under the caps or answers 503.
    private func adopt(_ arrival: Arrival) {
        let connection = Connection(fd: arrival.fd, id: nextID, remoteAddress: arrival.remoteAddress, limits: config.limits)
        nextID += 1
        connections[connection.fd] = connection
        shared.caps.open.add(1, ordering: .relaxed)
        mailbox.adopted.add(1, ordering: .relaxed)
        config.metrics?.connectionOpened()
        connection.interest = shop_epollin | shop_epollrdhup
        _ = shop_epoll_ctl_u64(epollFD, EPOLL_CTL_ADD, connection.fd, connection.interest, UInt64(connection.fd))

        guard let full = shared.caps.reserve(connection.remoteAddress) else {
            setDeadline(connection, .header, headerTimeout)
            return
        }
        connection.counted = false
        if shared.caps.isFarPastCap {
            closeConnection(connection) // far past the cap: not even a 503
            return
        }
        var refusal: HTTPResponse = switch full {
        case .serverBusy: .error(status: 503, message: "Server busy, try again later", code: "unavailable")
        case .addressBusy: .error(status: 503, message: "Too many connections from your address; close one and try again",
                                  code: "too_many_connections")
        }
        refusal.headers.add(name: "Retry-After", value: String(EventLoop.retryAfterSeconds))
        respondInline(connection, refusal, request: nil, close: true)
        drive(connection)
    }

    // MARK: Events

    private func handleEvent(fd: Int32, flags: UInt32) {
        guard let connection = connections[fd] else { return }
        if flags & (shop_epollerr | shop_epollhup) != 0 {
            // Reset or fully shut down: nothing can be written any more. A running handler's
            // result is dropped when it arrives (the connection id no longer matches).
            closeConnection(connection)
            return
        }
        if flags & (shop_epollin | shop_epollrdhup) != 0 {
            readAvailable(connection)
            if connection.isClosed { return }
        }
        drive(connection)
    }

    private func readAvailable(_ c: Connection) {
        while true {
            let n = recv(c.fd, readBuffer.baseAddress, readBuffer.count, 0)
            if n > 0 {
                if c.phase == .lingering { continue }
                c.decoder.feed(UnsafeRawBufferPointer(rebasing: readBuffer[0..<n]))
                if n < readBuffer.count || c.phase == .handling { return }
                continue
            }
            if n == 0 {
                if c.phase == .lingering { closeConnection(c); return }
                c.peerClosed = true
                return
            }
            switch errno {
            case EAGAIN, EWOULDBLOCK: return
            case EINTR: continue
            default: closeConnection(c); return
            }
        }
    }

    private func handleWake() {
        var value: eventfd_t = 0
        _ = eventfd_read(wakeFD, &value)
        let (completions, arrivals) = mailbox.take()
        for arrival in arrivals {
            if draining { close(arrival.fd) } else { adopt(arrival) }
        }
        for completion in completions {
            inFlight -= 1
            guard let c = connections[completion.fd], c.id == completion.connectionID, !c.isClosed else { continue }
            c.served += 1
            if c.hasOutput {
                c.output.append(contentsOf: completion.bytes)
            } else {
                c.output = completion.bytes
                c.outputOffset = 0
            }
            enter(c, completion.close || draining ? .closing : .writing)
            drive(c)
        }
    }

    // MARK: Per-connection state machine

    /// Writes pending output, then decodes and dispatches the next buffered request, until the
    /// connection has to wait for the network or a worker.
    private func drive(_ c: Connection) {
        while !c.isClosed {
            if c.phase == .lingering { updateInterest(c); return }
            if c.hasOutput {
                guard flush(c) else { return }
            }
            switch c.phase {
            case .closing: startLinger(c); return
            case .handling: updateInterest(c); return
            case .readingHead, .readingBody, .writing: break
            case .lingering, .closed: return
            }
            if draining { closeConnection(c); return }

            switch c.decoder.next() {
            case .needMore:
                if c.peerClosed { closeConnection(c); return }
                if c.decoder.isReadingBody {
                    enter(c, .readingBody)
                    if c.deadlineKind != .body { setDeadline(c, .body, bodyTimeout) }
                    if c.decoder.takeContinueRequest() {
                        c.output.append(contentsOf: EventLoop.continueLine)
                        continue // flush it, then come back here for the body
                    }
                } else {
                    enter(c, .readingHead)
                    if c.decoder.hasPartialRequest || c.served == 0 {
                        if c.deadlineKind != .header { setDeadline(c, .header, headerTimeout) }
                    } else if c.deadlineKind != .idle {
                        setDeadline(c, .idle, idleTimeout)
                    }
                }
                updateInterest(c)
                return

            case .request(var request):
                request.remoteAddress = c.remoteAddress
                c.deadlineKind = .none
                if let preflight = shared.cors.preflightResponse(for: request) {
                    c.served += 1
                    respondInline(c, preflight, request: request, close: !request.wantsKeepAlive)
                    continue
                }
                let started = MonotonicClock.now()
                if let answer = shared.answerImmediately(request, startedAt: started) {
                    c.served += 1
                    c.output.append(contentsOf: answer.bytes)
                    enter(c, answer.keepAlive ? .writing : .closing)
                    continue
                }
                enter(c, .handling)
                inFlight += 1
                let shared = self.shared, mailbox = self.mailbox
                let id = c.id, fd = c.fd, job = request
                pool.submit { shared.process(job, connectionID: id, fd: fd, startedAt: started, replyTo: mailbox) }

            case .failure(let status, let message, let code):
                c.deadlineKind = .none
                let refusal = shared.refuse(status: status, message: message, code: code, fields: c.decoder.completeHeadFields)
                respondInline(c, refusal, request: nil, close: true)
            }
        }
    }

    /// Queues a response built on the loop thread (errors, 503, 408, CORS preflight).
    private func respondInline(_ c: Connection, _ response: HTTPResponse, request: HTTPRequest?, close: Bool) {
        let bytes = response.serialize(keepAlive: !close, keepAliveHeader: request?.version == .http1_0,
                                       isHead: request?.method == "HEAD", date: shared.dateCache.line())
        c.output.append(contentsOf: bytes)
        enter(c, close ? .closing : .writing)
        shared.log(request: request, remote: c.remoteAddress, status: response.status, bytes: bytes.count,
                   startedAt: MonotonicClock.now())
    }

    /// Sends pending output. True when all of it is written; false when waiting for EPOLLOUT
    /// or when the connection was closed.
    private func flush(_ c: Connection) -> Bool {
        while c.hasOutput {
            let n = c.output.withUnsafeBytes { buf in
                send(c.fd, buf.baseAddress! + c.outputOffset, buf.count - c.outputOffset, Int32(MSG_NOSIGNAL))
            }
            if n > 0 { c.outputOffset += n; continue }
            if n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) {
                if c.deadlineKind != .write { setDeadline(c, .write, writeTimeout) }
                updateInterest(c)
                return false
            }
            if n < 0 && errno == EINTR { continue }
            closeConnection(c)
            return false
        }
        if c.output.capacity > 256 * 1024 { c.output = [] } else { c.output.removeAll(keepingCapacity: true) }
        c.outputOffset = 0
        if c.deadlineKind == .write { c.deadlineKind = .none }
        return true
    }

    /// Half-closes after the last response and discards input until the peer closes, so the
    /// peer reads our response instead of a reset caused by unread bytes.
    private func startLinger(_ c: Connection) {
        shutdown(c.fd, Int32(SHUT_WR))
        enter(c, .lingering)
        // A closing connection no longer counts against the caps (it is gone within lingerTime).
        release(c)
        setDeadline(c, .linger, draining ? EventLoop.lingerTime / 4 : EventLoop.lingerTime)
        updateInterest(c)
    }

    private func updateInterest(_ c: Connection) {
        guard !c.isClosed else { return }
        var want: UInt32 = 0
        if c.phase == .lingering {
            want = shop_epollin | shop_epollrdhup
        } else {
            let readCap = (c.phase == .handling || c.hasOutput) ? EventLoop.readAheadWhileBusy : Int.max
            if !c.peerClosed && c.decoder.bufferedByteCount < readCap { want |= shop_epollin | shop_epollrdhup }
            if c.hasOutput { want |= shop_epollout }
        }
        if want != c.interest {
            c.interest = want
            _ = shop_epoll_ctl_u64(epollFD, EPOLL_CTL_MOD, c.fd, want, UInt64(c.fd))
        }
    }

    /// Every phase change goes through here (`Connection.Phase.canBecome` says which are allowed).
    private func enter(_ c: Connection, _ phase: Connection.Phase) {
        c.become(phase)
    }

    private func setDeadline(_ c: Connection, _ kind: Connection.Deadline, _ after: UInt64) {
        c.deadlineKind = kind
        c.deadline = MonotonicClock.now() + after
    }

    private func closeConnection(_ c: Connection) {
        guard !c.isClosed else { return }
        enter(c, .closed)
        // Deregister before closing: close() removes the registration only when no other
        // process holds a duplicate of the socket (a child between fork and exec can), and a
        // stale event for this fd number would then hit the next connection that reuses it.
        _ = shop_epoll_ctl_u64(epollFD, EPOLL_CTL_DEL, c.fd, 0, 0)
        close(c.fd)
        connections[c.fd] = nil
        shared.caps.open.subtract(1, ordering: .relaxed)
        config.metrics?.connectionClosed()
        release(c)
    }

    /// Gives a counted connection's places back: the total and its address's. Every close
    /// path (response sent, timeouts, resets, errors, drain) passes through here exactly once.
    private func release(_ c: Connection) {
        guard c.counted else { return }
        c.counted = false
        shared.caps.release(c.remoteAddress)
    }

    // MARK: Timers and shutdown

    private func sweep(now: UInt64) {
        if acceptPausedUntil != 0 && now >= acceptPausedUntil && listenFD >= 0 {
            acceptPausedUntil = 0
            watchListener()
        }
        var expired: [Connection] = []
        for c in connections.values where c.deadlineKind != .none && c.deadline <= now { expired.append(c) }
        for c in expired {
            switch c.deadlineKind {
            case .header, .body:
                if c.phase == .handling || c.hasOutput || c.phase == .lingering {
                    closeConnection(c)
                } else if c.decoder.hasPartialRequest || c.served == 0 && c.decoder.bufferedByteCount > 0 {
                    // A stalled partial request: tell the client why, then close.
                    c.deadlineKind = .none
                    let refusal = shared.refuse(status: 408, message: "Request timeout", code: "request_timeout",
                                                fields: c.decoder.completeHeadFields) // a body that stopped coming: its head was read
                    respondInline(c, refusal, request: nil, close: true)
                    drive(c)
                } else {
                    closeConnection(c) // connected but never sent anything
                }
            case .idle, .write, .linger:
                closeConnection(c)
            case .none:
                break
            }
        }
    }

    private func beginDrain() {
        draining = true
        drainDeadline = MonotonicClock.now() + config.shutdownTimeout.nanoseconds
        unwatchListener()
        for c in Array(connections.values) {
            if c.phase == .handling || c.hasOutput || c.phase == .lingering {
                // Owed a response: close after sending it (one with a worker closes when it returns).
                if c.phase != .handling && c.phase != .lingering { enter(c, .closing) }
            } else {
                closeConnection(c) // idle or mid-request: nothing owed
            }
        }
    }
}
