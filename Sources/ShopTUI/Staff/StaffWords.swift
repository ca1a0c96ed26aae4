import ShopEngine

/// The staff screens' shared words in the session's language: payment methods, dates, counts
/// and engine errors. One place per concern, so the customer side's shared helpers (an error
/// formatter, a date formatter) can replace these at merge without touching each screen.
///
///     StaffWords.method(.cash)          // "Cash" / "نقد"
///     StaffWords.timestamp(seconds)     // "2026-11-29 14:30" / "۱۴۰۵/۰۹/۰۸ ۱۴:۳۰"
///     StaffWords.day("2026-11-29")      // "2026-11-29" / "۱۴۰۵/۰۹/۰۸"
enum StaffWords {
    /// A payment method's name.
    static func method(_ method: PaymentMethod) -> String {
        switch method {
        case .cash: L.t("staff.method.cash")
        case .card: L.t("staff.method.card")
        case .transfer: L.t("staff.method.transfer")
        case .cashOnDelivery: L.t("staff.method.cash_on_delivery")
        }
    }

    /// A payment's state.
    static func paymentStatus(_ status: PaymentService.Status) -> String {
        switch status {
        case .pending: L.t("staff.payment_status.pending")
        case .completed: L.t("staff.payment_status.completed")
        case .failed: L.t("staff.payment_status.failed")
        case .refunded: L.t("staff.payment_status.refunded")
        }
    }

    /// An order's state.
    static func orderStatus(_ status: OrderStatus) -> String {
        switch status {
        case .pending: L.t("staff.order_status.pending")
        case .paid: L.t("staff.order_status.paid")
        case .sent: L.t("staff.order_status.sent")
        case .delivered: L.t("staff.order_status.delivered")
        case .cancelled: L.t("staff.order_status.cancelled")
        }
    }

    /// Whether a product is sold: archived (kept for old orders), active or inactive.
    static func status(of product: Product) -> String {
        product.archived ? L.t("staff.product_status.archived") : product.active ? L.t("staff.product_status.active") : L.t("staff.product_status.inactive")
    }

    /// A role's name.
    static func role(_ role: Role) -> String {
        switch role {
        case .customer: L.t("staff.role.customer")
        case .staff: L.t("staff.role.staff")
        case .admin: L.t("staff.role.admin")
        }
    }

    /// A moment (seconds since 1970) as local day and time: Gregorian in English, Solar Hijri
    /// with Persian digits in Persian.
    static func timestamp(_ seconds: Int64) -> String { Format.timestamp(seconds) }   // the one date helper

    /// A calendar day the engine names `YYYY-MM-DD` as the language writes it (unchanged when
    /// it is not a day).
    static func day(_ day: String) -> String { Format.day(day) }

    /// A day typed by staff: Solar Hijri in Persian (`۱۴۰۵/۰۹/۰۸`, any digits), `YYYY-MM-DD` in
    /// English; the engine's `YYYY-MM-DD`. Throws the engine's clear error otherwise.
    static func parseDay(_ text: String, field: String = "day") throws -> String {
        if L.language == .fa { return try JalaliDate.parse(text, field: field).civilDate.description }
        guard let date = CivilDate(Numerals.ascii(text).trimmingCharacters(in: .whitespaces)) else {
            throw ShopError(.invalid, "invalid_day", "Day must look like 2026-11-21", field: field)
        }
        return date.description
    }

    /// "4 items", "4 items on 2 lines": how many things a sale holds.
    static func items(_ units: Int64, lines: Int? = nil) -> String {
        let count = L.plural("staff.items", count: Int(clamping: units))
        guard let lines, lines > 1 else { return count }
        return L.t("staff.items_on_lines", ["items": count, "lines": Format.number(lines)])
    }

    /// An engine error in the session's language (by its stable code in Persian).
    static func error(_ error: any Error) -> String { ScreenContext.describe(error) }   // the one place errors become words

    /// `context.fail(error)`: the notice is in the session's language (`ScreenContext.describe`).
    static func fail(_ error: any Error, _ context: inout ScreenContext) { context.fail(error) }
}
