import ShopEngine

/// Admins only: people with accounts, searchable; change a role, activate or deactivate, set a
/// customer's photo from a file on the counter machine (`f`). The engine refuses everyone else,
/// and refuses an admin demoting or deactivating themselves. The selected person's photo shows
/// at the right on a terminal that shows pictures; elsewhere ▣ after a name marks one.
struct UsersScreen: Screen {
    var title: String { L.t("users.title") }
    private var rows = PagedRows<User>()
    var isLoading: Bool { !rows.hasLoaded }
    private var search = TextFieldState(maxLength: 64)
    private var searching = false
    /// The photo path being typed (`f`), and its error.
    private var photoPath: TextFieldState?
    private var photoError: String?
    /// The selected person's photo as loaded, by user id (nil image: loading or none).
    private var photo: (userID: Int64, image: TerminalImage?)?

    private struct Changed: Sendable { let result: Outcome<User> }
    private struct PhotoSet: Sendable { let name: String; let error: (any Error)? }
    private struct PhotoLoaded: Sendable { let userID: Int64; let image: TerminalImage? }

    var bindings: [KeyBinding] {
        if searching { return [KeyBinding(keys: [.enter], help: L.t("users.keys.done")), KeyBinding(keys: [.escape], help: L.t("users.keys.clear"))] }
        if let photoPath { return (photoPath.isEmpty ? [] : [KeyBinding(keys: [.enter], help: L.t("users.keys.set_photo"))]) + [KeyBinding(keys: [.escape], help: L.t("cash_up.keys.cancel"))] }
        return [KeyBinding(keys: [.up, .down], label: "↑↓", help: L.t("customer_finder.keys.move"))] + ListState.pagingBindings
            + [KeyBinding(keys: [.char("/")], help: L.t("users.keys.search")), KeyBinding(keys: [.char("r")], help: L.t("users.keys.role")),
               KeyBinding(keys: [.char("a")], help: L.t("users.keys.active")), KeyBinding(keys: [.char("f")], help: L.t("users.keys.photo"))]
    }
    var capturesText: Bool { searching || photoPath != nil }

    /// A role change or a deactivation the admin said yes to (see `ScreenContext.confirm`).
    private struct Confirmed: Sendable { let user: User; let changes: AdminService.UserChanges }

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
        case .shopChanged where !searching && photoPath == nil:
            load(&context)
        case .result(let page as PagedRows<User>.Page):
            rows.receive(page, &context)
            loadPhoto(&context)
        case .result(let loaded as PhotoLoaded):
            if photo?.userID == loaded.userID { photo = (loaded.userID, loaded.image) }
        case .result(let set as PhotoSet):
            if let error = set.error {
                photoError = ScreenContext.describe(error)
                context.fail(error)
            } else {
                photoPath = nil
                photoError = nil
                photo = nil   // load it again: it changed
                context.say(L.t("users.photo_set", ["name": set.name]), .success)
                load(&context)
            }
        case .key(let key) where photoPath != nil:
            editPhotoPath(key, &context)
        case .result(let confirmed as Confirmed):
            change(confirmed.user, confirmed.changes, &context)
        case .result(let changed as Changed):
            switch changed.result {
            case .success(let user): context.say(user.active ? L.t("users.changed_active", ["name": user.displayName, "role": Words.role(user.role)])
                                                        : L.t("users.changed_inactive", ["name": user.displayName, "role": Words.role(user.role)]), .success)
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
            case let key where rows.navigate(ListState.arrow(key), visibleRows: Table.bodyRows(in: context.session.screenArea.splitTop(2).rest)):
                if rows.wantsMore { load(&context, append: true) }
                loadPhoto(&context)
            case .char("f"):
                guard selected != nil else { return true }
                photoPath = TextFieldState(maxLength: 1024)
                photoError = nil
            case .char("/"): searching = true
            case .char("r"):
                guard let user = selected else { return true }
                let roles = Role.allCases
                let next = roles[((roles.firstIndex(of: user.role) ?? 0) + 1) % roles.count]
                // One key, someone else's access: ask first.
                context.confirm(L.t("users.confirm_role", ["name": user.displayName, "from": Words.role(user.role), "to": Words.role(next)]),
                                yes: L.t("users.confirm_role_yes", ["role": Words.role(next)]),
                                then: Confirmed(user: user, changes: AdminService.UserChanges(role: next)))
            case .char("a"):
                guard let user = selected else { return true }
                if user.active {
                    context.confirm(L.t("users.confirm_deactivate", ["name": user.displayName]), yes: L.t("users.confirm_deactivate_yes"),
                                    then: Confirmed(user: user, changes: AdminService.UserChanges(active: false)))
                } else {
                    change(user, AdminService.UserChanges(active: true), &context)   // harmless: no question
                }
            default: return false
            }
        default: break
        }
        return true
    }

    // MARK: - Photo

    private mutating func editPhotoPath(_ key: Key, _ context: inout ScreenContext) {
        guard var path = photoPath else { return }
        switch key {
        case .escape: photoPath = nil; photoError = nil
        case .enter:
            guard let user = selected, !path.isEmpty else { return }
            let shop = context.shop, caller = context.caller, text = path.text
            context.run {
                // The file is read and checked first: a bad photo sets nothing.
                let error = Result { () throws -> Void in
                    let photo = try PhotoFile.load(text)
                    try shop.admin.setUserPhoto(userID: user.id, bytes: photo.bytes, contentType: photo.contentType, caller: caller)
                }.failureValue
                return PhotoSet(name: user.displayName, error: error)
            }
        default:
            _ = path.handle(key)
            photoError = nil
            photoPath = path
        }
    }

    /// Loads the selected person's photo when the terminal shows pictures and it is not loaded yet.
    private mutating func loadPhoto(_ context: inout ScreenContext) {
        guard context.session.settings.images != .none, let user = selected, user.hasPhoto else { return }
        guard photo?.userID != user.id else { return }
        photo = (user.id, nil)
        let shop = context.shop, caller = context.caller, id = user.id
        context.run { PhotoLoaded(userID: id, image: (try? shop.admin.userPhoto(userID: id, caller: caller)).flatMap { TerminalImage(key: "user/\(id)", bytes: $0.bytes) }) }
    }

    private func change(_ user: User, _ changes: AdminService.UserChanges, _ context: inout ScreenContext) {
        let shop = context.shop, caller = context.caller
        context.run { Changed(result: Result { try shop.admin.updateUser(id: user.id, changes, caller: caller) }) }
    }

    func render(into buffer: inout Buffer, area: Rect, session: Session) {
        var (top, rest) = area.splitTop(2)
        if let path = photoPath, let user = selected {
            let row = Layout.horizontal([.length(TextWidth.of(user.displayName) + 14), .fill(1)]).split(top.row(0))
            buffer.setString(row[0].x, row[0].y, L.t("users.photo_file_for", ["name": user.displayName]), style: Theme.title)
            TextField(placeholder: L.t("photo.path_placeholder"), isFocused: true).render(into: &buffer, area: Rect(x: row[1].x + 1, y: row[1].y, width: row[1].width - 1, height: 1), state: path)
            if let photoError { buffer.setString(top.x, top.y + 1, photoError, style: Theme.error, maxWidth: top.width) }
        } else {
            let searchRow = Layout.horizontal([.length(8), .length(40)]).split(top.row(0))
            buffer.setString(searchRow[0].x, searchRow[0].y, L.t("users.search"), style: searching ? Theme.title : Theme.muted)
            TextField(placeholder: L.t("users.search_placeholder"), isFocused: searching).render(into: &buffer, area: searchRow[1], state: search)
        }
        // The selected person's photo beside the table, where the terminal shows pictures.
        if let box = PhotoBox.column(in: rest, images: session.settings.images, hasPhoto: selected?.hasPhoto == true) {
            PhotoBox(photo: photo?.userID == selected?.id ? photo?.image : nil, images: session.settings.images).render(into: &buffer, area: box)
            rest = rest.splitLeft(rest.width - box.width - 1).left
        }
        let cells = rows.items.map { u -> [String] in
            ["\(u.firstName) \(u.lastName)".trimmingCharacters(in: .whitespaces) + (u.hasPhoto ? " ▣" : ""), u.phone ?? "", u.email ?? u.username ?? "", Words.role(u.role), u.active ? L.t("users.status.active") : L.t("users.status.off")]
        }
        Table(columns: [.init(L.t("customer_finder.name"), width: .fill(1)), .init(L.t("customer_finder.phone"), width: .length(16)),
                        .init(L.t("users.column.email"), width: .fill(1)), .init(L.t("users.column.role"), width: .length(8)),
                        .init(L.t("payments.column.status"), width: .length(6))],
              rows: cells, emptyText: rows.loading ? L.t("cash_up.loading") : L.t("users.empty")).render(into: &buffer, area: rest, state: rows.list)
    }
}
