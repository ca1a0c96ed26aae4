import ShopEngine

/// The engine's enums as the interface names them, in the session's language (the raw values
/// stay the engine's and the API's).
///
///     Words.status(.paid)          // "paid" / "پرداخت‌شده"
///     Words.method(.cashOnDelivery) // "Cash on delivery" / "پرداخت در محل"
enum Words {
    static func status(_ status: OrderStatus) -> String {
        switch status {
        case .pending: L.t("words.status.pending")
        case .paid: L.t("words.status.paid")
        case .sent: L.t("words.status.sent")
        case .delivered: L.t("words.status.delivered")
        case .cancelled: L.t("words.status.cancelled")
        }
    }

    static func method(_ method: PaymentMethod) -> String {
        switch method {
        case .cash: L.t("words.method.cash")
        case .card: L.t("words.method.card")
        case .transfer: L.t("words.method.transfer")
        case .cashOnDelivery: L.t("words.method.cash_on_delivery")
        }
    }

    static func role(_ role: Role) -> String {
        switch role {
        case .customer: L.t("words.role.customer")
        case .staff: L.t("words.role.staff")
        case .admin: L.t("words.role.admin")
        }
    }

    static func paymentStatus(_ status: PaymentService.Status) -> String {
        switch status {
        case .pending: L.t("words.payment_status.pending")
        case .completed: L.t("words.payment_status.completed")
        case .failed: L.t("words.payment_status.failed")
        case .refunded: L.t("words.payment_status.refunded")
        }
    }

    /// Whether a product is sold: archived (kept for old orders), active or inactive.
    static func status(of product: Product) -> String {
        product.archived ? L.t("words.product_status.archived") : product.active ? L.t("words.product_status.active") : L.t("words.product_status.inactive")
    }
}
