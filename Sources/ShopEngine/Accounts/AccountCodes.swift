import Foundation

/// The codes that prove an email or phone belongs to an account, and that reset a password:
/// stored as keyed hashes, single use, a few wrong tries each and a daily cap per account.
extension AccountService {
    /// What to send to an address just given to account `userID`: a code that proves it, or, when
    /// another account already proved it, a notice to its owner (the asker learns nothing).
    func proofMessage(_ db: Connection, userID: Int64, channel: OutgoingMessage.Channel, to address: String) throws -> OutgoingMessage {
        let column = channel == .email ? "email" : "phone"
        // The account's language: the message goes to whoever it names, in the words of the
        // account asking (an owner elsewhere has not told us theirs for this address).
        let language = try db.first("SELECT language FROM users WHERE id = ?", userID) { $0.value("language", or: Language.en) } ?? .en
        if try db.scalarInt("SELECT 1 FROM users WHERE \(column) = ? AND id <> ?", address, userID) != nil {
            return OutgoingMessage(channel: channel, to: address, text: AccountMessages.claimedElsewhere(channel: channel, in: language))
        }
        let code = Crypto.randomDigits(6)
        try storeAccountCode(db, userID: userID, purpose: channel == .email ? "verify_email" : "verify_phone", code: code)
        return OutgoingMessage(channel: channel, to: address, text: AccountMessages.proofCode(code, channel: channel, in: language))
    }

    /// Signs in by username, email or phone and password, with one generic failure.

    /// in and receives reset codes. A claim on the same address by another unverified account is dropped.
    /// Confirms the email waiting on the signed-in account (NEW → VERIFIED): from now on it signs
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

    func verifyPending(_ channel: OutgoingMessage.Channel, code: String, caller: Caller) throws -> User {
        let (column, purpose) = channel == .email ? ("email", "verify_email") : ("phone", "verify_phone")
        let now = context.now
        return try context.store.writeCommittingFailure { db in
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
    }

    func resendProof(_ channel: OutgoingMessage.Channel, caller: Caller) throws {
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
    func requireCooldown(_ db: Connection, userID: Int64, purpose: String) throws {
        if let last = try db.scalarInt("SELECT max(created_at) FROM account_codes WHERE user_id = ? AND purpose = ?", userID, purpose),
           context.now - last < Self.resendCooldown {
            throw ShopError.tooMany("Please wait before asking for another code", retryAfter: Int(Self.resendCooldown - (context.now - last)))
        }
    }


    // MARK: - Storing and checking codes

    static let invalidCode = ShopError.invalid("invalid_code", "The code is wrong or has expired", field: "code")

    func storeAccountCode(_ db: Connection, userID: Int64, purpose: String, code: String) throws {
        let now = context.now
        // A new code replaces older unused ones of the same purpose.
        try db.run("UPDATE account_codes SET consumed_at = ? WHERE user_id = ? AND purpose = ? AND consumed_at IS NULL", now, userID, purpose)
        try db.run("INSERT INTO account_codes(user_id, purpose, code_hash, created_at, expires_at) VALUES (?, ?, ?, ?, ?)",
                   userID, purpose, context.codeHash(code, for: "\(purpose):\(userID)"), now, now + Self.accountCodeLifetime)
    }

    /// Checks and spends the newest live code; nil on success. A wrong code counts a try (committed).
    func consumeAccountCode(_ db: Connection, userID: Int64, purpose: String, code rawCode: String, now: Int64) throws -> ShopError? {
        let code = Text.foldDigits(rawCode).trimmingCharacters(in: .whitespaces)
        let day = try db.first("SELECT coalesce(sum(attempts), 0) AS wrong, min(created_at) AS since FROM account_codes WHERE user_id = ? AND purpose = ? AND created_at > ? AND attempts > 0",
                               userID, purpose, now - 86_400) { (wrong: $0.int("wrong"), since: $0.optionalInt64("since")) }
        if let day, day.wrong >= Self.dailyWrongCodes, let since = day.since {
            let wait = Int(since + 86_400 - now)
            return ShopError(.tooManyRequests, "code_attempts_exceeded",
                             "Too many wrong codes for this account today; try again in \(max(1, (wait + 3599) / 3600)) h", retryAfter: max(1, wait))
        }
        guard let row = try db.first("SELECT id, code_hash, attempts FROM account_codes WHERE user_id = ? AND purpose = ? AND consumed_at IS NULL AND expires_at > ? ORDER BY id DESC LIMIT 1",
                                     userID, purpose, now, map: { (id: $0.int64("id"), hash: $0.blob("code_hash"), attempts: $0.int("attempts")) }),
              row.attempts < Self.maxWrongTries else { return Self.invalidCode }
        guard code.count == 6, Crypto.constantTimeEqual(context.codeHash(code, for: "\(purpose):\(userID)"), row.hash) else {
            try db.run("UPDATE account_codes SET attempts = attempts + 1 WHERE id = ?", row.id)
            return Self.invalidCode
        }
        try db.run("UPDATE account_codes SET consumed_at = ? WHERE id = ?", now, row.id)
        return nil
    }
}
