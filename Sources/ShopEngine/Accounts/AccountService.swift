import Foundation

/// Accounts and sign-in, one file per concern: phone sign-in by code (PhoneSignIn.swift), password
/// accounts (PasswordAccounts.swift), the codes that prove an email or phone and reset a password
/// (AccountCodes.swift), the profile (Profile.swift), SSH keys (SSHKeys.swift); tokens here.
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

    // MARK: - Tokens

    /// The caller an access token stands for (`Authorization: Bearer …`). `version`: the store's
    /// change counter the caller already read for this request (`Store.changeCounter`), so one
    /// read serves the session check and a cache of the answer alike; nil reads it here.
    public func authenticate(accessToken: String, clientAddress: String, version: Int64? = nil) throws -> Caller {
        try tokens.authenticate(accessToken, clientAddress: clientAddress, version: version)
    }

    /// The caller of `accessToken` when this process already checked it while the change counter
    /// stood at `version`, else nil (then `authenticate`). Reads no database and never waits:
    /// for the HTTP server's event loop, with `Store.changeCounterIfReady()`.
    public func knownCaller(accessToken: String, clientAddress: String, version: Int64) -> Caller? {
        tokens.knownCaller(accessToken, clientAddress: clientAddress, version: version)
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
            try TokenService.revoke(db, family: family, now: context.now, reason: "logout")
        }
    }
}
