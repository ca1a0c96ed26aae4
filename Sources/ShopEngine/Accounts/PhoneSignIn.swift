import Foundation

/// Sign-in by phone and one-time code: new and returning customers share one flow.
extension AccountService {
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
    /// account: new and returning customers share this flow. The text is in the account's
    /// language; a phone with no account yet gets `language` (the one the person is using now),
    /// which the account created by this code then keeps.
    public func requestCode(phone rawPhone: String, language: Language = .en, caller: Caller) throws -> CodeRequest {
        let phone = try Phone.normalize(rawPhone, defaultCountry: context.configuration.defaultCountry)
        try context.sender.requireConfigured()
        try context.limitSignIn(caller)
        let now = context.now
        let requestID = Crypto.randomID()
        let code = Crypto.randomDigits(6)
        let result: (wait: Int64?, language: Language) = try context.store.write { db in
            // The account's chosen language, else the one the code is asked in.
            let chosen = try db.first("SELECT language FROM users WHERE phone = ?", phone) { $0.optionalString("language").flatMap(Language.init(rawValue:)) }
            let language = chosen.flatMap { $0 } ?? language
            if let last = try db.scalarInt("SELECT max(created_at) FROM otp_requests WHERE phone = ?", phone),
               now - last < Self.resendCooldown {
                return (Self.resendCooldown - (now - last), language)
            }
            let recent = try db.query("SELECT created_at FROM otp_requests WHERE phone = ? AND created_at > ? ORDER BY created_at", phone, now - 3600) { $0.int64(0) }
            if recent.count >= Self.codesPerHour { return (recent[recent.count - Self.codesPerHour] + 3600 - now, language) }
            try db.run("INSERT INTO otp_requests(id, phone, code_hash, created_at, expires_at, language) VALUES (?, ?, ?, ?, ?, ?)",
                       requestID, phone, context.codeHash(code, for: requestID), now, now + Self.codeLifetime, language.rawValue)
            try db.run("DELETE FROM otp_requests WHERE phone = ? AND created_at < ?", phone, now - 86_400)
            return (nil, language)
        }
        if let wait = result.wait { throw ShopError.tooMany("Please wait \(wait) s before asking for another code", retryAfter: Int(wait)) }
        do {
            try context.sender.send(OutgoingMessage(channel: .sms, to: phone, text: AccountMessages.signInCode(code, minutes: Int(Self.codeLifetime / 60), in: result.language)))
        } catch {
            // Not delivered: forget the request so the customer can try again at once.
            _ = try? context.store.write { try $0.run("DELETE FROM otp_requests WHERE id = ?", requestID) }
            throw error
        }
        return CodeRequest(requestId: requestID, expiresIn: Int(Self.codeLifetime), retryAfter: Int(Self.resendCooldown), phone: phone)
    }

    /// Checks a code; on success signs in, creating the account for an unknown phone (`isNew`).
    public func verifyCode(requestID: String, code rawCode: String, caller: Caller) throws -> SignIn {
        let code = Text.foldDigits(rawCode).trimmingCharacters(in: .whitespaces)
        guard code.count == 6, code.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            throw ShopError.invalid("invalid_code", "The code is 6 digits", field: "code")
        }
        // Not a request id the server could have issued: malformed input (400), as the API document's pattern says.
        guard requestID.count == 32, requestID.allSatisfy({ $0.isASCII && $0.isHexDigit }) else {
            throw ShopError.invalid("invalid_request_id", "request_id must be the one POST /auth/otp/request answered", field: "request_id")
        }
        try context.limitSignIn(caller)
        let now = context.now
        let expired = ShopError(.gone, "otp_expired", "This code has expired; ask for a new one")
        return try context.store.writeCommittingFailure { db in
            guard let row = try db.first("SELECT phone, code_hash, expires_at, attempts, consumed_at, language FROM otp_requests WHERE id = ?", requestID,
                                         map: { (phone: $0.string("phone"), language: $0.string("language"), hash: $0.blob("code_hash"), expires: $0.int64("expires_at"), attempts: $0.int("attempts"), consumed: $0.optionalInt64("consumed_at")) }) else {
                return .failure(expired)
            }
            if row.consumed != nil { return .failure(ShopError(.gone, "otp_used", "This code was already used; ask for a new one")) }
            if row.expires <= now { return .failure(expired) }
            if row.attempts >= Self.maxWrongTries { return .failure(ShopError(.gone, "otp_attempts_exceeded", "Too many wrong tries; ask for a new code")) }
            guard Crypto.constantTimeEqual(context.codeHash(code, for: requestID), row.hash) else {
                try db.run("UPDATE otp_requests SET attempts = attempts + 1 WHERE id = ?", requestID)
                let left = Self.maxWrongTries - row.attempts - 1
                let tail = left > 0 ? "\(left) \(left == 1 ? "try" : "tries") left" : "ask for a new code"
                return .failure(ShopError(.invalid, "otp_invalid", "Wrong code; \(tail)", field: "code",
                                          parameters: ["reason": left > 0 ? "tries_left" : "no_tries", "left": "\(left)"]))
            }
            try db.run("UPDATE otp_requests SET consumed_at = ? WHERE id = ?", now, requestID)
            var isNew = false
            // Only a proven phone signs in. A customer the counter added for this phone (no
            // password, no username: the phone is all it has) becomes its owner's account, so
            // their counter purchases are in their history. A phone waiting on any other account
            // reserves nothing: the owner gets their own account, and that claim is dropped.
            var userID = try db.scalarInt("SELECT id FROM users WHERE phone = ?", row.phone)
            if userID == nil, let walkIn = try db.scalarInt("SELECT u.id FROM users u WHERE u.pending_phone = ? AND u.active = 1 AND \(User.addedAtCounter) ORDER BY u.id LIMIT 1", row.phone) {
                try db.run("UPDATE users SET phone = pending_phone, pending_phone = NULL, auth_status = 'VERIFIED', updated_at = ? WHERE id = ?", now, walkIn)
                userID = walkIn
            }
            if userID == nil {
                // Signing up in a language is the new account's choice (its codes come in it).
                userID = try db.insert("INSERT INTO users(phone, auth_status, language, created_at, updated_at) VALUES (?, 'VERIFIED', ?, ?, ?) RETURNING id", row.phone, row.language, now, now)
                isNew = true
            }
            try db.run("UPDATE users SET pending_phone = NULL WHERE pending_phone = ? AND id <> ?", row.phone, userID!)
            guard var user = try User.load(db, id: userID!) else { throw ShopError.notFound("Account") }
            guard user.active else { return .failure(ShopError(.forbidden, "account_disabled", "This account is not active; please contact the shop")) }
            user.isNew = isNew
            return .success(try tokens.startSession(db, user: user, clientAddress: caller.clientAddress))
        }
    }
}
