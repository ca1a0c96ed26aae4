/// Who is making an engine call. Only the engine creates signed-in callers (after checking a
/// token, a code, a password or a remembered key), so a front end cannot invent one.
public struct Caller: Sendable, Equatable {
    public let userID: Int64?
    public let role: Role?
    /// The client's network address (HTTP peer or SSH client), used for per-address limits.
    public let clientAddress: String
    let tokenFamily: String?

    /// A visitor who has not signed in: may browse the catalog and start sign-in.
    public static func guest(address: String = "local") -> Caller {
        Caller(userID: nil, role: nil, clientAddress: address, tokenFamily: nil)
    }

    init(userID: Int64?, role: Role?, clientAddress: String, tokenFamily: String?) {
        self.userID = userID
        self.role = role
        self.clientAddress = clientAddress
        self.tokenFamily = tokenFamily
    }

    public var isSignedIn: Bool { userID != nil }
    /// The role at sign-in: good for showing staff keys; the engine re-reads it for decisions.
    public var isStaff: Bool { role?.isStaff ?? false }
    public var isAdmin: Bool { role == .admin }
}

public enum Role: String, Codable, Sendable, CaseIterable {
    case customer, staff, admin

    /// Staff and admins manage the catalog, orders and payments and sell at the counter.
    public var isStaff: Bool { self != .customer }
}
