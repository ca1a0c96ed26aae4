import ShopEngine

/// The customer a sale is for, found by phone (F2); Del on an empty field makes it a walk-in.
/// A phone nobody has opens a name field: Enter there adds the customer (`admin.createCustomer`).
struct CustomerFinder {
    var phone = TextFieldState(maxLength: 20, filter: .phone)
    /// Shown once a search found nobody: the new customer's name ("Maya Lee").
    private(set) var name: TextFieldState?
    private(set) var results: [User] = []
    private var list = ListState(selected: nil)
    /// The digits last searched for: a result for anything else is stale.
    private(set) var searchedFor: String?

    enum Action { case none, close, walkIn, chosen(User), search(String), create(phone: String, firstName: String, lastName: String) }

    var bindings: [KeyBinding] {
        name == nil ? Self.bindings.filter { !$0.keys.contains(.up) || results.count > 1 } : [KeyBinding(keys: [.enter], help: L.t("customer_finder.keys.add")), KeyBinding(keys: [.up], label: "↑", help: L.t("customer_finder.keys.phone")),
                                       KeyBinding(keys: [.escape], help: L.t("customer_finder.keys.close"))]
    }

    static var bindings: [KeyBinding] {
        [KeyBinding(keys: [.enter], help: L.t("customer_finder.keys.search")), KeyBinding(keys: [.up, .down], label: "↑↓", help: L.t("customer_finder.keys.move")),
         KeyBinding(keys: [.delete], help: L.t("customer_finder.keys.walk_in")), KeyBinding(keys: [.escape], help: L.t("customer_finder.keys.close"))]
    }

    mutating func handle(_ key: Key) -> Action {
        if var field = name, let phoneQuery = searchedFor {
            switch key {
            case .escape: return .close
            case .up, .backTab: self.name = nil; return .none   // back to the phone
            case .enter:
                let words = field.text.split(separator: " ").map(String.init)
                guard let first = words.first else { field.error = L.t("customer_finder.error.name"); self.name = field; return .none }
                return .create(phone: phoneQuery, firstName: first, lastName: words.dropFirst().joined(separator: " "))
            default:
                _ = field.handle(key)
                field.error = nil
                self.name = field
                return .none
            }
        }
        switch key {
        case .escape: return .close
        case .up: list.moveSelection(by: -1, count: results.count)
        case .down: list.moveSelection(by: 1, count: results.count)
        case .delete where phone.isEmpty: return .walkIn
        case .enter:
            let query = phone.text.filter { $0 != " " && $0 != "-" }
            if searchedFor == query, let i = list.selected, results.indices.contains(i) { return .chosen(results[i]) }
            guard query.count >= 3 else { phone.error = L.t("customer_finder.error.short"); return .none }
            searchedFor = query
            results = []
            return .search(query)
        default:
            _ = phone.handle(key)
        }
        return .none
    }

    /// The engine refused to add the customer: its message under the name.
    mutating func createFailed(_ error: any Error) -> (any Error)? {
        guard var field = name else { return error }
        if let e = error as? ShopError, e.field == "phone" { phone.error = ScreenContext.describe(e); name = nil; return nil }
        field.error = ScreenContext.describe(error)
        name = field
        return nil
    }

    /// The engine's answer for `query`; returns an error for the notice line (not about the phone).
    mutating func found(_ query: String, _ result: Outcome<AdminService.UserPage>) -> (any Error)? {
        guard searchedFor == query else { return nil }
        switch result {
        case .success(let page):
            results = page.items
            list = ListState(selected: page.items.isEmpty ? nil : 0)
            if page.items.isEmpty {
                phone.error = L.t("customer_finder.no_customer")
                name = TextFieldState(maxLength: 100)
            }
        case .failure(let error as ShopError) where error.field == "phone":
            phone.error = ScreenContext.describe(error)
        case .failure(let error):
            return error
        }
        return nil
    }

    private static func box(_ area: Rect) -> Rect { area.centered(width: min(area.width, 60), height: min(area.height, 12)) }
    private static func field(_ area: Rect) -> Rect {
        let inner = box(area).inner(1).inner(horizontal: 1, vertical: 0)
        return Rect(x: inner.x + 7, y: inner.y, width: inner.width - 7, height: 2)
    }

    func render(into buffer: inout Buffer, area: Rect) {
        let box = Self.box(area)
        buffer.fill(box)
        Block(title: L.t("customer_finder.title")).render(into: &buffer, area: box)
        let inner = box.inner(1).inner(horizontal: 1, vertical: 0)
        buffer.setString(inner.x, inner.y, L.t("customer_finder.phone"), style: Theme.title)
        TextField(placeholder: "+1555…", isFocused: name == nil).render(into: &buffer, area: Self.field(area), state: phone)
        let items = results.map { ListItem("\($0.displayName) · \($0.phone ?? "")\($0.role.isStaff ? " (\(Words.role($0.role)))" : "")") }
        if !items.isEmpty {
            ListView(items: items).render(into: &buffer, area: Rect(x: inner.x, y: inner.y + 3, width: inner.width, height: max(0, inner.height - 4)), state: list)
        }
        if let name {
            buffer.setString(inner.x, inner.y + 3, L.t("customer_finder.name"), style: Theme.title)
            TextField(placeholder: L.t("customer_finder.name_placeholder"), isFocused: true)
                .render(into: &buffer, area: Rect(x: inner.x + 7, y: inner.y + 3, width: inner.width - 7, height: 2), state: name)
        }
        let hint = name != nil ? L.t("customer_finder.hint.name")
            : items.isEmpty ? L.t("customer_finder.hint.search") : L.t("customer_finder.hint.choose")
        buffer.setString(inner.x, inner.bottom - 1, hint, style: Theme.muted, maxWidth: inner.width)
    }
}
