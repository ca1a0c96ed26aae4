import ShopEngine

// MARK: - /metrics

extension ShopAPI {
    /// The Prometheus exposition format's content type (text format 0.0.4).
    static let metricsContentType = "text/plain; version=0.0.4; charset=utf-8"

    /// `GET /metrics` at the server root. Answered to a local client (a loopback peer that is
    /// not relaying for someone else) or to staff with a token; 403 otherwise.
    func metricsHandler(_ request: HTTPRequest) throws -> HTTPResponse {
        let apiRequest = APIRequest(method: request.method, path: request.path, query: request.query,
                                    headers: { request.headers[$0] }, body: [], remoteAddress: request.remoteAddress,
                                    parameters: [:])
        let response = ShopAPI.run({ r in
            if !Self.isLocalClient(address: r.remoteAddress, headers: r.header) {
                // A token that does not check out answers 401 as everywhere; a valid one must be staff.
                guard r.header("authorization") != nil, try caller(r).isStaff else {
                    throw ShopError(.forbidden, "forbidden", "Metrics are for local clients and staff; send a staff token")
                }
            }
            return APIResponse(status: 200, headers: [("Content-Type", Self.metricsContentType), ("Cache-Control", "no-store")],
                               body: Array(metrics.render().utf8))
        }, apiRequest, log: { _ in })
        return HTTPResponse(response)
    }

    /// Whether a peer may read metrics without a token: a loopback address (127.0.0.0/8, ::1,
    /// or either mapped into IPv6) that sends no `Forwarded`, `X-Forwarded-For` or `X-Real-IP`:
    /// a reverse proxy on the same host connects from loopback on behalf of remote clients.
    static func isLocalClient(address: String, headers: (String) -> String?) -> Bool {
        for relay in ["forwarded", "x-forwarded-for", "x-real-ip"] where headers(relay) != nil { return false }
        var host = address.lowercased()
        if host.hasPrefix("::ffff:") { host.removeFirst(7) }
        if host == "::1" || host == "0:0:0:0:0:0:0:1" { return true }
        let parts = host.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts[0] == "127" && parts.allSatisfy { UInt8($0) != nil }
    }

    /// Runs a checkout and counts it: a new order placed, or a refusal for stock.
    func countedCheckout<T>(_ replayed: (T) -> Bool, _ checkout: () throws -> T) throws -> T {
        do {
            let result = try checkout()
            if !replayed(result) { metrics.orderPlaced() }
            return result
        } catch let error as ShopError where error.code == "out_of_stock" {
            metrics.checkoutRefusedForStock()
            throw error
        }
    }
}
