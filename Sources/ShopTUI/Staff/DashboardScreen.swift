import Foundation
import ShopEngine

/// The shop at a glance: today's takings per payment method, today's sales per hour and the
/// last 14 days as bar charts, today's best sellers, orders paid but not yet sent (Enter opens
/// one), and products running low. Everything comes from one engine read
/// (`ReportService.dashboard`).
struct DashboardScreen: Screen {
    var title: String { L.t("dashboard.title") }
    private var dashboard: ReportService.Dashboard?
    /// The engine refused the caller (see `ScreenContext.isRefusal`): nothing is shown.
    private var refused = false
    private var awaiting: [Order] { dashboard?.awaitingDispatch ?? [] }
    private var list = ListState()

    private struct Loaded: Sendable { let dashboard: Outcome<ReportService.Dashboard> }

    var bindings: [KeyBinding] {
        (awaiting.count > 1 ? [KeyBinding(keys: [.up, .down], label: "↑↓", help: L.t("customer_finder.keys.move"))] + ListState.pagingBindings : [])
            + (awaiting.isEmpty ? [] : [KeyBinding(keys: [.enter], help: L.t("dashboard.keys.open_order"))])
            + [KeyBinding(keys: [.char("u")], help: L.t("cash_up.title")), KeyBinding(keys: [.char("r")], help: L.t("dashboard.keys.refresh"))]
    }

    mutating func start(_ context: inout ScreenContext) { load(&context) }

    private func load(_ context: inout ScreenContext) {
        let shop = context.shop, caller = context.caller
        context.run { Loaded(dashboard: Result { try shop.reports.dashboard(limit: 50, caller: caller) }) }
    }

    mutating func handle(_ event: ScreenEvent, _ context: inout ScreenContext) -> Bool {
        switch event {
        case .result(let loaded as Loaded):
            switch loaded.dashboard {
            case .success(let d): dashboard = d; refused = false
            case .failure(let error):
                // Refused now (demoted, signed out): takings, orders and stock shown before go.
                if ScreenContext.isRefusal(error) { dashboard = nil; list = ListState(); refused = true }
                context.fail(error)
                return true
            }
            list.select(list.selected ?? 0, count: awaiting.count)
        case .appeared, .shopChanged: load(&context)
        case .key(let key):
            switch key {
            case let key where list.navigate(ListState.arrow(key), count: awaiting.count, visibleRows: Table.bodyRows(in: Rect(width: 1, height: Self.awaitingHeight(in: context.session.screenArea)))): break
            case .enter:
                if let i = list.selected, awaiting.indices.contains(i) { context.go(.push(OrderDetailScreen(orderID: awaiting[i].id, number: awaiting[i].number))) }
            case .char("u"): context.go(.push(CashUpScreen()))
            case .char("r"): load(&context)
            default: return false
            }
        default: break
        }
        return true
    }

    func render(into buffer: inout Buffer, area: Rect, session: Session) {
        guard let dashboard else { buffer.setString(area.x, area.y, refused ? L.t("dashboard.nothing_to_show") : L.t("cash_up.loading"), style: Theme.muted); return }
        let leftWidth = min(40, area.width / 2)
        let (left, right) = area.splitLeft(leftWidth)
        renderFigures(dashboard, into: &buffer, area: Rect(x: left.x, y: left.y, width: max(0, leftWidth - 2), height: left.height), currency: session.currency)
        renderCharts(dashboard, into: &buffer, area: right.inner(horizontal: 1, vertical: 0), currency: session.currency)
    }

    // MARK: - Left: today's numbers, best sellers, low stock

    private func renderFigures(_ dashboard: ReportService.Dashboard, into buffer: inout Buffer, area: Rect, currency: Currency) {
        let summary = dashboard.today, low = dashboard.lowStock
        var y = area.y
        buffer.setString(area.x, y, L.t("dashboard.today", ["day": Format.day(summary.day)]), style: Theme.title, maxWidth: area.width)
        y += 2
        let methods = summary.byMethod.map { [Words.method($0.method), Format.number($0.count), Format.money($0.amount, currency)] }
        Table(columns: [.init(L.t("dashboard.column.payments"), width: .fill(1)), .numeric("#", width: 4), .numeric(L.t("payment_panel.amount"), width: 11)],
              rows: methods, emptyText: L.t("dashboard.no_payments"))
            .render(into: &buffer, area: Rect(x: area.x, y: y, width: area.width, height: max(2, methods.count + 1)), state: ListState(selected: nil))
        y += max(2, methods.count + 1) + 1
        buffer.setString(area.x, y, L.t("dashboard.taken", ["amount": Format.money(summary.total, currency, withCode: true)]), style: Theme.title)
        y += 1
        if summary.refunded > 0 { buffer.setString(area.x, y, L.t("dashboard.refunded", ["amount": Format.money(summary.refunded, currency)]), style: Theme.error); y += 1 }
        buffer.setString(area.x, y, L.t("dashboard.orders", ["placed": Format.number(summary.ordersPlaced), "cancelled": Format.number(summary.ordersCancelled)]), style: Theme.muted,
                         maxWidth: area.width, truncation: .ellipsis)
        y += 2

        let top = dashboard.topProducts.map { [$0.name, Format.number($0.quantity), Format.money($0.amount, currency)] }
        let topRows = max(1, min(top.count, max(1, (area.bottom - y) / 2 - 2)))
        Table(columns: [.init(L.t("dashboard.column.best_sellers"), width: .fill(1)), .numeric(L.t("quick_sale.column.qty"), width: 3),
                        .numeric(L.t("payment_panel.amount"), width: 9)],
              rows: Array(top.prefix(topRows)), emptyText: L.t("dashboard.nothing_sold"))
            .render(into: &buffer, area: Rect(x: area.x, y: y, width: area.width, height: max(0, min(topRows + 1, area.bottom - y))), state: ListState(selected: nil))
        y += topRows + 2

        guard y < area.bottom else { return }
        buffer.setString(area.x, y, L.t("dashboard.low_stock", ["threshold": Format.number(dashboard.lowStockThreshold)]), style: Theme.header)
        y += 1
        if low.isEmpty { buffer.setString(area.x, y, L.t("dashboard.nothing_low"), style: Theme.muted) }
        // A product with variants is listed by the variants that are low, each with its own stock.
        for entry in low.flatMap(\.lowStockEntries).prefix(max(0, area.bottom - y)) {
            let stock = entry.stock == 0 ? L.t("quick_sale.stock.sold_out") : Format.number(entry.stock)
            buffer.setString(area.x, y, entry.name, maxWidth: area.width - TextWidth.of(stock) - 2, truncation: .ellipsis)
            buffer.setString(area.right - 1 - TextWidth.of(stock), y, stock, style: entry.stock == 0 ? Theme.error : Theme.title)
            y += 1
        }
    }

    // MARK: - Right: today per hour, the last 14 days, orders to send

    /// The hours the chart spans: the shop's usual day (8 to 19) widened to any hour with sales.
    static func chartHours(_ hourly: [Int64]) -> ClosedRange<Int> {
        let sold = hourly.indices.filter { hourly[$0] != 0 }
        return min(8, sold.first ?? 8)...max(19, sold.last ?? 19)
    }

    /// A chart's heading with its best value ("Today by hour · best 11:00 12.50"), shortened
    /// so the amount stays whole: the short name, then the amount alone, then the name alone.
    static func caption(_ name: String, _ short: String, best: String?, width: Int) -> String {
        guard let best else { return name }
        return ["\(name) · \(best)", "\(short) · \(best)", best].first { TextWidth.of($0) <= width } ?? name
    }

    /// `MM-DD` of an engine day (`YYYY-MM-DD`): Solar Hijri with Persian digits in Persian.
    static func monthDay(_ day: String) -> String {
        guard L.language == .fa, let date = CivilDate(day) else { return String(day.suffix(5)) }
        return String(JalaliDate(date).formatted().suffix(5))
    }

    /// The day of the month of an engine day, for a bar's label (Solar Hijri in Persian).
    static func dayOfMonth(_ day: String) -> String {
        guard L.language == .fa, let date = CivilDate(day) else { return String(day.suffix(2)) }
        return Format.number(JalaliDate(date).day)
    }

    /// 3 rows of bars and the labels at 80×24; up to 8 rows of bars on a tall terminal.
    static func chartHeight(in area: Rect) -> Int { max(4, min(9, (area.height - 12) / 3)) }
    /// The "paid, not yet sent" table's height (header included) under the two charts: render and paging use it.
    static func awaitingHeight(in area: Rect) -> Int { max(0, area.height - 2 * (chartHeight(in: area) + 2) - 1) }

    private func renderCharts(_ dashboard: ReportService.Dashboard, into buffer: inout Buffer, area: Rect, currency: Currency) {
        let language = L.language
        let format: @Sendable (Int64) -> String = { Numerals.localized(currency.format($0), for: language) }
        let chartHeight = Self.chartHeight(in: area)
        var y = area.y

        let hours = Self.chartHours(dashboard.hourly)
        let hourly = dashboard.hourly.isEmpty ? [Int64](repeating: 0, count: 24) : dashboard.hourly
        var best: String?
        if let hour = hourly.indices.max(by: { hourly[$0] < hourly[$1] }), hourly[hour] > 0 {
            best = L.t("dashboard.best", ["when": Format.digits(String(format: "%02d:00", hour)), "amount": Format.money(hourly[hour], currency)])
        }
        buffer.setString(area.x, y, Self.caption(L.t("dashboard.by_hour"), L.t("dashboard.by_hour_short"), best: best, width: area.width), style: Theme.header, maxWidth: area.width, truncation: .ellipsis)
        BarChart(bars: hours.map { .init(Format.number($0), hourly[$0]) }, format: format, barWidth: 2)
            .render(into: &buffer, area: Rect(x: area.x, y: y + 1, width: area.width, height: chartHeight))
        y += chartHeight + 2

        let days = dashboard.daily
        best = nil
        if let day = days.max(by: { $0.amount < $1.amount }), day.amount > 0 {
            best = L.t("dashboard.best", ["when": Self.monthDay(day.day), "amount": Format.money(day.amount, currency)])
        }
        buffer.setString(area.x, y, Self.caption(L.plural("dashboard.last_days", count: days.count), L.plural("dashboard.days", count: days.count), best: best, width: area.width), style: Theme.header, maxWidth: area.width, truncation: .ellipsis)
        BarChart(bars: days.map { .init(Self.dayOfMonth($0.day), $0.amount) }, format: format, barWidth: 2)
            .render(into: &buffer, area: Rect(x: area.x, y: y + 1, width: area.width, height: chartHeight))
        y += chartHeight + 2

        buffer.setString(area.x, y, L.t("dashboard.awaiting", ["count": Format.number(awaiting.count)]), style: Theme.title, maxWidth: area.width, truncation: .ellipsis)
        let rows = awaiting.map { o -> [String] in
            let who = "\(o.firstName) \(o.lastName)".trimmingCharacters(in: .whitespaces)
            return [o.number, who.isEmpty ? L.t("staff.walk_in") : who, Format.money(o.total, currency)]
        }
        Table(columns: [.init(L.t("dashboard.column.order"), width: .length(9)), .init(Words.role(.customer), width: .fill(1)),
                        .numeric(L.t("quick_sale.column.total"), width: 10)],
              rows: rows, emptyText: L.t("dashboard.nothing_waiting"))
            .render(into: &buffer, area: Rect(x: area.x, y: y + 1, width: area.width, height: Self.awaitingHeight(in: area)), state: list)
    }
}
