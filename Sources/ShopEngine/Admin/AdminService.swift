/// Users and roles (admins), the demo outbox, and local administration from the command line.
public struct AdminService: Sendable {
    let context: EngineContext
    init(_ context: EngineContext) { self.context = context }

    public struct UserPage: Codable, Sendable {
        public let items: [User]
        public let nextCursor: String?
    }

    /// Users, newest first; `query` matches phone, username, email or name.
    public func listUsers(query: String? = nil, limit: Int = 50, cursor: String? = nil, caller: Caller) throws -> UserPage {
        try context.store.read { db in
            _ = try context.requireAdmin(caller, db)
            return try Self.page(db, query: query, limit: limit, cursor: cursor)
        }
    }

    static func page(_ db: Connection, query: String?, limit: Int, cursor: String?) throws -> UserPage {
        let limit = try Pagination.limit(limit)
        let before = try cursor.map { try Pagination.decodeID($0) } ?? Int64.max
        let pattern = query.map { "%" + $0.replacingOccurrences(of: "%", with: "") + "%" }
        let users = try db.query("""
            SELECT \(User.columns) FROM users u WHERE u.id < ?
            AND (CAST(? AS TEXT) IS NULL OR u.phone LIKE ? OR u.username LIKE ? OR u.email LIKE ? OR (u.first_name || ' ' || u.last_name) LIKE ?)
            ORDER BY u.id DESC LIMIT ?
            """, arguments: [before, pattern, pattern, pattern, pattern, pattern, limit + 1]) { User(row: $0) }
        let more = users.count > limit
        let items = Array(users.prefix(limit))
        return UserPage(items: items, nextCursor: more ? items.last.map { Pagination.encodeID($0.id) } : nil)
    }

    public struct UserChanges: Codable, Sendable {
        public var role: Role?
        public var active: Bool?
        public init(role: Role? = nil, active: Bool? = nil) { self.role = role; self.active = active }
    }

    /// Changes a user's role or active flag. Admins cannot demote or deactivate themselves
    /// (so a shop never loses its last admin by accident). Deactivating ends the user's sessions.
    public func updateUser(id: Int64, _ changes: UserChanges, caller: Caller) throws -> User {
        try context.store.write { db in
            let me = try context.requireAdmin(caller, db)
            guard try User.load(db, id: id) != nil else { throw ShopError.notFound("User") }
            if id == me && (changes.role.map { $0 != .admin } ?? false || changes.active == false) {
                throw ShopError(.conflict, "cannot_change_self", "You cannot demote or deactivate your own account")
            }
            if let role = changes.role { try db.run("UPDATE users SET role = ?, updated_at = ? WHERE id = ?", role.rawValue, context.now, id) }
            if let active = changes.active {
                try db.run("UPDATE users SET active = ?, updated_at = ? WHERE id = ?", active, context.now, id)
                if !active { try TokenService.revokeAll(db, userID: id, now: context.now, reason: "deactivated") }
            }
            return try User.load(db, id: id)!
        }
    }

    public struct OutboxMessage: Codable, Sendable, Equatable {
        public let id: Int64
        public let channel: String
        public let to: String
        public let text: String
        public let createdAt: Int64
    }

    /// Messages kept instead of sent (demo mode); staff and admins may read them.
    public func outbox(limit: Int = 50, caller: Caller) throws -> [OutboxMessage] {
        guard context.configuration.messages == .outbox else {
            throw ShopError(.notFound, "not_found", "The outbox exists only in demo mode")
        }
        return try context.store.read { db in
            _ = try context.requireStaff(caller, db)
            return try Self.outboxMessages(db, limit: limit)
        }
    }

    static func outboxMessages(_ db: Connection, limit: Int) throws -> [OutboxMessage] {
        try db.query("SELECT id, channel, recipient, body, created_at FROM outbox ORDER BY id DESC LIMIT ?", min(max(limit, 1), 200)) {
            OutboxMessage(id: $0.int64("id"), channel: $0.string("channel"), to: $0.string("recipient"), text: $0.string("body"), createdAt: $0.int64("created_at"))
        }
    }

    // MARK: - Local administration (command line; whoever can open the database file is trusted)

    /// Creates the account for `phone` with `role`, or changes its role. Returns the user and
    /// whether it was created.
    public func localSetRole(phone rawPhone: String, role: Role) throws -> (user: User, created: Bool) {
        let phone = try Phone.normalize(rawPhone, defaultCountry: context.configuration.defaultCountry)
        return try context.store.write { db in
            let now = context.now
            if let id = try db.scalarInt("SELECT id FROM users WHERE phone = ?", phone) {
                try db.run("UPDATE users SET role = ?, active = 1, updated_at = ? WHERE id = ?", role.rawValue, now, id)
                return (try User.load(db, id: id)!, false)
            }
            let userID = try db.insert("INSERT INTO users(phone, role, auth_status, created_at, updated_at) VALUES (?, ?, 'VERIFIED', ?, ?) RETURNING id", phone, role.rawValue, now, now)
            return (try User.load(db, id: userID)!, true)
        }
    }

    public func localListUsers() throws -> [User] {
        try context.store.read { db in try db.query("SELECT \(User.columns) FROM users u ORDER BY u.id") { User(row: $0) } }
    }

    /// The newest demo messages for a front end that shows codes on screen (demo mode only).
    public func localOutbox(limit: Int = 10) throws -> [OutboxMessage] {
        try context.store.read { db in try Self.outboxMessages(db, limit: limit) }
    }
}

extension AdminService {
    /// Signs in the account of `phone` without a code. Local administration only: tools that
    /// already hold the database file (load generators, the demo) — never reachable from a client.
    public func localSignIn(phone rawPhone: String, clientAddress: String = "local") throws -> SignIn {
        let phone = try Phone.normalize(rawPhone, defaultCountry: context.configuration.defaultCountry)
        return try context.store.write { db in
            guard let id = try db.scalarInt("SELECT id FROM users WHERE phone = ? AND active = 1", phone), let user = try User.load(db, id: id) else {
                throw ShopError.notFound("Account")
            }
            return try TokenService(context: context).startSession(db, user: user, clientAddress: clientAddress)
        }
    }
}

extension AdminService {
    /// The customer with exactly this phone, for staff at the counter (no partial search, so
    /// staff cannot browse the customer list; admins use `listUsers`).
    public func findCustomer(phone rawPhone: String, caller: Caller) throws -> UserPage {
        let phone = try Phone.normalize(rawPhone, defaultCountry: context.configuration.defaultCountry)
        return try context.store.read { db in
            _ = try context.requireStaff(caller, db)
            // Also the customers staff added at the counter for this phone (`createCustomer`): their
            // phone is pending and they have no way to sign in, so matching them reveals no one's
            // account; a pending phone of an account that signs in is never matched.
            return UserPage(items: try Self.customers(db, phone: phone), nextCursor: nil)
        }
    }

    /// Staff at the counter: a customer for a phone no customer has, with a name, so the sale
    /// (and the next ones, found by `findCustomer`) carry them. The phone stays pending — not a
    /// sign-in identity — until its owner signs in with a code sent to it: then this becomes
    /// their account, with the counter purchases in its history.
    ///
    ///     let maya = try shop.admin.createCustomer(phone: "+15550101", firstName: "Maya", lastName: "Lee", caller: staff)
    public func createCustomer(phone rawPhone: String, firstName: String, lastName: String = "", caller: Caller) throws -> User {
        let phone = try Phone.normalize(rawPhone, defaultCountry: context.configuration.defaultCountry)
        let first = try Validate.text(firstName, field: "first_name", label: "First name", required: true, max: 100)
        let last = try Validate.text(lastName, field: "last_name", label: "Last name", max: 100)
        let now = context.now
        return try context.store.write { db in
            _ = try context.requireStaff(caller, db)
            if try !Self.customers(db, phone: phone).isEmpty {
                throw ShopError(.conflict, "customer_exists", "A customer already has the phone \(phone): search for it", field: "phone")
            }
            let userID = try db.insert("INSERT INTO users(pending_phone, first_name, last_name, role, auth_status, created_at, updated_at) VALUES (?, ?, ?, 'customer', 'NEW', ?, ?) RETURNING id",
                       phone, first, last, now, now)
            guard var user = try User.load(db, id: userID) else { throw ShopError.notFound("Customer") }
            user.isNew = true
            return user
        }
    }

    private static func customers(_ db: Connection, phone: String) throws -> [User] {
        try db.query("""
            SELECT \(User.columns) FROM users u WHERE u.active = 1 AND (u.phone = ?
              OR (u.pending_phone = ? AND \(User.addedAtCounter)))
            ORDER BY u.phone IS NULL, u.id
            """, phone, phone) { User(row: $0) }
    }
}

// MARK: - Photos of people (staff at the counter)

extension AdminService {
    /// Sets a user's profile photo for them (a customer at the counter who brought a picture).
    /// Staff may set a customer's photo; only admins a staff member's or admin's (staff do not
    /// dress up each other's accounts). Same checks as `AccountService.setPhoto`: PNG or JPEG by
    /// magic bytes, at most 2 MiB, the declared type matching; a refused photo writes nothing.
    ///
    ///     try shop.admin.setUserPhoto(userID: 42, bytes: png, contentType: "image/png", caller: staff)
    public func setUserPhoto(userID: Int64, bytes: [UInt8], contentType: String?, caller: Caller) throws {
        try context.store.write { db in
            try Self.requireMayManagePhoto(of: userID, caller: caller, context: context, db)
            // Checked after who may ask: a customer learns nothing about the image rules here.
            let photo = try Photo.validated(bytes, declaredType: contentType)
            try db.run("INSERT INTO user_photos(user_id, content_type, bytes, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT(user_id) DO UPDATE SET content_type = excluded.content_type, bytes = excluded.bytes, updated_at = excluded.updated_at",
                       userID, photo.contentType, photo.bytes, context.now)
            try db.run("UPDATE users SET updated_at = ? WHERE id = ?", context.now, userID)
        }
    }

    /// A user's profile photo, for staff (the Users screen shows it). Not found without one.
    public func userPhoto(userID: Int64, caller: Caller) throws -> Photo {
        let photo = try context.store.read { db in
            _ = try context.requireStaff(caller, db)
            guard try User.load(db, id: userID) != nil else { throw ShopError.notFound("User") }
            return try db.first("SELECT content_type, bytes FROM user_photos WHERE user_id = ?", userID) { Photo(contentType: $0.string(0), bytes: $0.blob(1)) }
        }
        guard let photo else { throw ShopError.notFound("Photo") }
        return photo
    }

    private static func requireMayManagePhoto(of userID: Int64, caller: Caller, context: EngineContext, _ db: Connection) throws {
        let me = try context.requireUser(caller, db)
        guard me.role == .staff || me.role == .admin else { throw ShopError.forbidden }
        guard let target = try User.load(db, id: userID) else { throw ShopError.notFound("User") }
        if target.role != .customer && me.role != .admin && target.id != me.id { throw ShopError.forbidden }
    }
}
