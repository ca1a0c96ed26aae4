/// A person's account as shown to them (and to admins). Secrets are never part of it.
public struct User: Codable, Sendable, Equatable {
    public let id: Int64
    /// The phone shown to the person: the verified one, or one waiting for its code.
    public var phone: String?
    public var username: String?
    /// The email shown to the person: one waiting for its code, else the verified one.
    public var email: String?
    /// Whether `phone` was proven by a code (only then it signs in or resets a password).
    public var phoneVerified: Bool
    /// Whether `email` was proven by a code; `authStatus` says the same as NEW/VERIFIED.
    public var emailVerified: Bool
    public var firstName: String
    public var lastName: String
    public var address: String
    public var postalCode: String
    public var role: Role
    public var active: Bool
    /// NEW while an email waits for its code, else VERIFIED.
    public var authStatus: AuthStatus
    public var hasPassword: Bool
    public var hasPhoto: Bool
    public var createdAt: Int64
    /// The language the person chose (the TUI's `L` while signed in, a profile field, the API's
    /// profile); nil until they choose. Only a choice is applied on sign-in: a Persian terminal
    /// signing into an account that never chose stays Persian. Set through
    /// `updateProfile(ProfileChanges(language:))`.
    public var chosenLanguage: Language?
    /// The language the account is spoken to in (codes, the API's `language`): the chosen one, else English.
    public var language: Language { chosenLanguage ?? .en }
    /// True only in the response that created the account.
    public var isNew: Bool = false
    /// The proven identities, which alone sign in and receive reset codes (never shown as such).
    var verifiedEmail: String?
    var verifiedPhone: String?

    /// The `auth_status` of the API: whether the account's email is proven.
    public enum AuthStatus: String, Codable, Sendable, CaseIterable {
        case new = "NEW", verified = "VERIFIED"
    }

    public var displayName: String {
        let full = [firstName, lastName].filter { !$0.isEmpty }.joined(separator: " ")
        return full.isEmpty ? (username ?? phone ?? email ?? "#\(id)") : full
    }

    /// A customer staff added at the counter (`AdminService.createCustomer`), on `users u`: no
    /// verified phone, no username, no password — only the phone waiting in `pending_phone`.
    static let addedAtCounter = "u.phone IS NULL AND u.username IS NULL AND u.password_hash IS NULL AND u.role = 'customer'"

    /// The columns `init(row:)` reads by name; select them from `users u`.
    static let columns = """
        u.id, u.phone, u.username, u.email, u.first_name, u.last_name, u.address, u.postal_code, u.role, u.active,
        u.auth_status, u.password_hash IS NOT NULL AS has_password,
        EXISTS(SELECT 1 FROM user_photos p WHERE p.user_id = u.id) AS has_photo, u.created_at, u.pending_phone, u.pending_email, u.language
        """

    init(row: Row) {
        id = row.int64("id")
        let verifiedPhone = row.optionalString("phone"), pendingPhone = row.optionalString("pending_phone")
        let verifiedEmail = row.optionalString("email"), pendingEmail = row.optionalString("pending_email")
        self.verifiedPhone = verifiedPhone
        self.verifiedEmail = verifiedEmail
        phone = verifiedPhone ?? pendingPhone
        phoneVerified = verifiedPhone != nil
        username = row.optionalString("username")
        email = pendingEmail ?? verifiedEmail
        emailVerified = pendingEmail == nil && verifiedEmail != nil
        firstName = row.string("first_name")
        lastName = row.string("last_name")
        address = row.string("address")
        postalCode = row.string("postal_code")
        role = row.value("role", or: .customer)
        active = row.bool("active")
        authStatus = pendingEmail != nil ? .new : (verifiedEmail != nil ? .verified : row.value("auth_status", or: .new))
        hasPassword = row.bool("has_password")
        hasPhoto = row.bool("has_photo")
        createdAt = row.int64("created_at")
        chosenLanguage = row.optionalString("language").flatMap(Language.init(rawValue:))
    }

    static func load(_ db: Connection, id: Int64) throws -> User? {
        try db.first("SELECT \(columns) FROM users u WHERE u.id = ?", id) { User(row: $0) }
    }

    /// The account a login names: its username, or its verified email or phone (one still
    /// waiting for its code names nobody).
    static func find(_ db: Connection, login: String, defaultCountry: String?) throws -> User? {
        let phone = try? Phone.normalize(login, defaultCountry: defaultCountry)
        return try db.first("SELECT \(columns) FROM users u WHERE u.username = ? OR u.email = ? OR u.phone = ?", login, login, phone) { User(row: $0) }
    }
}

/// What a successful sign-in returns: the token pair, the user, and the caller for in-process use.
public struct SignIn: Sendable {
    public let access: String
    public let refresh: String
    public let user: User
    public let caller: Caller
}

/// An image stored with its type (PNG or JPEG, checked by magic bytes).
public struct Photo: Sendable, Equatable {
    public let contentType: String
    public let bytes: [UInt8]

    public static let maxBytes = 2 * 1024 * 1024

    /// Checks size and magic bytes; the declared type must match the content.
    public static func validated(_ bytes: [UInt8], declaredType: String?) throws -> Photo {
        guard !bytes.isEmpty else { throw ShopError.invalid("empty_image", "The image is empty") }
        guard bytes.count <= maxBytes else { throw ShopError(.payloadTooLarge, "image_too_large", "Images may be at most 2 MiB") }
        let type: String
        if bytes.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { type = "image/png" }
        else if bytes.starts(with: [0xFF, 0xD8, 0xFF]) { type = "image/jpeg" }
        else { throw ShopError(.unsupportedMediaType, "unsupported_image", "Only PNG and JPEG images are accepted") }
        if let declared = declaredType?.split(separator: ";").first?.trimmingCharacters(in: .whitespaces).lowercased(),
           declared != type {
            throw ShopError(.unsupportedMediaType, "image_type_mismatch", "The image is \(type) but was sent as \(declared)")
        }
        return Photo(contentType: type, bytes: bytes)
    }
}
