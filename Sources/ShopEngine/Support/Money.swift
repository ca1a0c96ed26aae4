/// Checked arithmetic on money and quantities. Swift traps on `Int64` overflow, and a trap kills
/// the whole server (every connection with it), so no `*`, `+`, `-` or `abs` on an amount or a
/// quantity in the engine goes unchecked: these throw `amount_too_large` (a 400 naming the input
/// `field`) instead.
///
/// ```swift
/// let line = try Money.product(price, quantity, field: "items")     // price × quantity
/// let discount = try Money.percent(20, of: subtotal, field: "coupon")
/// ```
///
/// Bounds kept by validation (documented in README.md), so that real orders stay far from overflow:
/// a price is at most `Money.maxPrice`, a single payment or tendered amount at most `Money.maxAmount`,
/// a stock level or change at most `Money.maxStock`, a line at most 999 units, an order at most
/// `Money.maxLines` lines.
public enum Money {
    /// The highest price of a product or variant, in minor units (10^12: ten billion dollars in
    /// USD, a trillion rials in IRR).
    public static let maxPrice: Int64 = 1_000_000_000_000
    /// The highest amount of one payment (or cash tendered), in minor units (10^15).
    public static let maxAmount: Int64 = 1_000_000_000_000_000
    /// The highest stock level of a product or variant, and the largest single stock change.
    public static let maxStock: Int64 = 1_000_000_000
    /// Lines in one order, and in a cart.
    public static let maxLines = 200

    static func tooLarge(_ field: String?) -> ShopError {
        ShopError.invalid("amount_too_large", "The amount is too large to be handled", field: field)
    }

    /// `a × b`, or `amount_too_large`.
    public static func product(_ a: Int64, _ b: Int64, field: String?) throws -> Int64 {
        let (value, overflow) = a.multipliedReportingOverflow(by: b)
        guard !overflow else { throw tooLarge(field) }
        return value
    }

    /// `a + b`, or `amount_too_large`.
    public static func sum(_ a: Int64, _ b: Int64, field: String?) throws -> Int64 {
        let (value, overflow) = a.addingReportingOverflow(b)
        guard !overflow else { throw tooLarge(field) }
        return value
    }

    /// The sum of `values`, or `amount_too_large`.
    public static func sum<S: Sequence>(_ values: S, field: String?) throws -> Int64 where S.Element == Int64 {
        try values.reduce(0) { try sum($0, $1, field: field) }
    }

    /// `a − b`, or `amount_too_large`.
    public static func difference(_ a: Int64, _ b: Int64, field: String?) throws -> Int64 {
        let (value, overflow) = a.subtractingReportingOverflow(b)
        guard !overflow else { throw tooLarge(field) }
        return value
    }

    /// `percent`% of `amount`, rounded down, computed in 128 bits so that large amounts do not
    /// overflow on the way (`amount × percent` can exceed `Int64` when the result does not).
    static func percent(_ percent: Int64, of amount: Int64, field: String?) throws -> Int64 {
        // With 0…100 percent the quotient is no larger than `amount`, so it always fits.
        guard (0...100).contains(percent) else { throw tooLarge(field) }
        return Int64(100).dividingFullWidth(amount.multipliedFullWidth(by: percent)).quotient
    }

    /// `a × b` for figures that are only displayed (line totals of stored orders): the largest
    /// value instead of a trap when the stored figures are out of range.
    public static func saturatingProduct(_ a: Int64, _ b: Int64) -> Int64 {
        let (value, overflow) = a.multipliedReportingOverflow(by: b)
        guard overflow else { return value }
        return (a < 0) != (b < 0) ? .min : .max
    }

    /// `a − b` for displayed figures, saturating like `saturatingProduct`.
    public static func saturatingDifference(_ a: Int64, _ b: Int64) -> Int64 {
        let (value, overflow) = a.subtractingReportingOverflow(b)
        guard overflow else { return value }
        return b < 0 ? .max : .min
    }

    /// `a + b` for displayed figures (change handed back over several tenders), saturating like
    /// `saturatingProduct`.
    public static func saturatingSum(_ a: Int64, _ b: Int64) -> Int64 {
        let (value, overflow) = a.addingReportingOverflow(b)
        guard overflow else { return value }
        return b < 0 ? .min : .max
    }
}
