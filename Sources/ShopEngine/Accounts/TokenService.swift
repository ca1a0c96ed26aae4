/// Issues and checks access and refresh tokens. Each sign-in starts a token family; a refresh
/// rotates the refresh token within it, and presenting a used one revokes the whole family.
public struct TokenService {
    /// Seconds an access token is valid (the API's `expires_in`).
    public static let accessLifetime: Int64 = 15 * 60
    static let refreshLifetime: Int64 = 14 * 86_400

    let context: EngineContext

    /// Starts a family and returns a fresh pair. Runs inside the caller's write transaction.
    func startSession(_ db: Connection, user: User, clientAddress: String) throws -> SignIn {
        let family = Crypto.randomID()
        try db.run("INSERT INTO token_families(id, user_id, created_at) VALUES (?, ?, ?)", family, user.id, context.now)
        return try issue(db, user: user, family: family, clientAddress: clientAddress)
    }

    func issue(_ db: Connection, user: User, family: String, clientAddress: String) throws -> SignIn {
        let now = context.now
        let refreshID = Crypto.randomID()
        try db.run("INSERT INTO refresh_tokens(jti, family_id, expires_at) VALUES (?, ?, ?)", refreshID, family, now + Self.refreshLifetime)
        let access = JWT.Claims(sub: String(user.id), typ: "access", iat: now, nbf: now, exp: now + Self.accessLifetime, jti: Crypto.randomID(), fam: family)
        let refresh = JWT.Claims(sub: String(user.id), typ: "refresh", iat: now, nbf: now, exp: now + Self.refreshLifetime, jti: refreshID, fam: family)
        let caller = Caller(userID: user.id, role: user.role, clientAddress: clientAddress, tokenFamily: family)
        return SignIn(access: context.jwt.sign(access), refresh: context.jwt.sign(refresh), user: user, caller: caller)
    }

    /// The caller an access token stands for: valid signature and times, active user, live family.
    /// A token already checked while nothing in the file changed is answered from memory
    /// (`SessionCache`); its times are checked again, and anything else goes the full way.
    func authenticate(_ token: String, clientAddress: String, version: Int64? = nil) throws -> Caller {
        let version = try version ?? context.store.changeCounter()
        if let known = knownCaller(token, clientAddress: clientAddress, version: version) { return known }
        let now = context.now
        let claims = try context.jwt.verify(token, as: .access, now: now)
        guard let userID = Int64(claims.sub) else { throw JWT.invalid }
        let row = try context.store.read { db in
            try db.first("""
                SELECT u.role, u.active, f.revoked_at IS NULL AS session_open FROM users u
                JOIN token_families f ON f.id = ? AND f.user_id = u.id WHERE u.id = ?
                """, claims.fam, userID) { (role: Role(rawValue: $0.string("role")), active: $0.bool("active"), sessionOpen: $0.bool("session_open")) }
        }
        guard let row, let role = row.role, row.active, row.sessionOpen else { throw JWT.invalid }
        context.sessions.remember(.init(userID: userID, role: role, family: claims.fam, notBefore: claims.nbf, expires: claims.exp), for: token, version: version)
        return Caller(userID: userID, role: role, clientAddress: clientAddress, tokenFamily: claims.fam)
    }

    /// The caller of a token this process already checked at `version` (the change counter),
    /// with its times checked again; nil: go the full way (`authenticate`). No database, no HMAC.
    func knownCaller(_ token: String, clientAddress: String, version: Int64) -> Caller? {
        let now = context.now
        guard let known = context.sessions.session(for: token, version: version), known.expires > now, known.notBefore <= now + 5 else { return nil }
        return Caller(userID: known.userID, role: known.role, clientAddress: clientAddress, tokenFamily: known.family)
    }

    enum RefreshOutcome { case rotated(SignIn), reused, revoked }

    func refresh(_ token: String, clientAddress: String) throws -> SignIn {
        let claims = try context.jwt.verify(token, as: .refresh, now: context.now)
        guard let userID = Int64(claims.sub) else { throw JWT.invalid }
        let now = context.now
        let outcome: RefreshOutcome = try context.store.write { db in
            let state = try db.first("""
                SELECT t.used_at, f.revoked_at, f.user_id FROM refresh_tokens t
                JOIN token_families f ON f.id = t.family_id WHERE t.jti = ? AND f.id = ?
                """, claims.jti, claims.fam) { ($0.optionalInt64("used_at"), $0.optionalInt64("revoked_at"), $0.int64("user_id")) }
            guard let state, state.2 == userID, state.1 == nil else { return .revoked }
            if state.0 != nil {
                // A refresh token used twice means a copy leaked: end every session of this family.
                try Self.revoke(db, family: claims.fam, now: now, reason: "refresh token reused")
                return .reused
            }
            guard let user = try User.load(db, id: userID), user.active else { return .revoked }
            try db.run("UPDATE refresh_tokens SET used_at = ? WHERE jti = ?", now, claims.jti)
            return .rotated(try issue(db, user: user, family: claims.fam, clientAddress: clientAddress))
        }
        switch outcome {
        case .rotated(let signIn): return signIn
        case .reused: throw ShopError(.unauthorized, "token_reused", "This sign-in was used twice and has been ended for safety; sign in again")
        case .revoked: throw ShopError(.unauthorized, "token_revoked", "This sign-in has ended; sign in again")
        }
    }

    /// Ends the family of a refresh token (logout).
    func revoke(refreshToken token: String, caller: Caller) throws {
        let claims: JWT.Claims
        do {
            claims = try context.jwt.verify(token, as: .refresh, now: context.now)
        } catch let error as ShopError where error.code == "token_expired" {
            return // an expired token signs in nobody: nothing left to revoke
        }
        if let userID = caller.userID, String(userID) != claims.sub { throw JWT.invalid }
        try context.store.write { db in
            try Self.revoke(db, family: claims.fam, now: context.now, reason: "logout")
        }
    }

    // MARK: - Ending sessions: the one place that revokes

    /// Ends one sign-in (a token family): its access and refresh tokens stop working at once.
    static func revoke(_ db: Connection, family: String, now: Int64, reason: String) throws {
        try db.run("UPDATE token_families SET revoked_at = ?, revoked_reason = ? WHERE id = ? AND revoked_at IS NULL", now, reason, family)
    }

    /// Ends every sign-in of an account (password reset or change).
    static func revokeAll(_ db: Connection, userID: Int64, now: Int64, reason: String) throws {
        try db.run("UPDATE token_families SET revoked_at = ?, revoked_reason = ? WHERE user_id = ? AND revoked_at IS NULL", now, reason, userID)
    }
}
