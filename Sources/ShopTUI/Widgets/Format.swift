import ShopEngine

/// How screens, receipts and reports write the values they share, in one place (money goes
/// through `Currency.format`, or `Session.money` for the session's currency).
///
///     Format.timestamp(order.createdAt)   // "2026-11-21 14:05", local time
///     Format.status(of: product)          // "active", "inactive" or "archived"
enum Format {
    /// `YYYY-MM-DD HH:MM` in local time, for seconds since 1970.
    static func timestamp(_ seconds: Int64) -> String { CivilDate.localTimestamp(seconds) }

    /// Whether a product is sold: `archived` (kept for old orders), `active` or `inactive`.
    static func status(of product: Product) -> String { product.archived ? "archived" : product.active ? "active" : "inactive" }

    // TODO(lead): `String.leftPadded(_:)` still lives at the end of Staff/QuickSaleScreen.swift
    // (that file was off limits on this branch); move it here at the merge.
}

extension Result {
    /// The error of a failure, nil for a success: `Done(error: Result { try … }.failureValue)`.
    var failureValue: Failure? { if case .failure(let e) = self { e } else { nil } }
}
