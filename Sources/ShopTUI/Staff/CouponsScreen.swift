import ShopEngine

/// Staff: every coupon with its value, window, uses and state; `n` issues a new one, `d`
/// disables the selected one (or enables it again). The engine checks the role on every call.
struct CouponsScreen: Screen {
    var title: String { L.t("coupons.title") }
    /// A coupon's state (scheduled, running, ended) is drawn from the clock.
    var showsTime: Bool { true }
    private var coupons: [OrderService.Coupon] = []
    private var list = ListState()
    private var loaded = false
    var isLoading: Bool { !loaded }

    private struct Loaded: Sendable { let result: Outcome<[OrderService.Coupon]> }
    private struct Changed: Sendable { let result: Outcome<OrderService.Coupon> }

    var bindings: [KeyBinding] {
        (coupons.count > 1 ? [KeyBinding(keys: [.up, .down], label: "↑↓", help: L.t("customer_finder.keys.move"))] + ListState.pagingBindings : [])
            + [KeyBinding(keys: [.char("n")], help: L.t("coupons.keys.new"))]
            + (selected == nil ? [] : [KeyBinding(keys: [.char("d")], help: L.t("coupons.keys.toggle"))])
    }

    mutating func start(_ context: inout ScreenContext) { load(&context) }

    private func load(_ context: inout ScreenContext) {
        let shop = context.shop, caller = context.caller
        context.run { Loaded(result: Result { try shop.orders.coupons(caller: caller) }) }
    }

    private var selected: OrderService.Coupon? { list.selected.flatMap { coupons.indices.contains($0) ? coupons[$0] : nil } }

    mutating func handle(_ event: ScreenEvent, _ context: inout ScreenContext) -> Bool {
        switch event {
        case .appeared, .shopChanged: load(&context)
        case .result(let loaded as Loaded):
            self.loaded = true
            switch loaded.result {
            case .success(let items):
                let keep = selected?.id
                coupons = items
                list.select(items.firstIndex { $0.id == keep } ?? (items.isEmpty ? nil : min(list.selected ?? 0, items.count - 1)), count: items.count)
            case .failure(let error):
                if ScreenContext.isRefusal(error) { coupons = [] }
                context.fail(error)
            }
        case .result(let changed as Changed):
            switch changed.result {
            case .success(let c): context.say(c.active ? L.t("coupons.enabled", ["code": c.code]) : L.t("coupons.disabled", ["code": c.code]), .success)
            case .failure(let error): context.fail(error)
            }
            load(&context)
        case .key(let key):
            switch key {
            case let key where list.navigate(ListState.arrow(key), count: coupons.count, visibleRows: Table.bodyRows(in: Self.tableArea(in: context.session.screenArea))): break
            case .char("n"): context.go(.push(CouponFormScreen()))
            case .char("d"):
                guard let coupon = selected else { return true }
                let shop = context.shop, caller = context.caller, active = !coupon.active
                context.run { Changed(result: Result { try shop.orders.setCouponActive(id: coupon.id, active: active, caller: caller) }) }
            default: return false
            }
        default: break
        }
        return true
    }

    /// `10%` or the amount in the shop's currency.
    static func value(_ c: OrderService.Coupon, _ currency: Currency) -> String {
        c.kind == .percent ? L.t("coupons.percent", ["value": Format.number(c.value)]) : Format.money(c.value, currency)
    }

    /// `2026-12-01 – 2026-12-31` (days in local time; the last day is the one before `valid_until`).
    static func window(_ c: OrderService.Coupon) -> String {
        let from = c.validFrom.map { Format.day(CivilDate(local: $0).description) } ?? L.t("coupons.always")
        let until = c.validUntil.map { Format.day(CivilDate(local: $0 - 1).description) } ?? L.t("coupons.open")
        return c.validFrom == nil && c.validUntil == nil ? L.t("coupons.always") : L.t("coupons.window", ["from": from, "until": until])
    }

    static func state(_ state: OrderService.Coupon.State) -> String {
        switch state {
        case .running: L.t("coupons.state.running")
        case .scheduled: L.t("coupons.state.scheduled")
        case .ended: L.t("coupons.state.ended")
        case .usedUp: L.t("coupons.state.used_up")
        case .disabled: L.t("coupons.state.disabled")
        }
    }

    static func uses(_ c: OrderService.Coupon) -> String { Format.digits(c.maxUses.map { "\(c.usedCount)/\($0)" } ?? "\(c.usedCount)") }

    /// The table's area in the screen's (render and paging both use it).
    static func tableArea(in area: Rect) -> Rect { area.splitTop(2).rest }

    func render(into buffer: inout Buffer, area: Rect, session: Session) {
        let (top, rest) = area.splitTop(2)
        buffer.setString(top.x, top.y, L.t("coupons.hint"), style: Theme.muted, maxWidth: top.width)
        let rows = coupons.map { c in [c.code, Self.value(c, session.currency), Self.window(c), Self.uses(c), Self.state(c.state(at: session.now))] }
        Table(columns: [.init(L.t("quick_sale.code"), width: .length(16)), .init(L.t("coupons.column.value"), width: .length(12)),
                        .init(L.t("coupons.column.valid"), width: .fill(1)), .init(L.t("coupons.column.uses"), width: .length(9)),
                        .init(L.t("payments.column.status"), width: .length(11))],
              rows: rows, emptyText: loaded ? L.t("coupons.empty") : L.t("cash_up.loading")).render(into: &buffer, area: rest, state: list)
    }
}

/// Issues a coupon: code, percent or fixed, value, a window of days (from – until, both
/// optional, the last day included) and a use limit. The engine judges every field and its
/// refusals land under the field they name.
struct CouponFormScreen: Screen {
    var title: String { L.t("coupon_form.title") }
    private var form = FormState([
        FormField("code", label: L.t("quick_sale.code"), placeholder: L.t("coupon_form.code_placeholder"), input: TextFieldState(maxLength: 32)),
        FormField("kind", label: L.t("coupon_form.kind"), placeholder: L.t("coupon_form.kind_placeholder"), input: TextFieldState(maxLength: 7)),
        FormField("value", label: L.t("coupons.column.value"), placeholder: L.t("coupon_form.value_placeholder"), input: TextFieldState(maxLength: 16, filter: .decimal)),
        FormField("valid_from", label: L.t("coupon_form.valid_from"), placeholder: L.t("coupon_form.valid_from_placeholder"), input: TextFieldState(maxLength: 10)),
        FormField("valid_until", label: L.t("coupon_form.valid_until"), placeholder: L.t("coupon_form.valid_until_placeholder"), input: TextFieldState(maxLength: 10)),
        FormField("max_uses", label: L.t("coupon_form.max_uses"), placeholder: L.t("coupon_form.max_uses_placeholder"), input: TextFieldState(maxLength: 10, filter: .digits)),
    ])
    private var saving = false

    private struct Saved: Sendable { let result: Outcome<OrderService.Coupon> }

    var bindings: [KeyBinding] {
        [KeyBinding(keys: [.tab], label: "Tab/↑↓", help: L.t("coupon_form.keys.next")), KeyBinding(keys: [.enter], help: L.t("coupon_form.keys.save")),
         KeyBinding(keys: [.escape], help: L.t("cash_up.keys.cancel"))]
    }
    var capturesText: Bool { true }

    mutating func start(_ context: inout ScreenContext) { form["kind"].setText(L.t("coupon_form.kind.percent")) }

    mutating func handle(_ event: ScreenEvent, _ context: inout ScreenContext) -> Bool {
        switch event {
        case .result(let saved as Saved):
            saving = false
            switch saved.result {
            case .success(let c):
                context.say(L.t("coupon_form.issued", ["code": c.code]), .success)
                context.go(.pop)
            case .failure(let error):
                if let e = error as? ShopError, let field = e.field, form.fields.contains(where: { $0.id == field }) {
                    form.setError(ScreenContext.describe(e), for: field)
                    form.focus(on: field)
                }
                context.fail(error)
            }
        case .key(.escape): return false
        case .key(.enter): save(&context)
        case .key(let key): _ = form.handle(key)
        default: break
        }
        return true
    }

    /// The kind typed: `percent`/`fixed`, or its word in the session's language.
    static func kind(_ text: String) -> OrderService.Coupon.Kind? {
        let typed = text.lowercased()
        if typed == L.t("coupon_form.kind.percent") { return .percent }
        if typed == L.t("coupon_form.kind.fixed") { return .fixed }
        return OrderService.Coupon.Kind(rawValue: typed)
    }

    private mutating func save(_ context: inout ScreenContext) {
        guard !saving else { return }
        form.clearErrors()
        let text = { [form] (id: String) in form[id].text.trimmingCharacters(in: .whitespaces) }
        guard let kind = Self.kind(text("kind")) else { return fail(L.t("coupon_form.error.kind"), "kind", &context) }
        let value: Int64
        switch kind {
        case .percent:
            guard let n = Numerals.int(text("value")).map(Int64.init) else { return fail(L.t("coupon_form.error.percent"), "value", &context) }
            value = n
        case .fixed:
            guard let amount = PaymentPanel.parse(text("value"), context.session.currency) else {
                return fail(L.t("payment_panel.error.amount", ["example": Format.money(500, context.session.currency)]), "value", &context)
            }
            value = amount
        }
        let window: OrderService.CouponWindow
        do {
            // Days typed as the language writes them (Solar Hijri in Persian), to the engine's YYYY-MM-DD.
            let from = text("valid_from").isEmpty ? "" : try Format.parseDay(text("valid_from"), field: "valid_from")
            let until = text("valid_until").isEmpty ? "" : try Format.parseDay(text("valid_until"), field: "valid_until")
            window = try OrderService.CouponWindow(from: from, until: until)
        } catch let e as ShopError {
            return fail(ScreenContext.describe(e), e.field ?? "valid_until", &context)
        } catch { return context.fail(error) }
        let maxUses = text("max_uses").isEmpty ? nil : Numerals.int(text("max_uses")).map(Int64.init)
        let code = text("code"), shop = context.shop, caller = context.caller
        saving = true
        context.run {
            Saved(result: Result { try shop.orders.issueCoupon(code: code, kind: kind, value: value, validFrom: window.from, validUntil: window.until,
                                                               maxUses: maxUses, caller: caller) })
        }
    }

    private mutating func fail(_ message: String, _ field: String, _ context: inout ScreenContext) {
        form.setError(message, for: field)
        form.focus(on: field)
        context.say(L.t("coupon_form.fix_field"), .error)
    }

    func render(into buffer: inout Buffer, area: Rect, session: Session) {
        buffer.setString(area.x, area.y, L.t("coupon_form.intro"), style: Theme.title, maxWidth: area.width)
        Form(labelWidth: 13).render(into: &buffer, area: area.splitTop(2).rest.splitLeft(76).left, state: form)
        if saving { buffer.setString(area.x, area.bottom - 1, L.t("coupon_form.saving"), style: Theme.title) }
    }
}
