import Foundation
import ShopEngine

/// The end-of-day cash-up: totals per payment method for one day (←/→ changes the day),
/// printed with the receipt printer; `e` exports the day's orders as CSV into the receipt folder.
struct CashUpScreen: Screen {
    var title: String { "Cash-up" }
    private var summary: ReportService.DaySummary?
    private var day: String?

    private struct Loaded: Sendable { let result: Outcome<ReportService.DaySummary> }
    private struct Printed: Sendable { let result: Outcome<String> }
    private struct Exported: Sendable { let result: Outcome<String> }

    var bindings: [KeyBinding] {
        [KeyBinding(keys: [.left, .right], label: "←→", help: "day"), KeyBinding(keys: [.char("p")], help: "print"),
         KeyBinding(keys: [.char("e")], help: "export orders"), KeyBinding(keys: [.char("t")], help: "today")]
    }

    mutating func start(_ context: inout ScreenContext) { load(&context) }

    private func load(_ context: inout ScreenContext) {
        let shop = context.shop, caller = context.caller, day = self.day
        context.run { Loaded(result: Result { try shop.reports.day(day, caller: caller) }) }
    }

    mutating func handle(_ event: ScreenEvent, _ context: inout ScreenContext) -> Bool {
        switch event {
        case .result(let loaded as Loaded):
            switch loaded.result {
            case .success(let s): summary = s; day = s.day
            case .failure(let error): context.fail(error)
            }
        case .result(let exported as Exported):
            switch exported.result {
            case .success(let message): context.say(message, .success)
            case .failure(let error): context.fail(error)
            }
        case .result(let printed as Printed):
            switch printed.result {
            case .success(let message): context.say(message, .success)
            case .failure(let error): context.fail(error)
            }
        case .key(.left), .key(.right):
            guard let current = day ?? summary?.day, let shifted = Self.shift(current, by: event.isKey(.left) ? -1 : 1) else { return true }
            day = shifted
            load(&context)
        case .key(.char("t")):
            day = nil
            load(&context)
        case .key(.char("p")):
            guard let summary else { return true }
            let text = Self.report(summary, storeName: context.session.storeName, currency: context.session.currency, printedAt: context.now)
            let settings = context.session.settings
            context.run { Printed(result: Result { try ReceiptPrinter(settings: settings).print(text, name: "cashup-\(summary.day)") }) }
        case .key(.char("e")):
            guard let summary else { return true }
            let shop = context.shop, caller = context.caller, settings = context.session.settings
            context.run { Exported(result: Result { try Self.exportOrders(day: summary.day, shop: shop, caller: caller, settings: settings) }) }
        case .key: return false
        default: break
        }
        return true
    }

    /// Writes the day's orders (local calendar day) as `orders-YYYY-MM-DD.csv` in the receipt
    /// folder through the engine's export; returns the notice saying where.
    static func exportOrders(day: String, shop: Shop, caller: Caller, settings: SessionSettings) throws -> String {
        guard let date = CivilDate(day) else { throw ShopError(.invalid, "invalid_day", "Day must look like 2026-11-21") }
        let folder = try ReceiptPrinter.folder(settings), name = "orders-\(day).csv"
        let request = ExportRequest(kind: .orders, format: .csv, since: date.startLocal, until: date.nextLocal.startLocal, excel: true)
        let summary = try shop.exports.writeFile(request, to: folder + "/" + name, caller: caller)
        // The file name first: a long folder may not fit the notice line.
        return "\(name) (\(summary.records) order\(summary.records == 1 ? "" : "s")) saved in \(ReceiptPrinter.shown(folder))"
    }

    /// `2026-11-21` moved by `days` (local calendar).
    static func shift(_ day: String, by days: Int) -> String? {
        let parts = day.split(separator: "-").compactMap { Int($0) }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = .current
        guard parts.count == 3, let date = calendar.date(from: DateComponents(year: parts[0], month: parts[1], day: parts[2], hour: 12)),
              let moved = calendar.date(byAdding: .day, value: days, to: date) else { return nil }
        let c = calendar.dateComponents([.year, .month, .day], from: moved)
        return String(format: "%04d-%02d-%02d", c.year!, c.month!, c.day!)
    }

    /// The printable report, 40 columns wide like a receipt, printed at `printedAt` (seconds since 1970).
    static func report(_ s: ReportService.DaySummary, storeName: String, currency: Currency, printedAt: Int64, width: Int = 40) -> String {
        func row(_ left: String, _ right: String) -> String {
            let space = width - TextWidth.of(left) - TextWidth.of(right)
            return space >= 1 ? left + String(repeating: " ", count: space) + right : left + " " + right
        }
        var lines = [storeName, "Cash-up \(s.day)", String(repeating: "=", count: width)]
        if s.byMethod.isEmpty { lines.append("No payments taken") }
        for m in s.byMethod { lines.append(row("\(m.method.label) (\(m.count))", currency.format(m.amount))) }
        lines.append(String(repeating: "-", count: width))
        lines.append(row("TOTAL \(currency.code)", currency.format(s.total)))
        if s.refunded > 0 { lines.append(row("Refunded", "-" + currency.format(s.refunded))) }
        // Return refunds are already off the method lines and TOTAL (the till holds the net).
        if s.returned > 0 { lines.append(row("  of which returns (in TOTAL)", currency.format(s.returned))) }
        lines.append("Orders placed \(s.ordersPlaced), cancelled \(s.ordersCancelled)")
        lines.append(String(repeating: "=", count: width))
        lines.append("Printed \(Format.timestamp(printedAt))")
        return lines.joined(separator: "\n") + "\n"
    }

    func render(into buffer: inout Buffer, area: Rect, session: Session) {
        guard let summary else { buffer.setString(area.x, area.y, "Loading…", style: Theme.muted); return }
        buffer.setString(area.x, area.y, "◀  \(summary.day)  ▶", style: Theme.title)
        let box = Rect(x: area.x, y: area.y + 2, width: min(area.width, 44), height: min(area.height - 2, 16))
        Block(title: "Cash-up").render(into: &buffer, area: box)
        let inner = box.inner(1).inner(horizontal: 1, vertical: 0)
        for (i, line) in Self.report(summary, storeName: session.storeName, currency: session.currency, printedAt: session.now).split(separator: "\n").prefix(inner.height).enumerated() {
            buffer.setString(inner.x, inner.y + i, String(line), maxWidth: inner.width)
        }
    }
}
