import Foundation

/// Accounts and sign-in: phone + one-time code, password accounts, email verification,
/// password reset and change, tokens, and the profile.
public struct AccountService: Sendable {
    let context: EngineContext
    init(_ context: EngineContext) { self.context = context }

    var tokens: TokenService { TokenService(context: context) }

    // MARK: - Rules

    public static let codeLifetime: Int64 = 5 * 60
    public static let resendCooldown: Int64 = 60
    public static let codesPerHour = 5
    public static let maxWrongTries = 5
    /// Wrong verification or reset codes one account may get in 24 hours, per flow; then that flow waits.
    public static let dailyWrongCodes = 10
    static let accountCodeLifetime: Int64 = 15 * 60

    // MARK: - Phone sign-in

    public struct CodeRequest: Codable, Sendable {
        /// Names this code request when verifying: the phone is not sent again.
        public let requestId: String
        public let expiresIn: Int
        /// Seconds until a new code may be requested for this phone.
        public let retryAfter: Int
        /// The normalised phone the code went to.
        public let phone: String
    }

    /// Sends a 6-digit code to `phone`. The answer is the same whether or not the phone has an
    /// account: new and returning customers share this flow.
    public func requestCode(phone rawPhone: String, caller: Caller) throws -> CodeRequest {
        let phone = try Phone.normalize(rawPhone, defaultCountry: context.configuration.defaultCountry)
        try context.sender.requireConfigured()
        try context.limitSignIn(caller)
        let now = context.now
        let requestID = Crypto.randomID()
        let code = Crypto.randomDigits(6)
        let wait: Int64? = try context.store.write { db in
            if let last = try db.scalarInt("SELECT max(created_at) FROM otp_requests WHERE phone = ?", phone),
               now - last < Self.resendCooldown {
                return Self.resendCooldown - (now - last)
            }
            let recent = try db.query("SELECT created_at FROM otp_requests WHERE phone = ? AND created_at > ? ORDER BY created_at", phone, now - 3600) { $0.int64(0) }
            if recent.count >= Self.codesPerHour { return recent[recent.count - Self.codesPerHour] + 3600 - now }
            try db.run("INSERT INTO otp_requests(id, phone, code_hash, created_at, expires_at) VALUES (?, ?, ?, ?, ?)",
                       requestID, phone, context.codeHash(code, for: requestID), now, now + Self.codeLifetime)
            try db.run("DELETE FROM otp_requests WHERE phone = ? AND created_at < ?", phone, now - 86_400)
            return nil
        }
        if let wait { throw ShopError.tooMany("Please wait \(wait) s before asking for another code", retryAfter: Int(wait)) }
        do {
            try context.sender.send(OutgoingMessage(channel: .sms, to: phone, text: "Your Shop code is \(code). It expires in 5 minutes."))
        } catch {
            // Not delivered: forget the request so the customer can try again at once.
            _ = try? context.store.write { try $0.run("DELETE FROM otp_requests WHERE id = ?", requestID) }
            throw error
        }
        return CodeRequest(requestId: requestID, expiresIn: Int(Self.codeLifetime), retryAfter: Int(Self.resendCooldown), phone: phone)
    }

    enum CodeCheck { case ok(SignIn), wrong(left: Int), gone(String, String) }

    /// Checks a code; on success signs in, creating the account for an unknown phone (`isNew`).
    public func verifyCode(requestID: String, code rawCode: String, caller: Caller) throws -> SignIn {
        let code = Text.foldDigits(rawCode).trimmingCharacters(in: .whitespaces)
        guard code.count == 6, code.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            throw ShopError.invalid("invalid_code", "The code is 6 digits", field: "code")
        }
        guard requestID.count == 32, requestID.allSatisfy(\.isHexDigit) else {
            throw ShopError(.gone, "otp_expired", "This code has expired; ask for a new one")
        }
        try context.limitSignIn(caller)
        let now = context.now
        let check: CodeCheck = try context.store.write { db in
            guard let row = try db.first("SELECT phone, code_hash, expires_at, attempts, consumed_at FROM otp_requests WHERE id = ?", requestID,
                                         map: { (phone: $0.string(0), hash: $0.blob(1), expires: $0.int64(2), attempts: Int($0.int64(3)), consumed: $0.optionalInt64(4)) }) else {
                return .gone("otp_expired", "This code has expired; ask for a new one")
            }
            if row.consumed != nil { return .gone("otp_used", "This code was already used; ask for a new one") }
            if row.expires <= now { return .gone("otp_expired", "This code has expired; ask for a new one") }
            if row.attempts >= Self.maxWrongTries { return .gone("otp_attempts_exceeded", "Too many wrong tries; ask for a new code") }
            guard Crypto.constantTimeEqual(context.codeHash(code, for: requestID), row.hash) else {
                try db.run("UPDATE otp_requests SET attempts = attempts + 1 WHERE id = ?", requestID)
                return .wrong(left: Self.maxWrongTries - row.attempts - 1)
            }
            try db.run("UPDATE otp_requests SET consumed_at = ? WHERE id = ?", now, requestID)
            var isNew = false
            // Only a proven phone signs in. One waiting on another account reserves nothing: the
            // owner who just proved it gets their own account, and the claim elsewhere is dropped.
            var userID = try db.scalarInt("SELECT id FROM users WHERE phone = ?", row.phone)
            if userID == nil {
                try db.run("INSERT INTO users(phone, auth_status, created_at, updated_at) VALUES (?, 'VERIFIED', ?, ?)", row.phone, now, now)
                userID = db.lastInsertRowID
                isNew = true
            }
            try db.run("UPDATE users SET pending_phone = NULL WHERE pending_phone = ? AND id <> ?", row.phone, userID!)
            guard var user = try User.load(db, id: userID!) else { throw ShopError.notFound("Account") }
            guard user.active else { return .gone("account_disabled", "This account is not active; please contact the shop") }
            user.isNew = isNew
            return .ok(try tokens.startSession(db, user: user, clientAddress: caller.clientAddress))
        }
        switch check {
        case .ok(let signIn): return signIn
        case .wrong(let left):
            let tail = left > 0 ? "\(left) \(left == 1 ? "try" : "tries") left" : "ask for a new code"
            throw ShopError(.invalid, "otp_invalid", "Wrong code; \(tail)", field: "code")
        case .gone(let code, let message):
            throw ShopError(code == "account_disabled" ? .forbidden : .gone, code, message)
        }
    }

    // MARK: - Password accounts

    public struct Registration: Codable, Sendable {
        public var username: String
        public var email: String
        public var password: String
        public var passwordConfirm: String
        public var firstName: String
        public var lastName: String
        public var phone: String?
        public var address: String?

        public init(username: String, email: String, password: String, passwordConfirm: String,
                    firstName: String, lastName: String, phone: String? = nil, address: String? = nil) {
            self.username = username; self.email = email; self.password = password
            self.passwordConfirm = passwordConfirm; self.firstName = firstName; self.lastName = lastName
            self.phone = phone; self.address = address
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
            try db.run("""
                INSERT INTO users(username, pending_email, pending_phone, password_hash, first_name, last_name, address, auth_status, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, 'NEW', ?, ?)
                """, username, email, phone, hash, first, last, address, now, now)
            let id = db.lastInsertRowID
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

    /// What to send to an address just given to account `userID`: a code that proves it, or, when
    /// another account already proved it, a notice to its owner (the asker learns nothing).
    private func proofMessage(_ db: Connection, userID: Int64, channel: OutgoingMessage.Channel, to address: String) throws -> OutgoingMessage {
        let column = channel == .email ? "email" : "phone"
        let what = channel == .email ? "email address" : "phone number"
        if try db.scalarInt("SELECT 1 FROM users WHERE \(column) = ? AND id <> ?", address, userID) != nil {
            return OutgoingMessage(channel: channel, to: address, text: "Someone tried to add this \(what) to another Shop account. If it was you, sign in with it instead (or reset your password). Otherwise ignore this message.")
        }
        let code = Crypto.randomDigits(6)
        try storeAccountCode(db, userID: userID, purpose: channel == .email ? "verify_email" : "verify_phone", code: code)
        return OutgoingMessage(channel: channel, to: address, text: "Your Shop code to verify this \(what) is \(code).")
    }

    /// Signs in by username, email or phone and password, with one generic failure.
    public func login(_ login: String, password: String, caller: Caller) throws -> SignIn {
        let failure = ShopError(.unauthorized, "invalid_credentials", "Wrong login or password")
        let trimmed = login.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty, trimmed.count <= 254, !password.isEmpty, password.count <= 128 else { throw failure }
        try context.limitSignIn(caller)
        let phone = try? Phone.normalize(trimmed, defaultCountry: context.configuration.defaultCountry)
        let found = try context.store.read { db in
            try db.first("SELECT id, password_hash, active FROM users WHERE username = ? OR email = ? OR phone = ?", trimmed, trimmed, phone) {
                (id: $0.int64(0), hash: $0.optionalString(1), active: $0.bool(2))
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

    /// Confirms the email waiting on the signed-in account (NEW → VERIFIED): from now on it signs
    /// in and receives reset codes. A claim on the same address by another unverified account is dropped.
    public func verifyEmail(code: String, caller: Caller) throws -> User {
        try verifyPending(.email, code: code, caller: caller)
    }

    /// Confirms the phone waiting on the signed-in account: from now on it signs in by code or password.
    public func verifyPhone(code: String, caller: Caller) throws -> User {
        try verifyPending(.sms, code: code, caller: caller)
    }

    /// Sends a new email verification code (once a minute).
    public func resendEmailCode(caller: Caller) throws {
        try resendProof(.email, caller: caller)
    }

    /// Sends a new code to the phone waiting on the account (once a minute).
    public func resendPhoneCode(caller: Caller) throws {
        try resendProof(.sms, caller: caller)
    }

    private func verifyPending(_ channel: OutgoingMessage.Channel, code: String, caller: Caller) throws -> User {
        let (column, purpose) = channel == .email ? ("email", "verify_email") : ("phone", "verify_phone")
        let now = context.now
        let outcome: Result<User, ShopError> = try context.store.write { db in
            let user = try context.requireUser(caller, db)
            guard let pending = try db.scalarString("SELECT pending_\(column) FROM users WHERE id = ?", user.id) else {
                throw ShopError(.conflict, "already_verified", channel == .email ? "There is no email waiting to be verified" : "There is no phone waiting to be verified")
            }
            if let failure = try consumeAccountCode(db, userID: user.id, purpose: purpose, code: code, now: now) {
                return .failure(failure)
            }
            // Both proved it: the first account keeps it (the code's owner may sign in there).
            if try db.scalarInt("SELECT 1 FROM users WHERE \(column) = ? AND id <> ?", pending, user.id) != nil {
                return .failure(ShopError(.conflict, "\(column)_in_use", "This \(channel == .email ? "email" : "phone") is already verified on another account; sign in there", field: column))
            }
            try db.run("UPDATE users SET \(column) = pending_\(column), pending_\(column) = NULL, updated_at = ? WHERE id = ?", now, user.id)
            if channel == .email { try db.run("UPDATE users SET auth_status = 'VERIFIED' WHERE id = ?", user.id) }
            try db.run("UPDATE users SET pending_\(column) = NULL WHERE pending_\(column) = ?", pending)
            return .success(try User.load(db, id: user.id)!)
        }
        return try outcome.get()
    }

    private func resendProof(_ channel: OutgoingMessage.Channel, caller: Caller) throws {
        try context.sender.requireConfigured()
        let column = channel == .email ? "email" : "phone"
        let message: OutgoingMessage = try context.store.write { db in
            let user = try context.requireUser(caller, db)
            guard let pending = try db.scalarString("SELECT pending_\(column) FROM users WHERE id = ?", user.id) else {
                throw ShopError(.conflict, "already_verified", channel == .email ? "There is no email waiting to be verified" : "There is no phone waiting to be verified")
            }
            try requireCooldown(db, userID: user.id, purpose: channel == .email ? "verify_email" : "verify_phone")
            return try proofMessage(db, userID: user.id, channel: channel, to: pending)
        }
        try context.sender.send(message)
    }

    /// One code a minute per account and flow.
    private func requireCooldown(_ db: Connection, userID: Int64, purpose: String) throws {
        if let last = try db.scalarInt("SELECT max(created_at) FROM account_codes WHERE user_id = ? AND purpose = ?", userID, purpose),
           context.now - last < Self.resendCooldown {
            throw ShopError.tooMany("Please wait before asking for another code", retryAfter: Int(Self.resendCooldown - (context.now - last)))
        }
    }

    /// Sends a reset code to the account's verified email (or else its verified phone). Answers the
    /// same for unknown logins; an email or phone still waiting for its code finds nothing.
    public func forgotPassword(login: String, caller: Caller) throws {
        let trimmed = login.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty, trimmed.count <= 254 else { throw ShopError.invalid("missing_login", "Enter your username, email or phone", field: "login") }
        try context.sender.requireConfigured()
        try context.limitSignIn(caller)
        let phone = try? Phone.normalize(trimmed, defaultCountry: context.configuration.defaultCountry)
        let code = Crypto.randomDigits(6)
        let now = context.now
        let message: OutgoingMessage? = try context.store.write { db in
            guard let user = try db.first("SELECT id, email, phone FROM users WHERE (username = ? OR email = ? OR phone = ?) AND active = 1", trimmed, trimmed, phone,
                                          map: { (id: $0.int64(0), email: $0.optionalString(1), phone: $0.optionalString(2)) }) else { return nil }
            if let last = try db.scalarInt("SELECT max(created_at) FROM account_codes WHERE user_id = ? AND purpose = 'reset_password'", user.id),
               now - last < Self.resendCooldown { return nil } // silently: the answer must not differ
            try storeAccountCode(db, userID: user.id, purpose: "reset_password", code: code)
            let text = "Your Shop password reset code is \(code). If you did not ask for it, ignore this message."
            if let email = user.email { return OutgoingMessage(channel: .email, to: email, text: text) }
            if let phone = user.phone { return OutgoingMessage(channel: .sms, to: phone, text: text) }
            return nil
        }
        if let message { try? context.sender.send(message) } // a failure here must not reveal the account
    }

    /// Sets a new password with a reset code; ends every session of the account.
    public func resetPassword(login: String, code: String, password: String, confirmation: String, caller: Caller) throws {
        try Validate.password(password, confirmation: confirmation)
        try context.limitSignIn(caller)
        let trimmed = login.trimmingCharacters(in: .whitespaces)
        let phone = try? Phone.normalize(trimmed, defaultCountry: context.configuration.defaultCountry)
        let hash = context.hasher.hash(password)
        let now = context.now
        let failure: ShopError? = try context.store.write { db in
            guard let user = try db.first("SELECT id, email FROM users WHERE (username = ? OR email = ? OR phone = ?) AND active = 1", trimmed, trimmed, phone,
                                          map: { (id: $0.int64(0), email: $0.optionalString(1)) }) else {
                return ShopError.invalid("invalid_code", "The code is wrong or has expired", field: "code")
            }
            if let failure = try consumeAccountCode(db, userID: user.id, purpose: "reset_password", code: code, now: now) { return failure }
            try db.run("UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ?", hash, now, user.id)
            try TokenService.revokeAll(db, userID: user.id, now: now, reason: "password reset")
            return nil
        }
        if let failure { throw failure }
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

    // MARK: - Tokens

    /// The caller an access token stands for (`Authorization: Bearer …`).
    public func authenticate(accessToken: String, clientAddress: String) throws -> Caller {
        try tokens.authenticate(accessToken, clientAddress: clientAddress)
    }

    /// Rotates a refresh token: a new pair, the old refresh token spent.
    public func refresh(_ refreshToken: String, caller: Caller) throws -> SignIn {
        try tokens.refresh(refreshToken, clientAddress: caller.clientAddress)
    }

    /// Ends the session of a refresh token.
    public func logout(refreshToken: String, caller: Caller) throws {
        try tokens.revoke(refreshToken: refreshToken, caller: caller)
    }

    /// Ends the caller's own session (the TUI's sign out).
    public func signOut(caller: Caller) throws {
        guard let family = caller.tokenFamily else { return }
        try context.store.write { db in
            try db.run("UPDATE token_families SET revoked_at = ?, revoked_reason = 'logout' WHERE id = ? AND revoked_at IS NULL", context.now, family)
        }
    }

    // MARK: - Profile

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
        public init(firstName: String? = nil, lastName: String? = nil, email: String? = nil, phone: String? = nil, address: String? = nil, postalCode: String? = nil) {
            self.firstName = firstName; self.lastName = lastName; self.email = email
            self.phone = phone; self.address = address; self.postalCode = postalCode
        }
    }

    /// Updates the given fields. A new email or an added phone waits for the code sent to it
    /// (email: NEW) and reserves nothing until verified; a proven email keeps working meanwhile.
    public func updateProfile(_ changes: ProfileChanges, caller: Caller) throws -> User {
        let first = try changes.firstName.map { try Validate.text($0, field: "first_name", label: "First name", max: 100) }
        let last = try changes.lastName.map { try Validate.text($0, field: "last_name", label: "Last name", max: 100) }
        let address = try changes.address.map { try Validate.text($0, field: "address", label: "Address", max: 500, multiline: true) }
        let postal = try changes.postalCode.map { try Validate.postalCode($0) }
        let email = try changes.email.map { $0.isEmpty ? "" : try Validate.email($0) }
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
            let verified = try db.first("SELECT email, phone FROM users WHERE id = ?", me.id) { (email: $0.optionalString(0), phone: $0.optionalString(1)) }!
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
                    throw ShopError.invalid("phone_locked", "To change your phone, sign in with a code on the new number", field: "phone")
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
            return try db.first("SELECT content_type, bytes FROM user_photos WHERE user_id = ?", me.id) { Photo(contentType: $0.string(0), bytes: $0.blob(1)) }
        }
        guard let photo else { throw ShopError.notFound("Photo") }
        return photo
    }

    // MARK: - Account codes (email verification, password reset)

    private func storeAccountCode(_ db: Connection, userID: Int64, purpose: String, code: String) throws {
        let now = context.now
        // A new code replaces older unused ones of the same purpose.
        try db.run("UPDATE account_codes SET consumed_at = ? WHERE user_id = ? AND purpose = ? AND consumed_at IS NULL", now, userID, purpose)
        try db.run("INSERT INTO account_codes(user_id, purpose, code_hash, created_at, expires_at) VALUES (?, ?, ?, ?, ?)",
                   userID, purpose, context.codeHash(code, for: "\(purpose):\(userID)"), now, now + Self.accountCodeLifetime)
    }

    /// Checks and spends the newest live code; nil on success. A wrong code counts a try (committed).
    private func consumeAccountCode(_ db: Connection, userID: Int64, purpose: String, code rawCode: String, now: Int64) throws -> ShopError? {
        let invalid = ShopError.invalid("invalid_code", "The code is wrong or has expired", field: "code")
        let code = Text.foldDigits(rawCode).trimmingCharacters(in: .whitespaces)
        let day = try db.first("SELECT coalesce(sum(attempts), 0), min(created_at) FROM account_codes WHERE user_id = ? AND purpose = ? AND created_at > ? AND attempts > 0",
                               userID, purpose, now - 86_400) { (wrong: Int($0.int64(0)), since: $0.optionalInt64(1)) }
        if let day, day.wrong >= Self.dailyWrongCodes, let since = day.since {
            let wait = Int(since + 86_400 - now)
            return ShopError(.tooManyRequests, "code_attempts_exceeded",
                             "Too many wrong codes for this account today; try again in \(max(1, (wait + 3599) / 3600)) h", retryAfter: max(1, wait))
        }
        guard let row = try db.first("SELECT id, code_hash, attempts FROM account_codes WHERE user_id = ? AND purpose = ? AND consumed_at IS NULL AND expires_at > ? ORDER BY id DESC LIMIT 1",
                                     userID, purpose, now, map: { (id: $0.int64(0), hash: $0.blob(1), attempts: Int($0.int64(2))) }),
              row.attempts < Self.maxWrongTries else { return invalid }
        guard code.count == 6, Crypto.constantTimeEqual(context.codeHash(code, for: "\(purpose):\(userID)"), row.hash) else {
            try db.run("UPDATE account_codes SET attempts = attempts + 1 WHERE id = ?", row.id)
            return invalid
        }
        try db.run("UPDATE account_codes SET consumed_at = ? WHERE id = ?", now, row.id)
        return nil
    }
}
