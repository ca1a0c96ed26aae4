import Foundation
import ShopEngine

/// The slip for a return, printed and saved through `ReceiptPrinter` like a sale's `Receipt`:
/// shop name, the return and its order, the lines taken back and the refund (with the cash to
/// hand over when refunded in cash).
struct ReturnReceipt {
    let storeName: String
    let order: Order
    let record: OrderReturn
    let currency: Currency
    var width = 40

    /// The file name the printer saves it under: `S-000042-return-3`.
    var name: String { "\(order.number)-return-\(record.id)" }

    var text: String {
        let rule = String(repeating: "=", count: width), thin = String(repeating: "-", count: width)
        let who = "\(order.firstName) \(order.lastName)".trimmingCharacters(in: .whitespaces)
        var lines = [center(storeName), rule, "Return \(record.id) of order \(order.number)", Format.timestamp(record.createdAt)]
        if !(who.isEmpty ? order.phone : who).isEmpty { lines.append("Customer: \(who.isEmpty ? order.phone : who)") }
        lines.append(thin)
        lines += record.lines.map { row("\($0.quantity) × \($0.name)", currency.format($0.amount)) }
        lines.append(thin)
        lines.append(row("REFUND \(currency.code)", currency.format(record.refundAmount)))
        lines.append(row("  by \(record.refundMethod.label)", currency.format(record.refundAmount)))
        if record.refundMethod == .cash && record.refundAmount > 0 { lines.append(row("  Cash back", currency.format(record.refundAmount))) }
        let worth = record.lines.reduce(Int64(0)) { $0.addingReportingOverflow($1.amount).partialValue }
        if record.refundAmount < worth { lines.append("  (refund limited to what was paid)") }
        lines += [rule, "Goods back in stock. Thank you!"]
        return lines.joined(separator: "\n") + "\n"
    }

    private func row(_ left: String, _ right: String) -> String {
        let space = width - TextWidth.of(left) - TextWidth.of(right)
        return space >= 1 ? left + String(repeating: " ", count: space) + right : left + " " + right
    }

    private func center(_ s: String) -> String { String(repeating: " ", count: max(0, (width - TextWidth.of(s)) / 2)) + s }
}
