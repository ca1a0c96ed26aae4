import ShopEngine

/// Admins only: people with accounts, searchable; change a role, activate or deactivate.
/// The engine refuses everyone else, and refuses an admin demoting or deactivating themselves.
struct UsersScreen: Screen {
    var title: String { "Users" }
    private var rows = PagedRows<User>()
    var isLoading: Bool { !rows.hasLoaded }
    private var search = TextFieldState(maxLength: 64)
    private var searching = false

    private struct Changed: Sendable { let result: Outcome<User> }

    var bindings: [KeyBinding] {
        if searching { return [KeyBinding(keys: [.enter], help: "done"), KeyBinding(keys: [.escape], help: "clear")] }
        return [KeyBinding(keys: [.up, .down], label: "↑↓", help: "move"), KeyBinding(keys: [.char("/")], help: "search"),
                KeyBinding(keys: [.char("r")], help: "change role"), KeyBinding(keys: [.char("a")], help: "activate/deactivate")]
    }
    var capturesText: Bool { searching }

    mutating func start(_ context: inout ScreenContext) { load(&context) }

    private mutating func load(_ context: inout ScreenContext, append: Bool = false) {
        let shop = context.shop, caller = context.caller, query = search.isEmpty ? nil : search.text
        rows.request(append: append, &context) { cursor in
            let page = try shop.admin.listUsers(query: query, limit: 100, cursor: cursor, caller: caller)
            return (page.items, page.nextCursor)
        }
    }

    private var selected: User? { rows.selected }

    mutating func handle(_ event: ScreenEvent, _ context: inout ScreenContext) -> Bool {
        switch event {
        case .result(let page as PagedRows<User>.Page):
            rows.receive(page, &context)
        case .result(let changed as Changed):
            switch changed.result {
            case .success(let user): context.say("\(user.displayName): \(user.role.rawValue), \(user.active ? "active" : "deactivated")", .success)
            case .failure(let error): context.fail(error)
            }
            load(&context)
        case .key(let key) where searching:
            switch key {
            case .enter, .down: searching = false
            case .escape:
                searching = false
                if !search.isEmpty { search.setText(""); load(&context) }
            default:
                let before = search.text
                _ = search.handle(key)
                if before != search.text { load(&context) }
            }
        case .key(let key):
            switch key {
            case .up, .char("k"): rows.move(by: -1)
            case .down, .char("j"):
                rows.move(by: 1)
                if rows.wantsMore { load(&context, append: true) }
            case .char("/"): searching = true
            case .char("r"):
                guard let user = selected else { return true }
                let roles = Role.allCases
                let next = roles[((roles.firstIndex(of: user.role) ?? 0) + 1) % roles.count]
                change(user, AdminService.UserChanges(role: next), &context)
            case .char("a"):
                guard let user = selected else { return true }
                change(user, AdminService.UserChanges(active: !user.active), &context)
            default: return false
            }
        default: break
        }
        return true
    }

    private func change(_ user: User, _ changes: AdminService.UserChanges, _ context: inout ScreenContext) {
        let shop = context.shop, caller = context.caller
        context.run { Changed(result: Result { try shop.admin.updateUser(id: user.id, changes, caller: caller) }) }
    }

    func render(into buffer: inout Buffer, area: Rect, session: Session) {
        let (top, rest) = area.splitTop(2)
        let searchRow = Layout.horizontal([.length(8), .length(40)]).split(top.row(0))
        buffer.setString(searchRow[0].x, searchRow[0].y, "Search", style: searching ? Theme.title : Theme.muted)
        TextField(placeholder: "/ phone, name, username or email", isFocused: searching).render(into: &buffer, area: searchRow[1], state: search)
        let cells = rows.items.map { u -> [String] in
            ["\(u.firstName) \(u.lastName)".trimmingCharacters(in: .whitespaces), u.phone ?? "", u.email ?? u.username ?? "", u.role.rawValue, u.active ? "active" : "off"]
        }
        Table(columns: [.init("Name", width: .fill(1)), .init("Phone", width: .length(16)), .init("Email / username", width: .fill(1)),
                        .init("Role", width: .length(8)), .init("Status", width: .length(6))],
              rows: cells, emptyText: rows.loading ? "Loading…" : "Nobody matches").render(into: &buffer, area: rest, state: rows.list)
    }
}
