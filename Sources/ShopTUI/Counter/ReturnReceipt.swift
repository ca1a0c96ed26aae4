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

    /// The language it is written in: the terminal's that took the return (see `Receipt`).
    var language = L.language

    var text: String { L.withLanguage(language) { compose() } }

    private func compose() -> String {
        let money = { (amount: Int64) in Format.money(amount, currency) }
        let rule = String(repeating: "=", count: width), thin = String(repeating: "-", count: width)
        let name = "\(order.firstName) \(order.lastName)".trimmingCharacters(in: .whitespaces)
        let who = name.isEmpty ? order.phone : name
        var lines = [Receipt.center(storeName, width: width, language: language), rule,
                     L.t("return_receipt.title", ["id": Format.number(record.id), "number": order.number]), Format.timestamp(record.createdAt)]
        if !who.isEmpty { lines.append(L.t("receipt.customer", ["name": who])) }
        lines.append(thin)
        lines += record.lines.map { row(L.t("receipt.line", ["qty": Format.number($0.quantity), "name": $0.name]), money($0.amount)) }
        lines.append(thin)
        lines.append(row(L.t("return_receipt.refund", ["code": currency.code]), money(record.refundAmount)))
        lines.append(row("  " + L.t("return_receipt.refund_by", ["method": Words.method(record.refundMethod)]), money(record.refundAmount)))
        if record.refundMethod == .cash && record.refundAmount > 0 { lines.append(row("  " + L.t("return_receipt.cash_back"), money(record.refundAmount))) }
        let worth = record.lines.reduce(Int64(0)) { $0.addingReportingOverflow($1.amount).partialValue }
        if record.refundAmount < worth { lines.append("  " + L.t("return_receipt.limited")) }
        lines += [rule, L.t("return_receipt.thanks")]
        let text = lines.joined(separator: "\n") + "\n"
        return language == .fa ? Receipt.markedRightToLeft(text) : text
    }

    private func row(_ left: String, _ right: String) -> String {
        let space = width - TextWidth.of(left) - TextWidth.of(right)
        return space >= 1 ? left + String(repeating: " ", count: space) + right : left + " " + right
    }
}
