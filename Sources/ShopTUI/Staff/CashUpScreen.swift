import Foundation
import ShopEngine

/// The end-of-day cash-up: totals per payment method for one day (←/→ changes the day, `d`
/// types one: Solar Hijri in Persian), printed with the receipt printer; `e` exports the day's
/// orders as CSV into the receipt folder.
struct CashUpScreen: Screen {
    var title: String { L.t("cash_up.title") }
    /// The report shows when it is printed.
    var showsTime: Bool { true }
    private var summary: ReportService.DaySummary?
    private var day: String?
    /// The day being typed after `d`; nil when not asked.
    private var dayField: TextFieldState?

    private struct Loaded: Sendable { let result: Outcome<ReportService.DaySummary> }
    private struct Printed: Sendable { let result: Outcome<String> }
    private struct Exported: Sendable { let result: Outcome<String> }

    var bindings: [KeyBinding] {
        if dayField != nil { return [KeyBinding(keys: [.enter], help: L.t("cash_up.keys.show_day")), KeyBinding(keys: [.escape], help: L.t("cash_up.keys.cancel"))] }
        return [KeyBinding(keys: [.left, .right], label: "←→", help: L.t("cash_up.keys.day")), KeyBinding(keys: [.char("d")], help: L.t("cash_up.keys.go_to_day")),
                KeyBinding(keys: [.char("p")], help: L.t("cash_up.keys.print")), KeyBinding(keys: [.char("e")], help: L.t("cash_up.keys.export")),
                KeyBinding(keys: [.char("t")], help: L.t("cash_up.keys.today"))]
    }
    var capturesText: Bool { dayField != nil }

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
            case .failure(let error): context.say(ScreenContext.describe(error), .error)
            }
        case .key(let key) where dayField != nil: typeDay(key, &context)
        case .key(.char("d")):
            var field = TextFieldState(maxLength: 16)
            field.setText(Format.day(day ?? summary?.day ?? ""))
            dayField = field
        case .result(let exported as Exported):
            switch exported.result {
            case .success(let message): context.say(message, .success)
            case .failure(let error): context.say(ScreenContext.describe(error), .error)
            }
        case .result(let printed as Printed):
            switch printed.result {
            case .success(let message): context.say(message, .success)
            case .failure(let error): context.say(ScreenContext.describe(error), .error)
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

    /// A key while the day is typed: Enter shows that day (a clear error under the field when it
    /// is not one), Esc closes the field.
    private mutating func typeDay(_ key: Key, _ context: inout ScreenContext) {
        guard var field = dayField else { return }
        switch key {
        case .escape: dayField = nil; return
        case .enter:
            do {
                day = try Format.parseDay(field.text)
                dayField = nil
                load(&context)
                return
            } catch {
                field.error = ScreenContext.describe(error)
            }
        default: _ = field.handle(key)
        }
        dayField = field
    }

    /// Writes the day's orders (local calendar day) as `orders-YYYY-MM-DD.csv` in the receipt
    /// folder through the engine's export; returns the notice saying where. An earlier export of
    /// the same day is replaced by this complete one, and the notice says so.
    static func exportOrders(day: String, shop: Shop, caller: Caller, settings: SessionSettings) throws -> String {
        guard let date = CivilDate(day) else { throw ShopError(.invalid, "invalid_day", L.t("cash_up.error.day")) }
        let folder = try ReceiptPrinter.folder(settings), name = "orders-\(day).csv"
        let request = ExportRequest(kind: .orders, format: .csv, since: date.startLocal, until: date.nextLocal.startLocal, excel: true)
        let path = folder + "/" + name
        let replacing = FileManager.default.fileExists(atPath: path)
        let summary = try shop.exports.writeFile(request, to: path, caller: caller)
        // The file name first: a long folder may not fit the notice line.
        let values = ["file": name, "folder": ReceiptPrinter.shown(folder)]
        return replacing ? L.plural("cash_up.exported_again", count: summary.records, values)
            : L.plural("cash_up.exported", count: summary.records, values)
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

    /// The printable report, 40 columns wide like a receipt, printed at `printedAt` (seconds since
    /// 1970), in the session's language (a Persian one laid out like a Persian `Receipt`).
    static func report(_ s: ReportService.DaySummary, storeName: String, currency: Currency, printedAt: Int64, width: Int = 40) -> String {
        let money = { (amount: Int64) in Format.money(amount, currency) }
        func row(_ left: String, _ right: String) -> String {
            // The words give way to the amount, never the reverse.
            let left = TextWidth.truncate(left, width: max(1, width - TextWidth.of(right) - 1))
            let space = width - TextWidth.of(left) - TextWidth.of(right)
            return space >= 1 ? left + String(repeating: " ", count: space) + right : left + " " + right
        }
        var lines = [storeName, L.t("cash_up.report.title", ["day": Format.day(s.day)]), String(repeating: "=", count: width)]
        if s.byMethod.isEmpty { lines.append(L.t("cash_up.report.no_payments")) }
        for m in s.byMethod { lines.append(row(L.t("cash_up.report.method", ["method": Words.method(m.method), "count": Format.number(m.count)]), money(m.amount))) }
        lines.append(String(repeating: "-", count: width))
        lines.append(row(L.t("receipt.total", ["code": currency.code]), money(s.total)))
        if s.refunded > 0 { lines.append(row(L.t("cash_up.report.refunded"), "-" + money(s.refunded))) }
        // Return refunds are already off the method lines and TOTAL (the till holds the net).
        if s.returned > 0 { lines.append(row("  " + L.t("cash_up.report.returns"), money(s.returned))) }
        lines.append(L.t("cash_up.report.orders", ["placed": Format.number(s.ordersPlaced), "cancelled": Format.number(s.ordersCancelled)]))
        lines.append(String(repeating: "=", count: width))
        lines.append(L.t("cash_up.report.printed", ["time": Format.timestamp(printedAt)]))
        let text = lines.joined(separator: "\n") + "\n"
        return L.language == .fa ? Receipt.markedRightToLeft(text) : text
    }

    func render(into buffer: inout Buffer, area: Rect, session: Session) {
        guard let summary else { buffer.setString(area.x, area.y, L.t("cash_up.loading"), style: Theme.muted); return }
        if let dayField {
            let label = L.t("cash_up.day_label")
            buffer.setString(area.x, area.y, label, style: Theme.title)
            TextField(placeholder: L.t("cash_up.day_placeholder"), isFocused: true)
                .render(into: &buffer, area: Rect(x: area.x + TextWidth.of(label) + 1, y: area.y, width: min(20, max(0, area.width - TextWidth.of(label) - 1)), height: 2), state: dayField)
        } else {
            buffer.setString(area.x, area.y, "◀  \(Format.day(summary.day))  ▶", style: Theme.title)
        }
        let report = Self.report(summary, storeName: session.storeName, currency: session.currency, printedAt: session.now)
        let box = Rect(x: area.x, y: area.y + 2, width: min(area.width, max(44, Receipt.width(of: report) + 4)), height: min(area.height - 2, 16))
        Block(title: L.t("cash_up.title")).render(into: &buffer, area: box)
        // Drawn like a receipt: amounts whole in their right-hand column.
        Receipt.render(report, into: &buffer, area: box.inner(1).inner(horizontal: 1, vertical: 0))
    }
}
