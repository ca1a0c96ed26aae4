import Foundation
import Glibc
import Synchronization
import ShopEngine
import CPosix
import ShopTestSupport
@testable import ShopServer

// MARK: - A real API server on 127.0.0.1:0 over a fresh database

/// A `TemporaryShop` (ShopTestSupport) served by a real `HTTPServer` (ephemeral port) with the
/// full API router. `stop()` shuts it down and removes the temporary folder.
final class APIServer: @unchecked Sendable {
    let temporary: TemporaryShop<ManualClock>
    let live: LiveServer
    /// What the server counts for `/metrics` (the same object the router serves).
    let metrics: ServerMetrics
    /// The router the server runs, for in-process calls (e.g. from an address no socket gives).
    let router: Router
    var shop: Shop { temporary.shop }
    var clock: ManualClock { temporary.clock }
    var directory: URL { temporary.directory }
    var messagesPath: String { temporary.messagesPath }
    var port: Int { live.port }

    /// `immediate`: the router's immediate answers on the event loop, as `shop-server` runs it
    /// (false: every request goes to a worker).
    init(corsOrigins: [String] = [], workers: Int = 4, signinLimit: Int = 1000, immediate: Bool = true,
         configure: (inout ShopConfiguration) -> Void = { _ in }, http: (inout HTTPServerConfiguration) -> Void = { _ in }) throws {
        temporary = try TemporaryShop(clock: ManualClock(), prefix: "shop-api", signinLimit: signinLimit, configure: configure)
        let document = try [UInt8](Data(contentsOf: APIServer.openAPIURL))
        let api = ShopAPI(shop: temporary.shop)
        metrics = api.metrics
        router = api.router(openAPIDocument: document, errorLog: { _ in })
        live = try LiveServer({ [metrics] configuration in
            configuration.corsOrigins = corsOrigins
            configuration.workerThreads = workers
            configuration.metrics = metrics
            http(&configuration)
        }, handler: router.handler, immediateHandler: immediate ? router.immediateHandler : nil, refusal: router.refusal)
    }

    deinit { stop() }

    private let stopped = Mutex(false)
    func stop() {
        let first = stopped.withLock { s -> Bool in defer { s = true }; return !s }
        guard first else { return }
        live.stop(timeout: 10)
        temporary.close()
    }

    static var packageRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }
    static var openAPIURL: URL { packageRoot.appendingPathComponent("assets/openapi.json") }

    // MARK: Requests

    /// One request on a new connection. `json` is serialised with JSONSerialization.
    @discardableResult
    func call(_ method: String, _ path: String, json: Any? = nil, body: [UInt8]? = nil, contentType: String? = nil,
              token: String? = nil, headers: [String: String] = [:]) -> APIResult {
        var bytes: [UInt8] = body ?? []
        var type = contentType
        if let json {
            bytes = [UInt8](try! JSONSerialization.data(withJSONObject: json, options: [.fragmentsAllowed]))
            if type == nil { type = "application/json" }
        }
        var head = "\(method) \(path.hasPrefix("/api/") || path.hasPrefix("/healthz") || path.hasPrefix("/metrics") || path.hasPrefix("/openapi") ? path : "/api/v1" + path) HTTP/1.1\r\nHost: test\r\nConnection: close\r\n"
        if let type { head += "Content-Type: \(type)\r\n" }
        if let token { head += "Authorization: Bearer \(token)\r\n" }
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        if !bytes.isEmpty || ["POST", "PUT", "PATCH"].contains(method) { head += "Content-Length: \(bytes.count)\r\n" }
        head += "\r\n"
        let client: TestClient
        do { client = try TestClient(port: port, receiveTimeout: 30) } catch {
            return APIResult(status: -2, headers: [:], body: Array("connect failed: \(error)".utf8))
        }
        client.send(Array(head.utf8) + bytes)
        guard let response = client.readResponse() else {
            return APIResult(status: -1, headers: [:], body: Array("no response (errno \(errno))".utf8))
        }
        return APIResult(status: response.status, headers: response.headers, body: response.body)
    }

    // MARK: Messages (codes)

    /// The latest 6-digit code sent to `to` (a phone in E.164 or an email), from the messages file.
    func lastCode(to: String) -> String? { temporary.lastCode(to: to) }

    var messageCount: Int { temporary.messageCount }

    // MARK: Sign-in helpers

    /// Phone sign-in through the API (request a code, read it, verify). Within the resend cooldown
    /// of the same phone, advances the clock by `Retry-After` and asks again.
    func signIn(phone: String) throws -> Session {
        var requested = call("POST", "/auth/otp/request", json: ["phone": phone])
        if requested.status == 429, let wait = Int64(requested.headers["retry-after"] ?? "") {
            clock.advance(wait)
            requested = call("POST", "/auth/otp/request", json: ["phone": phone])
        }
        guard requested.status == 202, let requestID = requested.object["request_id"] as? String else {
            throw HarnessError("otp/request for \(phone): \(requested.status) \(requested.text)")
        }
        guard let code = lastCode(to: phone) else { throw HarnessError("no code sent to \(phone)") }
        let verified = call("POST", "/auth/otp/verify", json: ["request_id": requestID, "code": code])
        guard verified.status == 200 else { throw HarnessError("otp/verify for \(phone): \(verified.status) \(verified.text)") }
        return try Session(verified)
    }

    func signIn(phone: String, role: Role) throws -> Session {
        _ = try shop.admin.localSetRole(phone: phone, role: role)
        return try signIn(phone: phone)
    }

    /// A product created by `staff` through the API.
    func createProduct(_ staff: Session, sku: String, name: String? = nil, price: Int = 1000, stock: Int = 10,
                       variants: [[String: Any]]? = nil, extra: [String: Any] = [:]) throws -> [String: Any] {
        var body: [String: Any] = ["sku": sku, "name": name ?? "Product \(sku)", "price": price, "stock": stock, "category": "General"]
        if let variants { body["variants"] = variants }
        for (k, v) in extra { body[k] = v }
        let created = call("POST", "/products", json: body, token: staff.access)
        guard created.status == 201 else { throw HarnessError("create product \(sku): \(created.status) \(created.text)") }
        return created.object
    }

    /// A delivery date a week after the shop's clock (the engine refuses past dates).
    var deliveryDate: String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd"
        return formatter.string(from: Date(timeIntervalSince1970: TimeInterval(clock.now() + 7 * 86_400)))
    }

    func contact(_ extra: [String: Any] = [:]) -> [String: Any] {
        var body: [String: Any] = ["first_name": "Nima", "last_name": "Javan", "phone": "+989141883291", "email": "nima@example.com",
                                   "address": "1 Main Street", "postal_code": "6135135", "delivery_date": deliveryDate,
                                   "note": "ring twice", "payment_method": "card"]
        for (k, v) in extra { body[k] = v }
        return body
    }
}

struct HarnessError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// A signed-in user: tokens and id.
struct Session: Sendable {
    let access: String
    let refresh: String
    let userID: Int64
    let isNew: Bool

    init(_ result: APIResult) throws {
        let object = result.object
        guard let access = object["access"] as? String, let refresh = object["refresh"] as? String,
              let user = object["user"] as? [String: Any], let id = (user["id"] as? NSNumber)?.int64Value else {
            throw HarnessError("not a tokens body: \(result.text)")
        }
        self.access = access
        self.refresh = refresh
        self.userID = id
        self.isNew = user["is_new"] as? Bool ?? false
    }
}

/// A response: status, lowercased headers, body (parsed lazily as JSON).
struct APIResult: @unchecked Sendable {
    let status: Int
    let headers: [String: String]
    let body: [UInt8]

    var text: String { String(decoding: body, as: UTF8.self) }
    var json: Any? { try? JSONSerialization.jsonObject(with: Data(body), options: [.fragmentsAllowed]) }
    var object: [String: Any] { json as? [String: Any] ?? [:] }
    var items: [[String: Any]] { object["items"] as? [[String: Any]] ?? [] }
    var code: String? { object["code"] as? String }
    var errorMessage: String? { object["error"] as? String }
    func int(_ key: String) -> Int64? { (object[key] as? NSNumber)?.int64Value }
    func string(_ key: String) -> String? { object[key] as? String }

    /// An error body: exactly a JSON object with string `error` and `code` (and maybe `field`).
    var isErrorBody: Bool {
        guard let error = object["error"] as? String, !error.isEmpty, let code = object["code"] as? String, !code.isEmpty else { return false }
        return headers["content-type"]?.hasPrefix("application/json") == true
    }
}

extension Dictionary where Key == String, Value == Any {
    func int(_ key: String) -> Int64? { (self[key] as? NSNumber)?.int64Value }
    func string(_ key: String) -> String? { self[key] as? String }
}

// MARK: - Images

enum TestImages {
    /// A valid 1×1 PNG (real bytes, CRCs included).
    static let png: [UInt8] = Array(Data(base64Encoded: "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==")!)
    /// A PNG header followed by padding up to `size` bytes (for limit tests).
    static func pngSized(_ size: Int) -> [UInt8] { png + [UInt8](repeating: 0, count: max(0, size - png.count)) }
}

// MARK: - Free ports and child processes

/// A port that was free a moment ago (bind to 0, read it, close).
func freeTCPPort() throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | shop_sock_cloexec, 0)
    defer { close(fd) }
    var addr = sockaddr_in()
    addr.sin_family = sa_family_t(AF_INET)
    addr.sin_port = 0
    addr.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &addr) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { sa -> Int32 in
            guard bind(fd, sa, length) == 0 else { return -1 }
            return getsockname(fd, sa, &length)
        }
    }
    guard bound == 0 else { throw HarnessError("could not bind a free port") }
    return Int(UInt16(bigEndian: addr.sin_port))
}
