import ShopEngine
import Synchronization

// MARK: - ServerMetrics

/// What one `shop-server` process counts for `GET /metrics`: requests by route pattern, method
/// and status, a latency histogram, open connections, orders placed and checkouts refused for
/// stock. The store's busy waits come from `BusyWaits` when the page is rendered.
///
/// ```swift
/// let metrics = ServerMetrics()
/// var http = HTTPServerConfiguration(port: 8080)
/// http.metrics = metrics                                  // the server records every request
/// let api = ShopAPI(shop: shop, metrics: metrics)         // orders, and the /metrics route
/// ```
///
/// Label values are bounded: the route is the router's pattern (`/api/v1/products/{id}`, or
/// `unmatched`), never the raw path, and a method outside the standard ones is `other`, so a
/// client cannot grow the table with made-up paths or methods.
public final class ServerMetrics: Sendable {
    /// Upper bounds (seconds) of the latency histogram buckets; `+Inf` is implied.
    public static let latencyBuckets: [Double] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]
    /// The route label of a request no route answered (404, 405, malformed, refused at a cap).
    public static let unmatchedRoute = "unmatched"
    static let knownMethods: Set<String> = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]

    struct RequestKey: Hashable, Sendable {
        let route: String
        let method: String
        let status: Int
    }

    struct Requests: Sendable {
        var counts: [RequestKey: UInt64] = [:]
        /// Per bucket (not cumulative; rendering sums), plus one for +Inf.
        var buckets = [UInt64](repeating: 0, count: ServerMetrics.latencyBuckets.count + 1)
        var sumNanoseconds: UInt64 = 0
        var count: UInt64 = 0
    }

    private let requests = Mutex(Requests())
    private let openConnections = Atomic<Int>(0)
    private let ordersPlaced = Atomic<UInt64>(0)
    private let refusedForStock = Atomic<UInt64>(0)

    public init() {}

    // MARK: Recording

    /// One answered request. `route` is the matched pattern, nil when no route answered.
    public func recordRequest(route: String?, method: String, status: Int, durationNanoseconds: UInt64) {
        let key = RequestKey(route: route ?? Self.unmatchedRoute,
                             method: Self.knownMethods.contains(method) ? method : "other", status: status)
        let seconds = Double(durationNanoseconds) / 1e9
        let bucket = Self.latencyBuckets.firstIndex { seconds <= $0 } ?? Self.latencyBuckets.count
        requests.withLock { r in
            r.counts[key, default: 0] += 1
            r.buckets[bucket] += 1
            r.sumNanoseconds &+= durationNanoseconds
            r.count += 1
        }
    }

    func connectionOpened() { openConnections.add(1, ordering: .relaxed) }
    func connectionClosed() { openConnections.subtract(1, ordering: .relaxed) }

    /// A new order was placed (online or at the counter; an idempotent replay is not a new one).
    public func orderPlaced() { ordersPlaced.add(1, ordering: .relaxed) }
    /// A checkout was refused with `out_of_stock`.
    public func checkoutRefusedForStock() { refusedForStock.add(1, ordering: .relaxed) }

    // MARK: Reading

    /// Requests counted so far for a route pattern (all methods and statuses, or one status).
    public func requestCount(route: String, status: Int? = nil) -> UInt64 {
        requests.withLock { r in
            r.counts.filter { $0.key.route == route && (status == nil || $0.key.status == status) }.values.reduce(0, +)
        }
    }

    public var connections: Int { openConnections.load(ordering: .relaxed) }

    /// The page in the Prometheus text exposition format (version 0.0.4).
    public func render(busyWaits: BusyWaits.Snapshot = BusyWaits.snapshot()) -> String {
        let r = requests.withLock { $0 }
        var page = PrometheusText()

        page.family("shop_http_requests_total", type: "counter",
                    help: "HTTP requests answered, by route pattern, method and status.")
        for (key, value) in r.counts.sorted(by: { ($0.key.route, $0.key.method, $0.key.status) < ($1.key.route, $1.key.method, $1.key.status) }) {
            page.sample("shop_http_requests_total", [("route", key.route), ("method", key.method), ("status", String(key.status))], value)
        }

        page.family("shop_http_request_duration_seconds", type: "histogram",
                    help: "Time from a complete request to its serialized response, in seconds.")
        var cumulative: UInt64 = 0
        for (index, bound) in Self.latencyBuckets.enumerated() {
            cumulative += r.buckets[index]
            page.sample("shop_http_request_duration_seconds_bucket", [("le", PrometheusText.number(bound))], cumulative)
        }
        page.sample("shop_http_request_duration_seconds_bucket", [("le", "+Inf")], r.count)
        page.sample("shop_http_request_duration_seconds_sum", [], Double(r.sumNanoseconds) / 1e9)
        page.sample("shop_http_request_duration_seconds_count", [], r.count)

        page.family("shop_http_open_connections", type: "gauge", help: "Client connections open now.")
        page.sample("shop_http_open_connections", [], UInt64(max(0, connections)))

        page.family("shop_orders_placed_total", type: "counter", help: "Orders placed through this server (online and at the counter).")
        page.sample("shop_orders_placed_total", [], ordersPlaced.load(ordering: .relaxed))

        page.family("shop_checkouts_out_of_stock_total", type: "counter", help: "Checkouts refused because stock ran short (out_of_stock).")
        page.sample("shop_checkouts_out_of_stock_total", [], refusedForStock.load(ordering: .relaxed))

        page.family("shop_db_busy_waits_total", type: "counter", help: "Times a database statement waited for another connection's lock (SQLITE_BUSY) before retrying.")
        page.sample("shop_db_busy_waits_total", [], busyWaits.retries)
        page.family("shop_db_busy_wait_seconds_total", type: "counter", help: "Time spent waiting for database locks, in seconds.")
        page.sample("shop_db_busy_wait_seconds_total", [], busyWaits.seconds)
        return page.text
    }
}

// MARK: - PrometheusText

/// Builds a page in the Prometheus text format: `# HELP` and `# TYPE` per family, then one
/// `name{label="value",…} number` line per sample.
struct PrometheusText {
    private(set) var text = ""

    mutating func family(_ name: String, type: String, help: String) {
        text += "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n"
    }

    mutating func sample(_ name: String, _ labels: [(String, String)], _ value: UInt64) {
        line(name, labels, String(value))
    }

    mutating func sample(_ name: String, _ labels: [(String, String)], _ value: Double) {
        line(name, labels, Self.number(value))
    }

    private mutating func line(_ name: String, _ labels: [(String, String)], _ value: String) {
        text += name
        if !labels.isEmpty {
            text += "{" + labels.map { "\($0.0)=\"\(Self.escape($0.1))\"" }.joined(separator: ",") + "}"
        }
        text += " \(value)\n"
    }

    /// Label values escape backslash, double quote and newline.
    static func escape(_ value: String) -> String {
        var out = ""
        for c in value {
            switch c {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            default: out.append(c)
            }
        }
        return out
    }

    static func number(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return String(value)
    }
}
