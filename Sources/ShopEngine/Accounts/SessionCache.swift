import Synchronization

/// Access tokens already checked against the database, kept until anything in the file changes.
///
/// Checking a token costs an HMAC, a JSON decode and a read transaction; a client sends the same
/// token with every request. An entry is only good for the store's change counter it was checked
/// at (`Store.changeCounter`): a logout, password change, deactivation or role change committed by
/// any process moves the counter, which empties the cache before the next request is checked.
/// Expiry is not a database change, so `exp` and `nbf` are checked again on every hit.
final class SessionCache: Sendable {
    /// What a checked token stands for.
    struct Session: Sendable {
        let userID: Int64
        let role: Role
        let family: String
        let notBefore: Int64
        let expires: Int64
    }

    private struct State {
        var version: Int64 = -1
        var sessions: [String: Session] = [:]
    }
    private let state = Mutex(State())
    private let maxEntries: Int

    init(maxEntries: Int = 10_000) {
        self.maxEntries = maxEntries
    }

    /// The session `token` was checked to be at `version`, or nil (then check it in the database).
    func session(for token: String, version: Int64) -> Session? {
        state.withLock { s in
            guard s.version == version else {
                s.version = version
                s.sessions.removeAll(keepingCapacity: true)
                return nil
            }
            return s.sessions[token]
        }
    }

    /// Keeps a session read from the database at `version` (or later: then the counter has
    /// already moved past `version`, and the entry is never served).
    func remember(_ session: Session, for token: String, version: Int64) {
        state.withLock { s in
            guard s.version == version else { return }
            if s.sessions.count >= maxEntries { s.sessions.removeAll(keepingCapacity: true) }
            s.sessions[token] = session
        }
    }
}
