import ShopEngine

/// Staff: every coupon with its value, window, uses and state; `n` issues a new one, `d`
/// disables the selected one (or enables it again). The engine checks the role on every call.
struct CouponsScreen: Screen {
    var title: String { "Coupons" }
    private var coupons: [OrderService.Coupon] = []
    private var list = ListState()
    private var loaded = false
    var isLoading: Bool { !loaded }

    private struct Loaded: Sendable { let result: Outcome<[OrderService.Coupon]> }
    private struct Changed: Sendable { let result: Outcome<OrderService.Coupon> }

    var bindings: [KeyBinding] {
        (coupons.count > 1 ? [KeyBinding(keys: [.up, .down], label: "↑↓", help: "move")] + ListState.pagingBindings : [])
            + [KeyBinding(keys: [.char("n")], help: "new coupon")]
            + (selected == nil ? [] : [KeyBinding(keys: [.char("d")], help: "disable/enable")])
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
            case .success(let c): context.say("Coupon \(c.code) \(c.active ? "enabled again" : "disabled: checkout now refuses it")", .success)
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
        c.kind == .percent ? "\(c.value)%" : currency.format(c.value)
    }

    /// `2026-12-01 – 2026-12-31` (days in local time; the last day is the one before `valid_until`).
    static func window(_ c: OrderService.Coupon) -> String {
        let from = c.validFrom.map { CivilDate(local: $0).description } ?? "always"
        let until = c.validUntil.map { CivilDate(local: $0 - 1).description } ?? "open"
        return c.validFrom == nil && c.validUntil == nil ? "always" : "\(from) – \(until)"
    }

    static func uses(_ c: OrderService.Coupon) -> String { c.maxUses.map { "\(c.usedCount)/\($0)" } ?? "\(c.usedCount)" }

    /// The table's area in the screen's (render and paging both use it).
    static func tableArea(in area: Rect) -> Rect { area.splitTop(2).rest }

    func render(into buffer: inout Buffer, area: Rect, session: Session) {
        let (top, rest) = area.splitTop(2)
        buffer.setString(top.x, top.y, "Coupons: n new · d disable or enable · a code is never issued twice", style: Theme.muted, maxWidth: top.width)
        let rows = coupons.map { c in [c.code, Self.value(c, session.currency), Self.window(c), Self.uses(c), c.state(at: session.now).rawValue] }
        Table(columns: [.init("Code", width: .length(16)), .init("Value", width: .length(12)), .init("Valid", width: .fill(1)),
                        .init("Uses", width: .length(9)), .init("State", width: .length(11))],
              rows: rows, emptyText: loaded ? "No coupons yet: n makes one" : "Loading…").render(into: &buffer, area: rest, state: list)
    }
}

/// Issues a coupon: code, percent or fixed, value, a window of days (from – until, both
/// optional, the last day included) and a use limit. The engine judges every field and its
/// refusals land under the field they name.
struct CouponFormScreen: Screen {
    var title: String { "New coupon" }
    private var form = FormState([
        FormField("code", label: "Code", placeholder: "3–32 letters, digits, - or _", input: TextFieldState(maxLength: 32)),
        FormField("kind", label: "Kind", placeholder: "percent or fixed", input: TextFieldState(maxLength: 7)),
        FormField("value", label: "Value", placeholder: "10 (percent) or 5.00 (fixed)", input: TextFieldState(maxLength: 16, filter: .decimal)),
        FormField("valid_from", label: "Valid from", placeholder: "YYYY-MM-DD (empty: now)", input: TextFieldState(maxLength: 10)),
        FormField("valid_until", label: "Valid until", placeholder: "YYYY-MM-DD, last day (empty: no end)", input: TextFieldState(maxLength: 10)),
        FormField("max_uses", label: "Use limit", placeholder: "empty: no limit", input: TextFieldState(maxLength: 10, filter: .digits)),
    ])
    private var saving = false

    private struct Saved: Sendable { let result: Outcome<OrderService.Coupon> }

    var bindings: [KeyBinding] {
        [KeyBinding(keys: [.tab], label: "Tab/↑↓", help: "next field"), KeyBinding(keys: [.enter], help: "save"), KeyBinding(keys: [.escape], help: "cancel")]
    }
    var capturesText: Bool { true }

    mutating func start(_ context: inout ScreenContext) { form["kind"].setText("percent") }

    mutating func handle(_ event: ScreenEvent, _ context: inout ScreenContext) -> Bool {
        switch event {
        case .result(let saved as Saved):
            saving = false
            switch saved.result {
            case .success(let c):
                context.say("Coupon \(c.code) issued", .success)
                context.go(.pop)
            case .failure(let error):
                if let e = error as? ShopError, let field = e.field, form.fields.contains(where: { $0.id == field }) {
                    form.setError(e.message, for: field)
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

    private mutating func save(_ context: inout ScreenContext) {
        guard !saving else { return }
        form.clearErrors()
        let text = { [form] (id: String) in form[id].text.trimmingCharacters(in: .whitespaces) }
        guard let kind = OrderService.Coupon.Kind(rawValue: text("kind").lowercased()) else { return fail("Type percent or fixed", "kind", &context) }
        let value: Int64
        switch kind {
        case .percent:
            guard let n = Int64(text("value")) else { return fail("A whole percent, 1–100", "value", &context) }
            value = n
        case .fixed:
            guard let amount = context.session.currency.parseAmount(text("value")) else {
                return fail("An amount like \(context.session.currency.format(500))", "value", &context)
            }
            value = amount
        }
        let window: OrderService.CouponWindow
        do { window = try OrderService.CouponWindow(from: text("valid_from"), until: text("valid_until")) } catch let e as ShopError {
            return fail(e.message, e.field ?? "valid_until", &context)
        } catch { return context.fail(error) }
        let maxUses = text("max_uses").isEmpty ? nil : Int64(text("max_uses"))
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
        context.say("Please fix the marked field", .error)
    }

    func render(into buffer: inout Buffer, area: Rect, session: Session) {
        buffer.setString(area.x, area.y, "A new coupon: code, kind and value are required", style: Theme.title, maxWidth: area.width)
        Form(labelWidth: 13).render(into: &buffer, area: area.splitTop(2).rest.splitLeft(76).left, state: form)
        if saving { buffer.setString(area.x, area.bottom - 1, "Saving…", style: Theme.title) }
    }
}
