import Foundation

/// The signed-in person's own profile and photo.
extension AccountService {
    public func profile(caller: Caller) throws -> User {
        try context.store.read { db in
            let user = try context.requireUser(caller, db)
            return try User.load(db, id: user.id)!
        }
    }

    public struct ProfileChanges: Codable, Sendable {
        public var firstName: String?
        public var lastName: String?
        public var email: String?
        public var phone: String?
        public var address: String?
        public var postalCode: String?
        /// The language codes are texted in and the TUI switches to on sign-in.
        public var language: Language?
        public init(firstName: String? = nil, lastName: String? = nil, email: String? = nil, phone: String? = nil, address: String? = nil,
                    postalCode: String? = nil, language: Language? = nil) {
            self.firstName = firstName; self.lastName = lastName; self.email = email
            self.phone = phone; self.address = address; self.postalCode = postalCode; self.language = language
        }
    }

    /// Updates the given fields. A new email or an added phone waits for the code sent to it
    /// (email: NEW) and reserves nothing until verified; a proven email keeps working meanwhile.
    public func updateProfile(_ changes: ProfileChanges, caller: Caller) throws -> User {
        let first = try changes.firstName.map { try Validate.text($0, field: "first_name", label: "First name", max: 100) }
        let last = try changes.lastName.map { try Validate.text($0, field: "last_name", label: "Last name", max: 100) }
        let address = try changes.address.map { try Validate.text($0, field: "address", label: "Address", max: 500, multiline: true) }
        let postal = try changes.postalCode.map { try Validate.postalCode($0) }
        let email = try changes.email.map { $0.allSatisfy(\.isWhitespace) ? "" : try Validate.email($0) }   // blank removes it, as documented
        let phone = try changes.phone.map { $0.isEmpty ? "" : try Phone.normalize($0, defaultCountry: context.configuration.defaultCountry) }
        let now = context.now
        let (user, messages): (User, [OutgoingMessage]) = try context.store.write { db in
            let me = try context.requireUser(caller, db)
            let current = try User.load(db, id: me.id)!
            var messages: [OutgoingMessage] = []
            if let first { try db.run("UPDATE users SET first_name = ? WHERE id = ?", first, me.id) }
            if let last { try db.run("UPDATE users SET last_name = ? WHERE id = ?", last, me.id) }
            if let address { try db.run("UPDATE users SET address = ? WHERE id = ?", address, me.id) }
            if let postal { try db.run("UPDATE users SET postal_code = ? WHERE id = ?", postal, me.id) }
            // First: the code sent for a new email or phone below is then in the new language.
            if let language = changes.language { try db.run("UPDATE users SET language = ? WHERE id = ?", language.rawValue, me.id) }
            let verified = try db.first("SELECT email, phone FROM users WHERE id = ?", me.id) { (email: $0.optionalString("email"), phone: $0.optionalString("phone")) }!
            if let email, email.lowercased() != current.email?.lowercased() {
                if email.isEmpty {
                    guard current.username == nil else { throw ShopError.invalid("missing_email", "A password account needs an email", field: "email") }
                    try db.run("UPDATE users SET email = NULL, pending_email = NULL, auth_status = 'VERIFIED' WHERE id = ?", me.id)
                } else if email.lowercased() == verified.email?.lowercased() {
                    // Back to the address already proven: nothing waits any more.
                    try db.run("UPDATE users SET pending_email = NULL, auth_status = 'VERIFIED' WHERE id = ?", me.id)
                } else {
                    // The verified address keeps working until the new one is proven.
                    try requireCooldown(db, userID: me.id, purpose: "verify_email")
                    try db.run("UPDATE users SET pending_email = ?, auth_status = 'NEW' WHERE id = ?", email, me.id)
                    messages.append(try proofMessage(db, userID: me.id, channel: .email, to: email))
                }
            }
            if let phone, phone != current.phone {
                // A phone is a sign-in identity: changing a proven one needs the code flow; adding one waits for its code.
                guard verified.phone == nil else {
                    // Well-formed, refused for the account's state (it has a phone): a conflict, as the API document says.
                    throw ShopError(.conflict, "phone_locked", "To change your phone, sign in with a code on the new number", field: "phone")
                }
                if phone.isEmpty {
                    try db.run("UPDATE users SET pending_phone = NULL WHERE id = ?", me.id)
                } else {
                    try requireCooldown(db, userID: me.id, purpose: "verify_phone")
                    try db.run("UPDATE users SET pending_phone = ? WHERE id = ?", phone, me.id)
                    messages.append(try proofMessage(db, userID: me.id, channel: .sms, to: phone))
                }
            }
            try db.run("UPDATE users SET updated_at = ? WHERE id = ?", now, me.id)
            return (try User.load(db, id: me.id)!, messages)
        }
        for message in messages { try? context.sender.send(message) }   // saved either way; "resend" asks again
        return user
    }

    public func setPhoto(_ bytes: [UInt8], contentType: String?, caller: Caller) throws {
        let photo = try Photo.validated(bytes, declaredType: contentType)
        try context.store.write { db in
            let me = try context.requireUser(caller, db)
            try db.run("INSERT INTO user_photos(user_id, content_type, bytes, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT(user_id) DO UPDATE SET content_type = excluded.content_type, bytes = excluded.bytes, updated_at = excluded.updated_at",
                       me.id, photo.contentType, photo.bytes, context.now)
        }
    }

    public func photo(caller: Caller) throws -> Photo {
        let photo = try context.store.read { db in
            let me = try context.requireUser(caller, db)
            return try db.first("SELECT content_type, bytes FROM user_photos WHERE user_id = ?", me.id) { Photo(contentType: $0.string("content_type"), bytes: $0.blob("bytes")) }
        }
        guard let photo else { throw ShopError.notFound("Photo") }
        return photo
    }
}
