/// Goods a customer brought back from a delivered order, and the money handed back for them.
public struct OrderReturn: Codable, Sendable, Equatable {
    public struct Line: Codable, Sendable, Equatable {
        /// The order line (`Order.Item.id`).
        public let orderItemId: Int64
        public let productId: Int64
        public let variantId: Int64?
        public let name: String
        public let quantity: Int64
        /// What the goods were worth as sold: quantity × unit price, less their share of the
        /// order's discount.
        public let amount: Int64
    }

    public let id: Int64
    public let orderId: Int64
    public internal(set) var lines: [Line]
    /// Money handed back (cash back: the amount to hand over). Never more than was paid and not
    /// yet refunded, so it can be less than the goods were worth (or zero, for an unpaid order).
    public let refundAmount: Int64
    public let refundMethod: PaymentMethod
    /// The `refunded` payment that records the refund; nil when nothing was refunded.
    public let paymentId: Int64?
    public let createdBy: Int64?
    public let createdAt: Int64

    /// Returns with their lines, attached to the loaded orders (and each line's returned quantity).
    static func attach(_ db: Connection, to orders: inout [Int64: Order], marks: String, ids: [Int64]) throws {
        var byID: [Int64: OrderReturn] = [:]
        var order: [Int64] = []
        try db.forEach("""
            SELECT id, order_id, refund_amount, refund_method, payment_id, created_by, created_at FROM returns
            WHERE order_id IN (\(marks)) ORDER BY id
            """, arguments: ids) {
            let r = OrderReturn(id: $0.int64(0), orderId: $0.int64(1), lines: [], refundAmount: $0.int64(2),
                                refundMethod: PaymentMethod(rawValue: $0.string(3)) ?? .cash, paymentId: $0.optionalInt64(4),
                                createdBy: $0.optionalInt64(5), createdAt: $0.int64(6))
            byID[r.id] = r
            order.append(r.id)
        }
        guard !order.isEmpty else { return }
        try db.forEach("""
            SELECT ri.return_id, ri.order_item_id, oi.product_id, oi.variant_id, oi.name, ri.quantity, ri.amount
            FROM return_items ri JOIN returns r ON r.id = ri.return_id JOIN order_items oi ON oi.id = ri.order_item_id
            WHERE r.order_id IN (\(marks)) ORDER BY ri.id
            """, arguments: ids) {
            byID[$0.int64(0)]?.lines.append(Line(orderItemId: $0.int64(1), productId: $0.int64(2), variantId: $0.optionalInt64(3),
                                                name: $0.string(4), quantity: $0.int64(5), amount: $0.int64(6)))
        }
        for id in order {
            guard let r = byID[id], var o = orders[r.orderId] else { continue }
            o.returns.append(r)
            for line in r.lines {
                if let i = o.items.firstIndex(where: { $0.id == line.orderItemId }) { o.items[i].returnedQuantity += line.quantity }
            }
            orders[r.orderId] = o
        }
    }
}

/// One line of a return request: an order line by its id, or by the product (and variant) sold.
public struct ReturnLine: Sendable, Equatable {
    public enum Target: Sendable, Equatable {
        case orderLine(Int64)
        case product(Int64, variant: Int64?)
    }

    public var target: Target
    public var quantity: Int64

    public init(orderLineID: Int64, quantity: Int64) { target = .orderLine(orderLineID); self.quantity = quantity }
    public init(productID: Int64, variantID: Int64? = nil, quantity: Int64) { target = .product(productID, variant: variantID); self.quantity = quantity }
}

extension Order {
    /// What the returned goods were worth as sold (all returns together).
    public var returnedWorth: Int64 {
        returns.lazy.flatMap(\.lines).reduce(0) { $0.addingReportingOverflow($1.amount).partialValue }
    }

    /// What the order comes to after returns: its total less the goods taken back, and nothing
    /// once everything sold is back. `balance` is what of it is still unpaid.
    public var owed: Int64 {
        guard !returns.isEmpty else { return total }
        if items.allSatisfy({ $0.returnedQuantity >= $0.quantity }) { return 0 }
        return max(0, Money.saturatingDifference(total, returnedWorth))
    }
}

extension OrderService {
    /// What a return did: the order as it is now and the return itself.
    public struct ReturnOutcome: Sendable, Equatable {
        public let order: Order
        public let record: OrderReturn
        /// True when `idempotencyKey` named an earlier return: nothing new was taken back or refunded.
        public var replayed = false
    }

    /// Staff take back some or all lines of a delivered order (counter or online), in one
    /// immediate transaction: the stock goes back through the ledger (reason "return"), the
    /// refund is recorded as a `refunded` payment by `refundMethod`, and the return with its
    /// lines is kept on the order. Never more is taken back than was sold (over all returns of
    /// the order) and never more refunded than was paid; on any error nothing is written.
    ///
    /// ```swift
    /// let done = try shop.orders.returnItems(orderID: order.id, lines: [ReturnLine(orderLineID: order.items[0].id, quantity: 1)],
    ///                                        refundMethod: .cash, caller: staff)
    /// print("Hand over", done.record.refundAmount)
    /// ```
    /// A retried request with the same `idempotencyKey` (scoped to the staff member) returns the
    /// earlier return instead of taking goods back twice.
    public func returnItems(orderID: Int64, lines: [ReturnLine], refundMethod: PaymentMethod, idempotencyKey: String? = nil, caller: Caller) throws -> ReturnOutcome {
        try context.store.write { db in
            // Refuse customers before judging their input.
            let staff = try context.requireStaff(caller, db)
            let key = try idempotencyKey.map { try Self.validIdempotencyKey($0) }
            let scope = "user:\(staff)", fingerprint = Self.fingerprint(orderID: orderID, lines: lines, refundMethod: refundMethod)
            if let key, let existing = try db.first("SELECT id, order_id, request_hash FROM returns WHERE idempotency_scope = ? AND idempotency_key = ?", scope, key,
                                                    map: { (id: $0.int64(0), orderID: $0.int64(1), hash: $0.string(2)) }) {
                guard existing.hash == fingerprint else {
                    throw ShopError(.conflict, "idempotency_key_reused", "This Idempotency-Key was used for a different return")
                }
                let order = try load(db, id: existing.orderID)!
                return ReturnOutcome(order: order, record: order.returns.first { $0.id == existing.id }!, replayed: true)
            }
            guard refundMethod != .cashOnDelivery else {
                throw ShopError.invalid("invalid_refund_method", "Refund by cash, card or bank transfer", field: "refund_method")
            }
            guard !lines.isEmpty else { throw ShopError.invalid("no_return_lines", "Choose at least one line to take back", field: "lines") }
            guard lines.count <= Money.maxLines else { throw ShopError.invalid("too_many_items", "At most \(Money.maxLines) lines per return", field: "lines") }
            guard let order = try load(db, id: orderID) else { throw ShopError.notFound("Order") }
            guard order.status == .delivered else {
                throw ShopError(.conflict, "order_not_delivered", "Order \(order.number) is \(order.status.rawValue); only a delivered order takes returns")
            }

            // Requested quantities per order line (the same line asked twice counts twice).
            var wanted: [(item: Order.Item, quantity: Int64)] = []
            for line in lines {
                try CartService.checkQuantity(line.quantity)
                let item: Order.Item? = switch line.target {
                case .orderLine(let id): order.items.first { $0.id == id }
                case .product(let product, let variant): order.items.first { $0.productId == product && $0.variantId == variant }
                }
                guard let item else { throw ShopError.invalid("unknown_order_line", "Order \(order.number) has no such line", field: "lines") }
                if let i = wanted.firstIndex(where: { $0.item.id == item.id }) {
                    wanted[i].quantity = try Money.sum(wanted[i].quantity, line.quantity, field: "lines")
                } else {
                    wanted.append((item, line.quantity))
                }
            }

            // Never more back than was sold, over every return of this order (read inside this
            // immediate transaction, so two counters returning at once cannot both pass).
            var credited: [(item: Order.Item, quantity: Int64, amount: Int64)] = []
            for (item, quantity) in wanted {
                let before = try db.scalarInt("SELECT coalesce(sum(quantity), 0) FROM return_items WHERE order_item_id = ?", item.id) ?? 0
                let left = try Money.difference(item.quantity, before, field: "lines")
                guard quantity <= left else {
                    throw ShopError(.conflict, "return_exceeds_sold",
                                    left == 0 ? "All \(item.quantity) of \(item.name) are already back" : "Only \(left) of \(item.name) can still come back (\(item.quantity) sold)",
                                    field: "lines")
                }
                credited.append((item, quantity, try Self.worth(quantity: quantity, of: item, in: order)))
            }

            // Never more refunded than was paid (less earlier refunds). Once everything sold is
            // back, the whole rest is refunded, so rounding of discount shares leaves nothing behind.
            // The refund is what was paid (less earlier refunds) beyond what the goods kept still
            // cost: a fully paid order refunds the goods' worth; a partly paid one (cash on
            // delivery) refunds only an overpayment, so the refund never exceeds what was paid.
            let before = try db.first("""
                SELECT coalesce(sum(ri.quantity), 0), coalesce(sum(ri.amount), 0) FROM return_items ri JOIN returns r ON r.id = ri.return_id WHERE r.order_id = ?
                """, orderID, map: { (units: $0.int64(0), worth: $0.int64(1)) }) ?? (0, 0)
            let refundedBefore = try db.scalarInt("SELECT coalesce(sum(refund_amount), 0) FROM returns WHERE order_id = ?", orderID) ?? 0
            let netPaid = max(0, try Money.difference(order.paid, refundedBefore, field: "lines"))
            let soldUnits = try Money.sum(order.items.map(\.quantity), field: "lines")
            let backNow = try Money.sum(before.units, Money.sum(credited.map(\.quantity), field: "lines"), field: "lines")
            let worthBack = try Money.sum(before.worth, Money.sum(credited.map(\.amount), field: "lines"), field: "lines")
            // Once everything sold is back the order costs nothing, so rounding of discount
            // shares leaves nothing behind.
            let stillOwed = backNow == soldUnits ? 0 : max(0, try Money.difference(order.total, worthBack, field: "lines"))
            let refund = max(0, try Money.difference(netPaid, stillOwed, field: "lines"))

            let now = context.now
            var paymentID: Int64?
            if refund > 0 {
                paymentID = try db.insert("INSERT INTO payments(order_id, amount, method, status, created_by, created_at, updated_at) VALUES (?, ?, ?, 'refunded', ?, ?, ?) RETURNING id",
                           arguments: [orderID, refund, refundMethod.rawValue, staff, now, now])
            }
            let returnID = try db.insert("""
                INSERT INTO returns(order_id, refund_amount, refund_method, payment_id, created_by, idempotency_scope, idempotency_key, request_hash, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id
                """, arguments: [orderID, refund, refundMethod.rawValue, paymentID, staff, key == nil ? nil : scope, key, fingerprint, now])
            for line in credited {
                try db.run("INSERT INTO return_items(return_id, order_item_id, quantity, amount) VALUES (?, ?, ?, ?)", returnID, line.item.id, line.quantity, line.amount)
                guard try Ledger.move(db, productID: line.item.productId, variantID: line.item.variantId, delta: line.quantity) else {
                    throw ShopError(.conflict, "product_gone", "\(line.item.name) is no longer in the catalog; its stock cannot be taken back", field: "lines")
                }
                try Ledger.record(db, productID: line.item.productId, variantID: line.item.variantId, delta: line.quantity,
                                  reason: "return", orderID: orderID, userID: staff, now: now)
            }
            let updated = try load(db, id: orderID)!
            return ReturnOutcome(order: updated, record: updated.returns.first { $0.id == returnID }!)
        }
    }

    static func fingerprint(orderID: Int64, lines: [ReturnLine], refundMethod: PaymentMethod) -> String {
        let parts = lines.map { line -> String in
            switch line.target {
            case .orderLine(let id): "line:\(id):\(line.quantity)"
            case .product(let product, let variant): "product:\(product):\(variant ?? 0):\(line.quantity)"
            }
        }
        let text = (["\(orderID)", refundMethod.rawValue] + parts).joined(separator: "\u{1F}")
        return Crypto.hex(Crypto.sha256(Array(text.utf8)))
    }

    /// `quantity` of the line as sold: its price less its share of the order's discount (rounded
    /// down). Computed in 128 bits; the quotient is at most the order total, so it fits.
    static func worth(quantity: Int64, of item: Order.Item, in order: Order) throws -> Int64 {
        let goods = try Money.product(quantity, item.unitPrice, field: "lines")
        guard order.discount > 0, order.subtotal > 0 else { return goods }
        return order.subtotal.dividingFullWidth(goods.multipliedFullWidth(by: order.total)).quotient
    }
}
