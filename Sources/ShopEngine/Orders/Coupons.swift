import Foundation

// MARK: - Coupons (staff): issue, disable, list
//
// Codes are unique in the coupons table (`code TEXT NOT NULL UNIQUE COLLATE NOCASE`), so two
// coupons with the same code never exist and their windows can never overlap. The rule that
// follows, and the one we keep: **a code names one coupon for good** — it is never issued again,
// even after its coupon ended or was disabled, so the code an old order carries always means one
// coupon (its value, its window, its uses). Issuing an existing code is a conflict that says what
// the existing coupon is doing (running, not started, ended, disabled); a new run of a promotion
// takes a new code (TEN-DEC, TEN-JAN).

extension OrderService {
    /// Issues a coupon after checking every field; each refusal names its field
    /// (`code`, `value`, `valid_from`, `valid_until`, `max_uses`).
    ///
    /// ```swift
    /// let window = try OrderService.CouponWindow(from: "2026-12-01", until: "2026-12-31")
    /// let ten = try shop.orders.issueCoupon(code: "TEN", kind: .percent, value: 10, validFrom: window.from,
    ///                                       validUntil: window.until, maxUses: 100, caller: staff)
    /// ```
    public func issueCoupon(code: String, kind: Coupon.Kind, value: Int64, validFrom: Int64?, validUntil: Int64?, maxUses: Int64?, caller: Caller) throws -> Coupon {
        _ = try context.store.read { try context.requireStaff(caller, $0) }   // refuse customers before judging their input
        let code = code.trimmingCharacters(in: .whitespaces).uppercased()
        guard (3...32).contains(code.count), code.unicodeScalars.allSatisfy({ CharacterSetASCII.alnum($0) || $0 == "-" || $0 == "_" }) else {
            throw ShopError.invalid("invalid_coupon_code", "Coupon codes are 3–32 letters, digits, dashes or underscores", field: "code")
        }
        guard value > 0, kind == .fixed ? value <= Money.maxAmount : value <= 100 else {
            throw ShopError.invalid("invalid_coupon_value", "A percent coupon is 1–100; a fixed one more than 0 and at most \(Money.maxAmount)", field: "value")
        }
        let now = context.now
        if let from = validFrom, from < 0 {
            throw ShopError.invalid("invalid_coupon_date", "valid_from must be a time (seconds since 1970), not negative", field: "valid_from")
        }
        if let until = validUntil {
            if until < 0 { throw ShopError.invalid("invalid_coupon_date", "valid_until must be a time (seconds since 1970), not negative", field: "valid_until") }
            if let from = validFrom, until <= from {
                throw ShopError.invalid("invalid_coupon_dates", "valid_until must be after valid_from", field: "valid_until")
            }
            if until <= now { throw ShopError.invalid("coupon_window_past", "valid_until is already past: the coupon would never be usable", field: "valid_until") }
        }
        if let maxUses, !(1...1_000_000_000).contains(maxUses) {
            throw ShopError.invalid("invalid_coupon_uses", "max_uses must be from 1 to 1000000000", field: "max_uses")
        }
        return try context.store.write { db in
            _ = try context.requireStaff(caller, db)
            if let existing = try Self.coupon(db, code: code) {
                throw ShopError(.conflict, Self.couponExists, "Coupon \(existing.code) exists (\(existing.state(at: now).rawValue)); a code is never issued twice, so pick a new one", field: "code")
            }
            let couponID = try db.insert("INSERT INTO coupons(code, kind, value, valid_from, valid_until, max_uses, created_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
                       arguments: [code, kind.rawValue, value, validFrom, validUntil, maxUses, now])
            return try Self.coupon(db, id: couponID)!
        }
    }

    /// Disables (or enables again) a coupon. A disabled coupon is refused at checkout with
    /// `coupon_disabled`; orders that already used it keep their discount.
    public func setCouponActive(id: Int64, active: Bool, caller: Caller) throws -> Coupon {
        try context.store.write { db in
            _ = try context.requireStaff(caller, db)
            guard try db.run("UPDATE coupons SET active = ? WHERE id = ?", active, id) == 1 else { throw ShopError.notFound("Coupon") }
            return try Self.coupon(db, id: id)!
        }
    }

    static let couponExists = "coupon_exists"

    // Positional decoding kept beside its one SELECT list.
    private static let couponColumns = "id, code, kind, value, valid_from, valid_until, max_uses, used_count, active"
    private static func decodeCoupon(_ row: Row) -> Coupon {
        Coupon(id: row.int64(0), code: row.string(1), kind: Coupon.Kind(rawValue: row.string(2)) ?? .fixed, value: row.int64(3), validFrom: row.optionalInt64(4),
               validUntil: row.optionalInt64(5), maxUses: row.optionalInt64(6), usedCount: row.int64(7), active: row.bool(8))
    }
    static func coupon(_ db: Connection, id: Int64) throws -> Coupon? {
        try db.first("SELECT \(couponColumns) FROM coupons WHERE id = ?", id, map: decodeCoupon)
    }
    static func coupon(_ db: Connection, code: String) throws -> Coupon? {
        try db.first("SELECT \(couponColumns) FROM coupons WHERE code = ?", code, map: decodeCoupon)
    }
}

extension OrderService.Coupon {
    /// What a coupon is doing at a moment, as staff see it in the list.
    public enum State: String, Sendable {
        case running, scheduled = "not started", ended, usedUp = "used up", disabled
    }

    public func state(at now: Int64) -> State {
        if !active { return .disabled }
        if let until = validUntil, now >= until { return .ended }
        if let from = validFrom, now < from { return .scheduled }
        if let maxUses, usedCount >= maxUses { return .usedUp }
        return .running
    }
}

extension OrderService {
    /// A validity window typed as days (`YYYY-MM-DD`, the shop's local time): valid from the start
    /// of the first day until the end of the last day. An empty text means no bound.
    public struct CouponWindow: Equatable, Sendable {
        public let from: Int64?
        public let until: Int64?

        public init(from fromText: String, until untilText: String) throws {
            func day(_ text: String, field: String, label: String) throws -> CivilDate? {
                let text = text.trimmingCharacters(in: .whitespaces)
                if text.isEmpty { return nil }
                guard let date = CivilDate(text) else {
                    throw ShopError.invalid("invalid_coupon_date", "\(label) must be a date like 2026-12-31", field: field)
                }
                return date
            }
            let first = try day(fromText, field: "valid_from", label: "Valid from")
            let last = try day(untilText, field: "valid_until", label: "Valid until")
            if let first, let last, last.startUTC < first.startUTC {
                throw ShopError.invalid("invalid_coupon_dates", "Valid until must not be before valid from", field: "valid_until")
            }
            from = first?.startLocal
            until = last?.nextLocal.startLocal
        }
    }
}
