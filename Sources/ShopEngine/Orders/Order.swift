public enum OrderStatus: String, Codable, Sendable, CaseIterable {
    case pending, paid, sent, delivered, cancelled
}

public enum PaymentMethod: String, Codable, Sendable, CaseIterable {
    case cash, card, transfer, cashOnDelivery = "cash_on_delivery"

    public var label: String {
        switch self {
        case .cash: "Cash"
        case .card: "Card"
        case .transfer: "Bank transfer"
        case .cashOnDelivery: "Cash on delivery"
        }
    }
}

/// An order with its lines (names and prices as they were when it was placed).
public struct Order: Codable, Sendable, Equatable {
    public let id: Int64
    public let number: String
    public var status: OrderStatus
    public let channel: Channel
    public let userId: Int64?
    public var items: [Item]
    public let subtotal: Int64
    public let discount: Int64
    public let total: Int64
    /// Sum of completed payments.
    public var paid: Int64
    public let currency: String
    public let couponCode: String?
    public let firstName: String
    public let lastName: String
    public let phone: String
    public let email: String
    public let address: String
    public let postalCode: String
    public let deliveryDate: String
    public let note: String
    public let paymentMethod: PaymentMethod
    public let createdAt: Int64
    public var updatedAt: Int64
    /// Why the order has its current status, when the shop gave a reason
    /// (e.g. "Cancelled: not paid within 30 minutes"); nil otherwise.
    public let statusReason: String?
    /// When the order is cancelled unless paid: set while it waits for an online payment
    /// (card or transfer, nothing paid yet), nil otherwise.
    public internal(set) var expiresAt: Int64?

    /// Where an order was placed: online (web, app, SSH) or at the shop's counter (handed over
    /// on the spot, so never on the packing list).
    public enum Channel: String, Codable, Sendable, CaseIterable {
        case online, counter
    }

    public struct Item: Codable, Sendable, Equatable {
        public let productId: Int64
        public let variantId: Int64?
        public let sku: String
        public let name: String
        public let quantity: Int64
        public let unitPrice: Int64
        /// The order line's id (`order_items.id`), for returns.
        public internal(set) var id: Int64 = 0
        /// How many of `quantity` came back (all returns together); see `Order.returns`.
        public internal(set) var returnedQuantity: Int64 = 0
        /// quantity × unit price (stored figures are validated at checkout; display never traps).
        public var lineTotal: Int64 { Money.saturatingProduct(quantity, unitPrice) }
    }

    /// Goods taken back, oldest first (see `OrderService.returnItems`).
    public internal(set) var returns: [OrderReturn] = []
    /// Money handed back for returned goods (all returns together).
    public var refunded: Int64 { returns.reduce(0) { $0.addingReportingOverflow($1.refundAmount).partialValue } }

    /// Still to pay: what the order comes to (`owed`: the total less returned goods) less what was
    /// paid and not refunded.
    public var balance: Int64 { max(0, Money.saturatingDifference(owed, Money.saturatingDifference(paid, refunded))) }
    public var canBeCancelled: Bool { status == .pending || status == .paid }

    /// The columns `init(row:)` reads by name; select them from `orders o`.
    static let columns = """
        o.id, o.number, o.status, o.channel, o.user_id, o.subtotal, o.discount, o.total,
        (SELECT coalesce(sum(amount), 0) FROM payments WHERE order_id = o.id AND status = 'completed') AS paid,
        o.currency, o.coupon_code, o.first_name, o.last_name, o.phone, o.email, o.address, o.postal_code,
        o.delivery_date, o.note, o.payment_method, o.created_at, o.updated_at,
        (SELECT h.reason FROM order_status_history h WHERE h.order_id = o.id ORDER BY h.id DESC LIMIT 1) AS status_reason
        """

    init(row: Row) {
        id = row.int64("id"); number = row.string("number"); status = row.value("status", or: .pending)
        channel = row.value("channel", or: .online); userId = row.optionalInt64("user_id")
        subtotal = row.int64("subtotal"); discount = row.int64("discount"); total = row.int64("total"); paid = row.int64("paid")
        currency = row.string("currency"); couponCode = row.optionalString("coupon_code")
        firstName = row.string("first_name"); lastName = row.string("last_name"); phone = row.string("phone"); email = row.string("email")
        address = row.string("address"); postalCode = row.string("postal_code"); deliveryDate = row.string("delivery_date"); note = row.string("note")
        paymentMethod = row.value("payment_method", or: .cash); createdAt = row.int64("created_at"); updatedAt = row.int64("updated_at")
        statusReason = row.optionalString("status_reason")
        items = []
    }

    /// Orders by id with their lines, in the order of `ids`. `unpaidExpiry` (seconds) sets
    /// `expiresAt` on orders waiting for an online payment.
    static func load(_ db: Connection, ids: [Int64], unpaidExpiry: Int64? = nil) throws -> [Order] {
        guard !ids.isEmpty else { return [] }
        let marks = Array(repeating: "?", count: ids.count).joined(separator: ",")
        var byID: [Int64: Order] = [:]
        try db.forEach("SELECT \(columns) FROM orders o WHERE o.id IN (\(marks))", arguments: ids) {
            let order = Order(row: $0)
            byID[order.id] = order
        }
        try db.forEach("SELECT order_id, product_id, variant_id, sku, name, quantity, unit_price, id FROM order_items WHERE order_id IN (\(marks)) ORDER BY id", arguments: ids) {
            byID[$0.int64("order_id")]?.items.append(Item(productId: $0.int64("product_id"), variantId: $0.optionalInt64("variant_id"), sku: $0.string("sku"),
                                                          name: $0.string("name"), quantity: $0.int64("quantity"), unitPrice: $0.int64("unit_price"), id: $0.int64("id")))
        }
        try OrderReturn.attach(db, to: &byID, marks: marks, ids: ids)
        return ids.compactMap { byID[$0] }.map { order in
            var order = order
            if let unpaidExpiry, UnpaidOrders.awaitsOnlinePayment(order) { order.expiresAt = order.createdAt + unpaidExpiry }
            return order
        }
    }

    static func load(_ db: Connection, id: Int64, unpaidExpiry: Int64? = nil) throws -> Order? { try load(db, ids: [id], unpaidExpiry: unpaidExpiry).first }
}

public struct OrderPage: Codable, Sendable {
    public let items: [Order]
    public let nextCursor: String?
}

/// Contact and delivery details of an order.
public struct Contact: Codable, Sendable, Equatable {
    public var firstName: String
    public var lastName: String
    public var phone: String
    public var email: String
    public var address: String
    public var postalCode: String
    public var deliveryDate: String
    public var note: String

    public init(firstName: String = "", lastName: String = "", phone: String = "", email: String = "",
                address: String = "", postalCode: String = "", deliveryDate: String = "", note: String = "") {
        self.firstName = firstName; self.lastName = lastName; self.phone = phone; self.email = email
        self.address = address; self.postalCode = postalCode; self.deliveryDate = deliveryDate; self.note = note
    }

    /// Fills the empty name, phone, email, address and postal code fields from `other`.
    mutating func fillBlanks(from other: Contact) {
        for field in [\Contact.firstName, \.lastName, \.phone, \.email, \.address, \.postalCode] where self[keyPath: field].isEmpty {
            self[keyPath: field] = other[keyPath: field]
        }
    }

    /// A complete contact for tests, load generators and demos.
    public static let sample = Contact(firstName: "Sam", lastName: "Sample", phone: "+15551230000", email: "sam@example.com",
                                       address: "1 Main Street", postalCode: "12345")
}

/// A request to place an order: explicit items, or the caller's cart when `items` is nil.
public struct OrderRequest: Sendable {
    public struct Item: Codable, Sendable, Equatable {
        public var productId: Int64
        public var variantId: Int64?
        public var quantity: Int64
        public init(productID: Int64, variantID: Int64? = nil, quantity: Int64) {
            self.productId = productID; self.variantId = variantID; self.quantity = quantity
        }
    }

    public var items: [Item]?
    public var contact: Contact
    public var paymentMethod: PaymentMethod
    public var coupon: String?
    public var idempotencyKey: String?
    /// Staff at the counter: a sale for a walk-in (nil) or for the customer with this id.
    public var counterSale: Bool
    public var customerID: Int64?

    public init(items: [Item]? = nil, contact: Contact, paymentMethod: PaymentMethod = .cash, coupon: String? = nil,
                idempotencyKey: String? = nil, counterSale: Bool = false, customerID: Int64? = nil) {
        self.items = items; self.contact = contact; self.paymentMethod = paymentMethod; self.coupon = coupon
        self.idempotencyKey = idempotencyKey; self.counterSale = counterSale; self.customerID = customerID
    }
}
