import Foundation

/// A customer's own data: everything the shop holds about them, and deleting the account.
extension AccountService {
    /// Everything the shop keeps about one person, as they may download it (`GET /me/export`).
    public struct PersonalData: Codable, Sendable {
        public let exportedAt: Int64
        public let profile: User
        public let hasPhoto: Bool
        public let rememberedSSHKeys: [RememberedKey]
        public let cart: CartService.Cart
        public let orders: [Order]
        public let payments: [PaymentService.Payment]
        public let sessions: [SessionRecord]
    }

    /// One sign-in (a token family): when it started and whether and why it ended.
    public struct SessionRecord: Codable, Sendable {
        public let startedAt: Int64
        public let endedAt: Int64?
        public let endedBecause: String?
    }

    /// The document a person downloads: the same JSON at the terminal and over HTTP.
    public static func json(_ data: PersonalData) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        return try encoder.encode(data)
    }

    /// The caller's data, every order and payment included.
    public func exportData(caller: Caller) throws -> PersonalData {
        let profile = try profile(caller: caller)
        var orders: [Order] = []
        var cursor: String?
        repeat {
            let page = try OrderService(context).list(customerID: profile.id, limit: 100, cursor: cursor, caller: caller)
            orders += page.items
            cursor = page.nextCursor
        } while cursor != nil
        let payments = try orders.flatMap { order -> [PaymentService.Payment] in
            var all: [PaymentService.Payment] = [], cursor: String?
            repeat {
                let page = try PaymentService(context).list(orderID: order.id, limit: 100, cursor: cursor, caller: caller)
                all += page.items
                cursor = page.nextCursor
            } while cursor != nil
            return all
        }
        let sessions = try context.store.read { db in
            let me = try context.requireUser(caller, db)
            return try db.query("SELECT created_at, revoked_at, revoked_reason FROM token_families WHERE user_id = ? ORDER BY created_at", me.id) {
                SessionRecord(startedAt: $0.int64("created_at"), endedAt: $0.optionalInt64("revoked_at"), endedBecause: $0.optionalString("revoked_reason"))
            }
        }
        return PersonalData(exportedAt: context.now, profile: profile, hasPhoto: profile.hasPhoto, rememberedSSHKeys: try rememberedKeys(caller: caller),
                            cart: try CartService(context).cart(caller: caller), orders: orders, payments: payments, sessions: sessions)
    }

    /// What a person must type to delete their account.
    public static let deletionConfirmation = "DELETE"

    /// Deletes the caller's account, for good: personal fields erased (the row stays, empty and
    /// inactive, so the books keep their references), contact fields of their orders blanked,
    /// sessions, codes, SSH keys, cart and photo removed. A password account must give its password.
    /// Orders, lines and payments stay for the books. Nobody, staff included, can undo it.
    public func deleteAccount(confirmation: String, password: String?, caller: Caller) throws {
        guard confirmation == Self.deletionConfirmation else {
            throw ShopError.invalid("confirmation_required", "Type \(Self.deletionConfirmation) to delete your account", field: "confirm")
        }
        try context.limitSignIn(caller)   // a password check, like a login
        let stored: String? = try context.store.read { db in
            let me = try context.requireUser(caller, db)
            return try db.scalarString("SELECT password_hash FROM users WHERE id = ?", me.id)
        }
        if let stored {
            guard let password, context.hasher.verify(password, against: stored) else {
                throw ShopError(.invalid, "wrong_password", "The password is wrong", field: "password")
            }
        }
        try context.store.write { db in
            let me = try context.requireUser(caller, db)
            let phones = try db.first("SELECT phone, pending_phone FROM users WHERE id = ?", me.id) { [$0.optionalString("phone"), $0.optionalString("pending_phone")] } ?? []
            for phone in phones.compactMap({ $0 }) { try db.run("DELETE FROM otp_requests WHERE phone = ?", phone) }
            try db.run("""
                UPDATE users SET phone = NULL, pending_phone = NULL, username = NULL, email = NULL, pending_email = NULL,
                    password_hash = NULL, first_name = '', last_name = '', address = '', postal_code = '',
                    role = 'customer', active = 0, auth_status = 'VERIFIED', updated_at = ? WHERE id = ?
                """, context.now, me.id)
            try db.run("""
                UPDATE orders SET first_name = '', last_name = '', phone = '', email = '', address = '', postal_code = '', note = ''
                WHERE user_id = ?
                """, me.id)
            for table in ["token_families", "account_codes", "ssh_keys", "user_photos", "cart_items"] {
                try db.run("DELETE FROM \(table) WHERE user_id = ?", me.id)
            }
        }
    }
}
