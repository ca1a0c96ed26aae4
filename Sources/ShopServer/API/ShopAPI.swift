import Foundation
import ShopEngine

/// The REST API under `/api/v1`: every route of the contract, each a thin translation between
/// JSON and one engine call. Authorization lives in the engine; this layer only finds the caller.
public struct ShopAPI: Sendable {
    typealias Handler = @Sendable (APIRequest) throws -> APIResponse
    struct Route: Sendable {
        public let method: String
        public let pattern: String
        let handler: Handler
        /// Which cache the handler answers from: then `immediateAnswer` may answer first.
        let cached: CachedBy?
    }
    /// The caches a route's handler answers from.
    enum CachedBy { case guests, caller }

    let shop: Shop
    let cache: ResponseCache
    /// Signed-in callers' own answers, apart, so many accounts never push the catalog out.
    let callerCache: ResponseCache
    /// Orders placed and checkouts refused for stock are counted here; served at `/metrics`.
    public let metrics: ServerMetrics
    /// Error messages in the languages of `Accept-Language` (assets/locales/api-*.txt).
    let errorMessages = ErrorMessages.load()
    private(set) var routes: [Route] = []

    public init(shop: Shop, metrics: ServerMetrics = ServerMetrics()) {
        self.shop = shop
        self.metrics = metrics
        self.cache = ResponseCache(store: shop.store)
        self.callerCache = ResponseCache(store: shop.store, maxEntries: 5_000)
        addAuthRoutes()
        addProfileRoutes()
        addCatalogRoutes()
        addCartRoutes()
        addOrderRoutes()
        addCounterRoutes()
        addAdminRoutes()
    }

    mutating func add(_ method: String, _ path: String, cached: CachedBy? = nil, _ handler: @escaping Handler) {
        routes.append(Route(method: method, pattern: path.hasPrefix("/api/") ? path : "/api/v1" + path, handler: handler, cached: cached))
    }

    // MARK: - Callers

    /// The signed-in caller from `Authorization: Bearer …`; 401 without one. `version`: the
    /// store's change counter already read for this request (nil: read it).
    func caller(_ request: APIRequest, version: Int64? = nil) throws -> Caller {
        try shop.accounts.authenticate(accessToken: try Self.accessToken(request), clientAddress: request.remoteAddress, version: version)
    }

    /// The token of `Authorization: Bearer …`; 401 without one.
    static func accessToken(_ request: APIRequest) throws -> String {
        guard let header = request.header("authorization") else {
            throw ShopError(.unauthorized, "sign_in_required", "Send Authorization: Bearer <access token>")
        }
        // The usual spelling, read without splitting the string.
        let usual = "Bearer ".utf8
        if header.utf8.starts(with: usual), let next = header.utf8.dropFirst(usual.count).first, next != UInt8(ascii: " ") {
            return trimmed(Substring(header.utf8.dropFirst(usual.count)))
        }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else {
            throw ShopError(.unauthorized, "invalid_token", "Authorization must be: Bearer <access token>")
        }
        return trimmed(parts[1])
    }

    /// `text` without surrounding whitespace. A token seldom has any: then no Foundation call,
    /// which cost a quarter of a cached signed-in read (it copies the string through NSString).
    static func trimmed(_ text: Substring) -> String {
        guard let first = text.utf8.first, let last = text.utf8.last,
              first > 0x20, first < 0x80, last > 0x20, last < 0x80 else { return text.trimmingCharacters(in: .whitespaces) }
        return String(text)
    }

    /// The caller when a token is sent, a guest otherwise (browsing).
    func optionalCaller(_ request: APIRequest) throws -> Caller {
        request.header("authorization") == nil ? .guest(address: request.remoteAddress) : try caller(request)
    }

    func guest(_ request: APIRequest) -> Caller { .guest(address: request.remoteAddress) }

    /// Anonymous catalog reads are the same for everyone: serve them from the cache.
    func cachedForGuests(_ request: APIRequest, _ make: () throws -> APIResponse) throws -> APIResponse {
        guard request.header("authorization") == nil else { return try make() }
        return try cache.response(for: ResponseCache.key(path: request.path, query: request.query), make)
    }

    /// A signed-in caller's own reads (profile, cart, orders) are served from the cache too, keyed
    /// by account: the caller is checked first on every request (a revoked session or a
    /// deactivated account is refused before the cache is asked), and any write to the file, in
    /// any process, empties the cache. `expiring`: the answer shows unpaid orders, which change
    /// when one falls due although nothing was written, so it is kept only until then.
    func cachedForCaller(_ request: APIRequest, expiring: Bool = false, _ make: (Caller) throws -> APIResponse) throws -> APIResponse {
        // One read of the change counter for both the session and the answer: whatever any
        // process committed before it (a logout, a deactivation) counts for both.
        let version = try shop.store.changeCounter()
        let me = try caller(request, version: version)
        guard let userID = me.userID else { return try make(me) }
        let clock = shop.configuration.clock
        return try callerCache.response(for: Self.callerKey(userID, request), version: version,
                                  now: { clock.now() }, validUntil: { expiring ? try shop.orders.nextUnpaidExpiry() : nil }) { try make(me) }
    }

    /// What `cachedForGuests` or `cachedForCaller` would answer, when it can be told from memory
    /// alone: the answer kept at the change counter read now without waiting and, for a caller,
    /// their token already checked at it. nil for anything else (no answer kept, a token not seen
    /// since the last change, the counter not at hand, PostgreSQL): then the route runs as usual.
    /// Never reads the database, never waits: the HTTP server's event loop calls it
    /// (`Router.add(…, immediate:)`).
    func immediateAnswer(_ request: APIRequest, from cached: CachedBy) -> APIResponse? {
        switch cached {
        case .guests:
            guard request.header("authorization") == nil, let version = shop.store.changeCounterIfReady() else { return nil }
            return cache.cached(for: ResponseCache.key(path: request.path, query: request.query), version: version, now: { 0 })
        case .caller:
            guard let token = try? Self.accessToken(request), let version = shop.store.changeCounterIfReady(),
                  let me = shop.accounts.knownCaller(accessToken: token, clientAddress: request.remoteAddress, version: version),
                  let userID = me.userID else { return nil }
            let clock = shop.configuration.clock
            return callerCache.cached(for: Self.callerKey(userID, request), version: version, now: { clock.now() })
        }
    }

    /// One account's answer to one read, in `callerCache`.
    private static func callerKey(_ userID: Int64, _ request: APIRequest) -> String {
        "user:\(userID)|" + ResponseCache.key(path: request.path, query: request.query)
    }

    /// Runs a handler: engine errors become their status and JSON body; anything else a logged 500.
    static func run(_ handler: Handler, _ request: APIRequest, messages: ErrorMessages? = nil, log: (String) -> Void) -> APIResponse {
        do {
            return try handler(request)
        } catch let error as ShopError where error.kind != .internal {
            return .error(error, in: request.language, messages: messages)
        } catch {
            log("internal error on \(request.method) \(request.path): \(error)")
            return .error(ShopError(.internal, HTTPResponse.internalErrorCode, HTTPResponse.internalErrorMessage), in: request.language, messages: messages)
        }
    }
}

// MARK: - Auth

extension ShopAPI {
    mutating func addAuthRoutes() {
        let shop = self.shop
        add("POST", "/auth/otp/request") { [self] r in
            let body = try RequestBody(r)
            let sent = try shop.accounts.requestCode(phone: try body.string("phone"), language: r.language, caller: guest(r))
            return .json(202, .object([("request_id", .string(sent.requestId)), ("expires_in", .int(sent.expiresIn)),
                                       ("retry_after", .int(sent.retryAfter)), ("phone", .string(sent.phone))]))
        }
        add("POST", "/auth/otp/verify") { [self] r in
            let body = try RequestBody(r)
            return .json(200, Present.tokens(try shop.accounts.verifyCode(requestID: try body.string("request_id"), code: try body.string("code"), caller: guest(r))))
        }
        add("POST", "/auth/register") { [self] r in
            let b = try RequestBody(r)
            let form = AccountService.Registration(username: try b.string("username"), email: try b.string("email"), password: try b.string("password"),
                                                   passwordConfirm: try b.string("password_confirm"), firstName: try b.string("first_name"),
                                                   lastName: try b.string("last_name"), phone: try b.optionalString("phone"), address: try b.optionalString("address"),
                                                   language: r.language)
            return .json(201, Present.tokens(try shop.accounts.register(form, caller: guest(r))))
        }
        add("POST", "/auth/email/verify") { [self] r in
            let body = try RequestBody(r)
            return .json(200, Present.user(try shop.accounts.verifyEmail(code: try body.string("code"), caller: try caller(r))))
        }
        add("POST", "/auth/email/resend") { [self] r in
            try shop.accounts.resendEmailCode(caller: try caller(r))
            return .json(202, .object([("status", .string("sent"))]))
        }
        add("POST", "/auth/phone/verify") { [self] r in
            let body = try RequestBody(r)
            return .json(200, Present.user(try shop.accounts.verifyPhone(code: try body.string("code"), caller: try caller(r))))
        }
        add("POST", "/auth/phone/resend") { [self] r in
            try shop.accounts.resendPhoneCode(caller: try caller(r))
            return .json(202, .object([("status", .string("sent"))]))
        }
        add("POST", "/auth/login") { [self] r in
            let body = try RequestBody(r)
            return .json(200, Present.tokens(try shop.accounts.login(try body.string("login"), password: try body.string("password"), caller: guest(r))))
        }
        add("POST", "/auth/token/refresh") { [self] r in
            let body = try RequestBody(r)
            return .json(200, Present.tokens(try shop.accounts.refresh(try body.string("refresh"), caller: guest(r))))
        }
        add("POST", "/auth/logout") { [self] r in
            let me = try caller(r)
            let body = try RequestBody(r)
            try shop.accounts.logout(refreshToken: try body.string("refresh"), caller: me)
            return .noContent
        }
        add("POST", "/auth/password/forgot") { [self] r in
            let body = try RequestBody(r)
            try shop.accounts.forgotPassword(login: try body.string("login"), caller: guest(r))
            return .json(202, .object([("status", .string("sent"))]))
        }
        add("POST", "/auth/password/reset") { [self] r in
            let b = try RequestBody(r)
            try shop.accounts.resetPassword(login: try b.string("login"), code: try b.string("code"), password: try b.string("password"),
                                            confirmation: try b.string("password_confirm"), caller: guest(r))
            return .noContent
        }
        add("POST", "/auth/password/change") { [self] r in
            let me = try caller(r)
            let b = try RequestBody(r)
            return .json(200, Present.tokens(try shop.accounts.changePassword(old: try b.optionalString("old_password") ?? "", new: try b.string("password"),
                                                                              confirmation: try b.string("password_confirm"), caller: me)))
        }
    }
}

// MARK: - Profile

extension ShopAPI {
    mutating func addProfileRoutes() {
        let shop = self.shop
        add("GET", "/me", cached: .caller) { [self] r in try cachedForCaller(r) { .json(200, Present.user(try shop.accounts.profile(caller: $0))) } }
        add("GET", "/me/export") { [self] r in
            let document = try AccountService.json(try shop.accounts.exportData(caller: try caller(r)))
            return APIResponse(status: 200, headers: [("Content-Type", "application/json"), ("Content-Disposition", "attachment; filename=\"my-shop-data.json\"")],
                               body: [UInt8](document))
        }
        add("DELETE", "/me") { [self] r in
            let me = try caller(r)
            let b = try RequestBody(r)
            try shop.accounts.deleteAccount(confirmation: try b.string("confirm"), password: try b.optionalString("password"), caller: me)
            return .noContent
        }
        add("PATCH", "/me") { [self] r in
            let me = try caller(r)
            let b = try RequestBody(r)
            let changes = AccountService.ProfileChanges(firstName: try b.optionalString("first_name"), lastName: try b.optionalString("last_name"),
                                                        email: try b.optionalString("email"), phone: try b.optionalString("phone"),
                                                        address: try b.optionalString("address"), postalCode: try b.optionalString("postal_code"),
                                                        language: try b.optionalOneOf("language"))
            return .json(200, Present.user(try shop.accounts.updateProfile(changes, caller: me)))
        }
        add("PUT", "/me/photo") { [self] r in
            try shop.accounts.setPhoto(r.body, contentType: r.header("content-type"), caller: try caller(r))
            return .noContent
        }
        add("GET", "/me/photo") { [self] r in .image(try shop.accounts.photo(caller: try caller(r))) }
    }
}

// MARK: - Catalog

extension ShopAPI {
    mutating func addCatalogRoutes() {
        let shop = self.shop
        add("GET", "/products", cached: .guests) { [self] r in try cachedForGuests(r) {
            let sort = try RequestBody.oneOf(r.query["sort"] ?? ProductQuery.Sort.name.rawValue, key: "sort", allowed: ProductQuery.Sort.allCases)
            let query = ProductQuery(text: r.query["q"], category: r.query["category"], minPrice: try r.queryInt("min_price", minimum: 0), maxPrice: try r.queryInt("max_price", minimum: 0),
                                     inStockOnly: try r.queryBool("in_stock"), sort: sort, limit: try r.limit(), cursor: r.query["cursor"],
                                     includeInactive: try r.queryBool("include_inactive"))
            let page = try shop.catalog.list(query, caller: try optionalCaller(r))
            return .json(200, Present.list(page.items.map(Present.product), next: page.nextCursor))
        } }
        add("GET", "/products/{id}", cached: .guests) { [self] r in try cachedForGuests(r) {
            .json(200, Present.product(try shop.catalog.product(id: try r.id(), caller: try optionalCaller(r))))
        } }
        add("GET", "/categories", cached: .guests) { [self] r in try cachedForGuests(r) {
            .json(200, Present.list(try shop.catalog.categories(caller: guest(r)).map { .object([("name", .string($0.name)), ("product_count", .int($0.productCount))]) }))
        } }
        add("POST", "/products") { [self] r in
            let me = try caller(r)
            let b = try RequestBody(r)
            let draft = ProductDraft(sku: try b.string("sku"), barcode: try b.optionalString("barcode"), name: try b.string("name"),
                                     description: try b.optionalString("description"), category: try b.optionalString("category"),
                                     price: try b.optionalInt("price"), stock: try b.optionalInt("stock"), active: try b.optionalBool("active"),
                                     variants: try Self.variants(b))
            return .json(201, Present.product(try shop.catalog.create(draft, caller: me)))
        }
        add("PATCH", "/products/{id}") { [self] r in
            let me = try caller(r)
            let b = try RequestBody(r)
            let changes = ProductChanges(sku: try b.optionalString("sku"), barcode: b.has("barcode") ? (try b.optionalString("barcode") ?? "") : nil,
                                         name: try b.optionalString("name"), description: try b.optionalString("description"),
                                         category: try b.optionalString("category"), price: try b.optionalInt("price"),
                                         active: try b.optionalBool("active"), variants: try Self.variants(b))
            if b.has("stock") { throw ShopError(.invalid, "invalid_stock", "Change stock with POST /products/{id}/stock and a reason", field: "stock") }
            return .json(200, Present.product(try shop.catalog.update(id: try r.id(), changes, caller: me)))
        }
        add("DELETE", "/products/{id}") { [self] r in
            let result = try shop.catalog.delete(id: try r.id(), caller: try caller(r))
            return .json(200, .object([("result", .string(result.rawValue))]))
        }
        add("PUT", "/products/{id}/photo") { [self] r in
            try shop.catalog.setPhoto(productID: try r.id(), bytes: r.body, contentType: r.header("content-type"), caller: try caller(r))
            return .noContent
        }
        add("GET", "/products/{id}/photo") { [self] r in .image(try shop.catalog.photo(productID: try r.id(), caller: try optionalCaller(r))) }
        add("POST", "/products/{id}/stock") { [self] r in
            let me = try caller(r)
            let b = try RequestBody(r)
            return .json(200, Present.product(try shop.catalog.adjustStock(productID: try r.id(), variantID: try b.optionalInt("variant_id"),
                                                                           delta: try b.int("delta"), reason: try b.string("reason"), caller: me)))
        }
        add("GET", "/products/{id}/stock") { [self] r in
            .json(200, Present.list(try shop.catalog.stockHistory(productID: try r.id(), limit: try r.limit(default: 50), caller: try caller(r)).map(Present.movement)))
        }
    }

    static func variants(_ body: RequestBody) throws -> [VariantDraft]? {
        try body.optionalObjects("variants")?.map {
            VariantDraft(id: try $0.optionalInt("id"), name: try $0.string("name"), price: try $0.int("price"), stock: try $0.optionalInt("stock"))
        }
    }
}

// MARK: - Cart

extension ShopAPI {
    mutating func addCartRoutes() {
        let shop = self.shop
        add("GET", "/cart", cached: .caller) { [self] r in try cachedForCaller(r) { .json(200, Present.cart(try shop.carts.cart(caller: $0))) } }
        add("POST", "/cart/items") { [self] r in
            let me = try caller(r)
            let b = try RequestBody(r)
            return .json(201, Present.cart(try shop.carts.add(productID: try b.int("product_id"), variantID: try b.optionalInt("variant_id"),
                                                              quantity: try b.int("quantity"), caller: me)))
        }
        add("PATCH", "/cart/items/{id}") { [self] r in
            let me = try caller(r)
            let b = try RequestBody(r)
            return .json(200, Present.cart(try shop.carts.update(lineID: try r.id(), quantity: try b.optionalInt("quantity"),
                                                                 variantID: try b.optionalInt("variant_id"), caller: me)))
        }
        add("DELETE", "/cart/items/{id}") { [self] r in .json(200, Present.cart(try shop.carts.remove(lineID: try r.id(), caller: try caller(r)))) }
        add("DELETE", "/cart") { [self] r in
            try shop.carts.clear(caller: try caller(r))
            return .noContent
        }
    }
}

// MARK: - Orders and payments

extension ShopAPI {
    mutating func addOrderRoutes() {
        let shop = self.shop
        add("POST", "/orders") { [self] r in
            let me = try caller(r)
            let b = try RequestBody(r)
            let method: PaymentMethod = try b.oneOf("payment_method")
            let items = try b.optionalObjects("items")?.map {
                OrderRequest.Item(productID: try $0.int("product_id"), variantID: try $0.optionalInt("variant_id"), quantity: try $0.int("quantity"))
            }
            let contact = Contact(firstName: try b.optionalString("first_name") ?? "", lastName: try b.optionalString("last_name") ?? "",
                                  phone: try b.optionalString("phone") ?? "", email: try b.optionalString("email") ?? "",
                                  address: try b.optionalString("address") ?? "", postalCode: try b.optionalString("postal_code") ?? "",
                                  deliveryDate: try b.optionalString("delivery_date") ?? "", note: try b.optionalString("note") ?? "")
            let placed = try countedCheckout({ $0.replayed }) {
                try shop.orders.place(OrderRequest(items: items, contact: contact, paymentMethod: method, coupon: try b.optionalString("coupon"),
                                                   idempotencyKey: r.header("idempotency-key")), caller: me)
            }
            return .json(placed.replayed ? 200 : 201, Present.order(placed.order))
        }
        add("GET", "/orders", cached: .caller) { [self] r in try cachedForCaller(r, expiring: true) { me in
            // `?status=` with no value is not a status: 400, as the document's enum says (like `?sort=`).
            let status = try r.query["status"].map { try RequestBody.oneOf($0, key: "status", allowed: OrderStatus.allCases) }
            let page = try shop.orders.list(status: status, customerID: try r.queryInt("customer_id", minimum: 1), limit: try r.limit(), cursor: r.query["cursor"], caller: me)
            return .json(200, Present.list(page.items.map(Present.order), next: page.nextCursor))
        } }
        add("GET", "/orders/{id}", cached: .caller) { [self] r in try cachedForCaller(r, expiring: true) { .json(200, Present.order(try shop.orders.order(id: try r.id(), caller: $0))) } }
        add("POST", "/orders/{id}/cancel") { [self] r in .json(200, Present.order(try shop.orders.cancel(id: try r.id(), caller: try caller(r)))) }
        add("PATCH", "/orders/{id}") { [self] r in
            let me = try caller(r)
            let b = try RequestBody(r)
            // Any status parses; the engine says which transitions staff may make (sent, delivered).
            let status: OrderStatus = try b.oneOf("status")
            return .json(200, Present.order(try shop.orders.updateStatus(id: try r.id(), to: status, caller: me)))
        }
        add("POST", "/orders/{id}/payments") { [self] r in
            let me = try caller(r)
            let b = try RequestBody(r)
            let method: PaymentMethod = try b.oneOf("method")
            let status = try b.optionalOneOf("status", allowed: [PaymentService.Status.pending, .completed])
            let payment = try shop.payments.create(orderID: try r.id(), amount: try b.int("amount"), method: method, tendered: try b.optionalInt("tendered"),
                                                   completed: status == .completed, idempotencyKey: r.header("idempotency-key"), caller: me)
            return .json(201, Present.payment(payment))
        }
        add("GET", "/orders/{id}/payments") { [self] r in
            let page = try shop.payments.list(orderID: try r.id(), limit: try r.limit(default: 50), cursor: r.query["cursor"], caller: try caller(r))
            return .json(200, Present.list(page.items.map(Present.payment), next: page.nextCursor))
        }
        add("PATCH", "/payments/{id}") { [self] r in
            let me = try caller(r)
            let b = try RequestBody(r)
            let status: PaymentService.Status = try b.oneOf("status")
            return .json(200, Present.payment(try shop.payments.updateStatus(paymentID: try r.id(), to: status, caller: me)))
        }
        addReturnRoutes()
        add("GET", "/coupons") { [self] r in .json(200, Present.list(try shop.orders.coupons(caller: try caller(r)).map(Present.coupon))) }
        add("POST", "/coupons") { [self] r in
            let me = try caller(r)
            let b = try RequestBody(r)
            let kind: OrderService.Coupon.Kind = try b.oneOf("kind")
            return .json(201, Present.coupon(try shop.orders.createCoupon(code: try b.string("code"), kind: kind, value: try b.int("value"),
                                                                          validFrom: try b.optionalInt("valid_from"), validUntil: try b.optionalInt("valid_until"),
                                                                          maxUses: try b.optionalInt("max_uses"), caller: me)))
        }
        add("PATCH", "/coupons/{id}") { [self] r in
            let me = try caller(r)
            let b = try RequestBody(r)
            guard let active = try b.optionalBool("active") else {
                throw ShopError(.invalid, "missing_field", "active is required (false disables the coupon, true enables it again)", field: "active")
            }
            return .json(200, Present.coupon(try shop.orders.setCouponActive(id: try r.id(), active: active, caller: me)))
        }
    }
}

// MARK: - Counter

extension ShopAPI {
    mutating func addCounterRoutes() {
        let shop = self.shop
        add("POST", "/counter/sales") { [self] r in
            let me = try caller(r)
            let b = try RequestBody(r)
            guard let lines = try b.optionalObjects("lines") else { throw ShopError.missing("lines") }
            guard let tenders = try b.optionalObjects("tenders") else { throw ShopError.missing("tenders") }
            let request = CounterSaleRequest(
                lines: try lines.map { OrderRequest.Item(productID: try $0.int("product_id"), variantID: try $0.optionalInt("variant_id"), quantity: try $0.int("quantity")) },
                tenders: try tenders.map { t in
                    guard let method = PaymentMethod(rawValue: try t.string("method")) else {
                        throw ShopError(.invalid, "invalid_method", "Each tender's method must be cash, card or transfer", field: "tenders")
                    }
                    return CounterSaleRequest.Tender(method: method, amount: try t.int("amount"), tendered: try t.optionalInt("tendered"))
                },
                customerID: try b.optionalInt("customer_id"), idempotencyKey: r.header("idempotency-key"))
            let sale = try countedCheckout({ $0.replayed }) { try shop.orders.counterSale(request, caller: me) }
            return .json(sale.replayed ? 200 : 201, .object([("order", Present.order(sale.order)), ("payments", .array(sale.payments.map(Present.payment))),
                                                             ("change", .int(sale.change))]))
        }
    }
}

// MARK: - Admin

extension ShopAPI {
    mutating func addAdminRoutes() {
        let shop = self.shop
        add("GET", "/admin/users") { [self] r in
            let page = try shop.admin.listUsers(query: r.query["q"], limit: try r.limit(default: 50), cursor: r.query["cursor"], caller: try caller(r))
            return .json(200, Present.list(page.items.map(Present.user), next: page.nextCursor))
        }
        add("PATCH", "/admin/users/{id}") { [self] r in
            let me = try caller(r)
            let b = try RequestBody(r)
            let role: Role? = try b.optionalOneOf("role")
            return .json(200, Present.user(try shop.admin.updateUser(id: try r.id(), .init(role: role, active: try b.optionalBool("active")), caller: me)))
        }
        add("GET", "/admin/settings") { [self] r in .json(200, Present.settings(try shop.admin.settings(caller: try caller(r)))) }
        add("PATCH", "/admin/settings") { [self] r in
            let me = try caller(r)
            let b = try RequestBody(r)
            return .json(200, Present.settings(try shop.admin.updateSettings(.init(lowStockThreshold: try b.optionalInt("low_stock_threshold")), caller: me)))
        }
        add("PUT", "/admin/users/{id}/photo") { [self] r in
            try shop.admin.setUserPhoto(userID: try r.id(), bytes: r.body, contentType: r.header("content-type"), caller: try caller(r))
            return .noContent
        }
        add("GET", "/admin/outbox") { [self] r in
            .json(200, Present.list(try shop.admin.outbox(limit: try r.limit(default: 50), caller: try caller(r)).map(Present.outbox)))
        }
    }
}
