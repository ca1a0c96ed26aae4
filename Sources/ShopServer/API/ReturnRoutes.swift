import ShopEngine

// MARK: - Returns

extension ShopAPI {
    /// `POST /orders/{id}/returns {items: [{order_item_id | product_id, variant_id?, quantity}], refund_method}`
    /// (staff): 201 with the return (`refund_amount` is what to hand over) and the order as it is now;
    /// 200 with the earlier return for a retry with the same `Idempotency-Key`.
    mutating func addReturnRoutes() {
        let shop = self.shop
        add("POST", "/orders/{id}/returns") { [self] r in
            let me = try caller(r)
            let b = try RequestBody(r)
            guard let method = PaymentMethod(rawValue: try b.string("refund_method")), method != .cashOnDelivery else {
                throw ShopError(.invalid, "invalid_refund_method", "refund_method must be cash, card or transfer", field: "refund_method")
            }
            guard let items = try b.optionalObjects("items") else { throw ShopError.missing("items") }
            let lines = try items.map { item -> ReturnLine in
                let quantity = try item.int("quantity")
                if let line = try item.optionalInt("order_item_id") { return ReturnLine(orderLineID: line, quantity: quantity) }
                return ReturnLine(productID: try item.int("product_id"), variantID: try item.optionalInt("variant_id"), quantity: quantity)
            }
            let done = try shop.orders.returnItems(orderID: try r.id(), lines: lines, refundMethod: method, idempotencyKey: r.header("idempotency-key"), caller: me)
            let status = done.replayed ? 200 : 201
            guard case .object(var fields) = Present.orderReturn(done.record) else { return .json(status, Present.orderReturn(done.record)) }
            fields.append(("order", Present.order(done.order)))
            return .json(status, .object(fields))
        }
    }
}
