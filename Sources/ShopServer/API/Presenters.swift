import ShopEngine

/// Engine values as the JSON shapes of the API contract (snake_case, explicit nulls).
enum Present {
    static func user(_ u: User) -> JSON {
        .object([("id", .int(u.id)), ("phone", .string(u.phone)), ("username", .string(u.username)), ("email", .string(u.email)),
                 ("first_name", .string(u.firstName)), ("last_name", .string(u.lastName)), ("address", .string(u.address)),
                 ("postal_code", .string(u.postalCode)), ("role", .string(u.role.rawValue)), ("active", .bool(u.active)),
                 ("auth_status", .string(u.authStatus.rawValue)), ("email_verified", .bool(u.emailVerified)), ("phone_verified", .bool(u.phoneVerified)), ("has_password", .bool(u.hasPassword)), ("has_photo", .bool(u.hasPhoto)),
                 ("created_at", .int(u.createdAt)), ("is_new", .bool(u.isNew)),
                 ("language", .string(u.language.rawValue))])
    }

    static func tokens(_ s: SignIn) -> JSON {
        .object([("access", .string(s.access)), ("refresh", .string(s.refresh)), ("token_type", .string("Bearer")),
                 ("expires_in", .int(TokenService.accessLifetime)), ("user", user(s.user))])
    }

    static func product(_ p: Product) -> JSON {
        .object([("id", .int(p.id)), ("sku", .string(p.sku)), ("barcode", .string(p.barcode)), ("name", .string(p.name)),
                 ("description", .string(p.description)), ("category", .string(p.category)), ("price", .int(p.price)),
                 ("currency", .string(p.currency)), ("stock", .int(p.stock)), ("active", .bool(p.active)), ("archived", .bool(p.archived)),
                 ("has_photo", .bool(p.hasPhoto)),
                 ("variants", .array(p.variants.map { .object([("id", .int($0.id)), ("name", .string($0.name)), ("price", .int($0.price)), ("stock", .int($0.stock))]) })),
                 ("created_at", .int(p.createdAt)), ("updated_at", .int(p.updatedAt))])
    }

    static func cart(_ c: CartService.Cart) -> JSON {
        .object([("items", .array(c.items.map { l in
            .object([("id", .int(l.id)), ("product_id", .int(l.productId)), ("variant_id", .int(l.variantId)), ("name", .string(l.name)),
                     ("variant_name", .string(l.variantName)), ("sku", .string(l.sku)), ("quantity", .int(l.quantity)),
                     ("unit_price", .int(l.unitPrice)), ("line_total", .int(l.lineTotal)), ("available", .int(l.available)),
                     ("problem", .string(l.problem))])
        })), ("total", .int(c.total)), ("currency", .string(c.currency)), ("item_count", .int(c.itemCount))])
    }

    static func order(_ o: Order) -> JSON {
        .object([("id", .int(o.id)), ("number", .string(o.number)), ("status", .string(o.status.rawValue)), ("channel", .string(o.channel.rawValue)),
                 ("user_id", .int(o.userId)),
                 ("items", .array(o.items.map { i in
                     .object([("id", .int(i.id)), ("product_id", .int(i.productId)), ("variant_id", .int(i.variantId)), ("sku", .string(i.sku)), ("name", .string(i.name)),
                              ("quantity", .int(i.quantity)), ("unit_price", .int(i.unitPrice)), ("returned_quantity", .int(i.returnedQuantity))])
                 })),
                 ("subtotal", .int(o.subtotal)), ("discount", .int(o.discount)), ("total", .int(o.total)), ("paid", .int(o.paid)),
                 ("balance", .int(o.balance)), ("currency", .string(o.currency)), ("coupon_code", .string(o.couponCode)),
                 ("first_name", .string(o.firstName)), ("last_name", .string(o.lastName)), ("phone", .string(o.phone)), ("email", .string(o.email)),
                 ("address", .string(o.address)), ("postal_code", .string(o.postalCode)), ("delivery_date", .string(o.deliveryDate)),
                 ("note", .string(o.note)), ("payment_method", .string(o.paymentMethod.rawValue)), ("created_at", .int(o.createdAt)),
                 ("updated_at", .int(o.updatedAt)), ("expires_at", .int(o.expiresAt)), ("status_reason", .string(o.statusReason)),
                 ("refunded", .int(o.refunded)), ("returns", .array(o.returns.map(orderReturn)))])
    }

    static func orderReturn(_ r: OrderReturn) -> JSON {
        .object([("id", .int(r.id)), ("order_id", .int(r.orderId)),
                 ("items", .array(r.lines.map { l in
                     .object([("order_item_id", .int(l.orderItemId)), ("product_id", .int(l.productId)), ("variant_id", .int(l.variantId)),
                              ("name", .string(l.name)), ("quantity", .int(l.quantity)), ("amount", .int(l.amount))])
                 })),
                 ("refund_amount", .int(r.refundAmount)), ("refund_method", .string(r.refundMethod.rawValue)),
                 ("payment_id", .int(r.paymentId)), ("created_at", .int(r.createdAt))])
    }

    static func payment(_ p: PaymentService.Payment) -> JSON {
        .object([("id", .int(p.id)), ("order_id", .int(p.orderId)), ("amount", .int(p.amount)), ("method", .string(p.method.rawValue)),
                 ("status", .string(p.status.rawValue)), ("tendered", .int(p.tendered)), ("created_at", .int(p.createdAt))])
    }

    static func coupon(_ c: OrderService.Coupon) -> JSON {
        .object([("id", .int(c.id)), ("code", .string(c.code)), ("kind", .string(c.kind.rawValue)), ("value", .int(c.value)),
                 ("valid_from", .int(c.validFrom)), ("valid_until", .int(c.validUntil)), ("max_uses", .int(c.maxUses)),
                 ("used_count", .int(c.usedCount)), ("active", .bool(c.active))])
    }

    static func movement(_ m: StockMovement) -> JSON {
        .object([("id", .int(m.id)), ("product_id", .int(m.productId)), ("variant_id", .int(m.variantId)), ("delta", .int(m.delta)),
                 ("reason", .string(m.reason)), ("order_id", .int(m.orderId)), ("created_at", .int(m.createdAt))])
    }

    static func outbox(_ m: AdminService.OutboxMessage) -> JSON {
        .object([("id", .int(m.id)), ("channel", .string(m.channel)), ("to", .string(m.to)), ("text", .string(m.text)), ("created_at", .int(m.createdAt))])
    }

    static func settings(_ s: StoreSettings) -> JSON {
        .object([("store_name", .string(s.storeName)), ("low_stock_threshold", .int(s.lowStockThreshold))])
    }

    static func list(_ items: [JSON], next: String? = nil) -> JSON {
        .object([("items", .array(items)), ("next_cursor", .string(next))])
    }
}
