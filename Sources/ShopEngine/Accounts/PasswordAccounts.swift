import Foundation

/// Password accounts: registration, login, and forgotten, reset and changed passwords.
extension AccountService {
    public struct Registration: Codable, Sendable {
        public var username: String
        public var email: String
        public var password: String
        public var passwordConfirm: String
        public var firstName: String
        public var lastName: String
        public var phone: String?
        public var address: String?
        /// The account's language (its codes are sent in it): the one the person signs up in.
        public var language: Language?

        public init(username: String, email: String, password: String, passwordConfirm: String,
                    firstName: String, lastName: String, phone: String? = nil, address: String? = nil, language: Language? = nil) {
            self.username = username; self.email = email; self.password = password
            self.passwordConfirm = passwordConfirm; self.firstName = firstName; self.lastName = lastName
            self.phone = phone; self.address = address; self.language = language
        }
    }

    /// Creates a password account. Its email (and phone, if given) wait for their codes: until
    /// verified they neither sign in nor reserve anything. The answer never tells whether the
    /// email or phone already belong to someone (their owner is told by message instead); a
    /// taken username is reported.
    public func register(_ form: Registration, caller: Caller) throws -> SignIn {
        let username = try Validate.username(form.username)
        let email = try Validate.email(form.email)
        try Validate.password(form.password, confirmation: form.passwordConfirm)
        let first = try Validate.text(form.firstName, field: "first_name", label: "First name", required: true, max: 100)
        let last = try Validate.text(form.lastName, field: "last_name", label: "Last name", required: true, max: 100)
        let address = try Validate.text(form.address, field: "address", label: "Address", max: 500, multiline: true)
        let phone = try form.phone.flatMap { $0.isEmpty ? nil : try Phone.normalize($0, defaultCountry: context.configuration.defaultCountry) }
        try context.limitSignIn(caller)
        let hash = context.hasher.hash(form.password)
        let now = context.now
        let (signIn, messages): (SignIn, [OutgoingMessage]) = try context.store.write { db in
            if try db.scalarInt("SELECT 1 FROM users WHERE username = ?", username) != nil {
                throw ShopError(.conflict, "username_taken", "That username is taken", field: "username")
            }
            let id = try db.insert("""
                INSERT INTO users(username, pending_email, pending_phone, password_hash, first_name, last_name, address, auth_status, language, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, 'NEW', ?, ?, ?) RETURNING id
                """, username, email, phone, hash, first, last, address, form.language?.rawValue, now, now)
            var messages = [try proofMessage(db, userID: id, channel: .email, to: email)]
            if let phone { messages.append(try proofMessage(db, userID: id, channel: .sms, to: phone)) }
            guard var user = try User.load(db, id: id) else { throw ShopError.notFound("Account") }
            user.isNew = true
            return (try tokens.startSession(db, user: user, clientAddress: caller.clientAddress), messages)
        }
        // The account exists either way; a code that did not go out can be asked for again.
        for message in messages { try? context.sender.send(message) }
        return signIn
    }


    public func login(_ login: String, password: String, caller: Caller) throws -> SignIn {
        let failure = ShopError(.unauthorized, "invalid_credentials", "Wrong login or password")
        let trimmed = login.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty, trimmed.count <= 254, !password.isEmpty, password.count <= 128 else { throw failure }
        try context.limitSignIn(caller)
        let found = try context.store.read { db in
            try User.find(db, login: trimmed, defaultCountry: context.configuration.defaultCountry).map {
                (id: $0.id, hash: try db.scalarString("SELECT password_hash FROM users WHERE id = ?", $0.id), active: $0.active)
            }
        }
        guard let found, let hash = found.hash else {
            context.hasher.verifyDummy(password) // the same time as a real check: no account enumeration
            throw failure
        }
        guard context.hasher.verify(password, against: hash), found.active else { throw failure }
        return try context.store.write { db in
            guard let user = try User.load(db, id: found.id) else { throw failure }
            return try tokens.startSession(db, user: user, clientAddress: caller.clientAddress)
        }
    }


    /// Sends a reset code to the account's verified email (or else its verified phone). Answers the
    /// same for unknown logins; an email or phone still waiting for its code finds nothing.
    public func forgotPassword(login: String, caller: Caller) throws {
        // Blank, control characters or over 254: refused, as the API document's pattern says.
        guard let trimmed = Text.clean(login), !trimmed.isEmpty, login.unicodeScalars.count <= 254 else {
            throw ShopError.invalid("missing_login", "Enter your username, email or phone", field: "login")
        }
        try context.sender.requireConfigured()
        try context.limitSignIn(caller)
        let code = Crypto.randomDigits(6)
        let now = context.now
        let message: OutgoingMessage? = try context.store.write { db in
            guard let user = try User.find(db, login: trimmed, defaultCountry: context.configuration.defaultCountry), user.active else { return nil }
            if let last = try db.scalarInt("SELECT max(created_at) FROM account_codes WHERE user_id = ? AND purpose = 'reset_password'", user.id),
               now - last < Self.resendCooldown { return nil } // silently: the answer must not differ
            try storeAccountCode(db, userID: user.id, purpose: "reset_password", code: code)
            let text = AccountMessages.passwordResetCode(code, in: user.language)
            if let email = user.verifiedEmail { return OutgoingMessage(channel: .email, to: email, text: text) }
            if let phone = user.verifiedPhone { return OutgoingMessage(channel: .sms, to: phone, text: text) }
            return nil
        }
        if let message { try? context.sender.send(message) } // a failure here must not reveal the account
    }

    /// Sets a new password with a reset code; ends every session of the account.
    public func resetPassword(login: String, code: String, password: String, confirmation: String, caller: Caller) throws {
        try Validate.password(password, confirmation: confirmation)
        try context.limitSignIn(caller)
        let trimmed = login.trimmingCharacters(in: .whitespaces)
        let hash = context.hasher.hash(password)
        let now = context.now
        try context.store.writeCommittingFailure { db -> Result<Void, ShopError> in
            guard let user = try User.find(db, login: trimmed, defaultCountry: context.configuration.defaultCountry), user.active else {
                return .failure(AccountService.invalidCode)
            }
            if let failure = try consumeAccountCode(db, userID: user.id, purpose: "reset_password", code: code, now: now) { return .failure(failure) }
            try db.run("UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ?", hash, now, user.id)
            try TokenService.revokeAll(db, userID: user.id, now: now, reason: "password reset")
            return .success(())
        }
    }

    /// Changes the password after checking the old one; ends other sessions and returns a new one.
    public func changePassword(old: String, new: String, confirmation: String, caller: Caller) throws -> SignIn {
        try Validate.password(new, confirmation: confirmation)
        try context.limitSignIn(caller)   // a password guess, like a login
        let stored: String? = try context.store.read { db in
            let user = try context.requireUser(caller, db)
            return try db.scalarString("SELECT password_hash FROM users WHERE id = ?", user.id)
        }
        if let stored {
            guard context.hasher.verify(old, against: stored) else {
                throw ShopError(.invalid, "wrong_password", "The current password is wrong", field: "old_password")
            }
        }
        let hash = context.hasher.hash(new)
        return try context.store.write { db in
            let user = try context.requireUser(caller, db)
            try db.run("UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ?", hash, context.now, user.id)
            try TokenService.revokeAll(db, userID: user.id, now: context.now, reason: "password changed")
            return try tokens.startSession(db, user: try User.load(db, id: user.id)!, clientAddress: caller.clientAddress)
        }
    }
}
