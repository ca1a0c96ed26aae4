import ShopEngine

/// Create a password account. The email (and phone) get verification codes, entered in the profile.
struct RegisterScreen: Screen {
    var title: String { L.t("register.title") }
    private var form = FormState([
        FormField("username", label: L.t("field.username"), input: TextFieldState(maxLength: 32)),
        FormField("email", label: L.t("field.email"), input: TextFieldState(maxLength: 254)),
        FormField("password", label: L.t("field.password"), placeholder: L.t("register.password_hint"), input: TextFieldState(maxLength: 128, isMasked: true)),
        FormField("password_confirm", label: L.t("field.password_again"), input: TextFieldState(maxLength: 128, isMasked: true)),
        FormField("first_name", label: L.t("field.first_name"), input: TextFieldState(maxLength: 100)),
        FormField("last_name", label: L.t("field.last_name"), input: TextFieldState(maxLength: 100)),
        FormField("phone", label: L.t("field.phone"), placeholder: L.t("field.optional"), input: TextFieldState(maxLength: 20, filter: .phone)),
        FormField("address", label: L.t("field.address"), placeholder: L.t("field.optional"), input: TextFieldState(maxLength: 500)),
    ])
    private var busy = false
    private struct Registered: Sendable { let result: Outcome<SignIn> }

    /// Whether this shop sends codes (read at start): F2 then offers phone sign-in, else the password one.
    private var codesWork = true

    var bindings: [KeyBinding] {
        [KeyBinding(keys: [.tab], label: "Tab/↑↓", help: L.t("list.next_field")), KeyBinding(keys: [.enter], help: L.t("register.keys.create")),
         KeyBinding(keys: Self.signInKeys, label: "F2", help: codesWork ? L.t("register.keys.sign_in_code") : L.t("register.keys.sign_in_password"))]
    }
    static let signInKeys: [Key] = [.function(2), .ctrl("p")]

    mutating func start(_ context: inout ScreenContext) { codesWork = context.shop.sendsCodes }
    var capturesText: Bool { true }

    mutating func handle(_ event: ScreenEvent, _ context: inout ScreenContext) -> Bool {
        switch event {
        case .result(let registered as Registered):
            busy = false
            switch registered.result {
            case .success(let signIn):
                let to = [signIn.user.email, signIn.user.phone].compactMap { $0 }.joined(separator: L.t("register.and"))
                context.say(context.shop.sendsCodes ? L.t("register.welcome", ["to": to]) : L.t("register.welcome_no_codes"), .success)
                context.go(.signedIn(signIn))
            case .failure(let error):
                if let e = error as? ShopError, let field = e.field, form.fields.contains(where: { $0.id == field }) {
                    form.setError(e.message, for: field)
                    form.focus(on: field)
                }
                context.fail(error)
            }
        case .key(.escape): return false
        case .key(let key) where Self.signInKeys.contains(key):
            context.go(.pop)
            context.go(.signIn)   // the app's sign-in: it brings back a code this terminal was sent
        case .key(.enter):
            guard !busy else { return true }
            form.clearErrors()
            let f = form
            let registration = AccountService.Registration(username: f["username"].text, email: f["email"].text, password: f["password"].text,
                                                           passwordConfirm: f["password_confirm"].text, firstName: f["first_name"].text,
                                                           lastName: f["last_name"].text, phone: f["phone"].text, address: f["address"].text)
            busy = true
            let shop = context.shop, caller = context.caller
            context.run { Registered(result: Result { try shop.accounts.register(registration, caller: caller) }) }
        case .key(let key):
            _ = form.handle(key)
        default: break
        }
        return true
    }

    func render(into buffer: inout Buffer, area: Rect, session: Session) {
        buffer.setString(area.x + 2, area.y + 1, L.t("register.heading"), style: Theme.title)
        Form(labelWidth: 16).render(into: &buffer, area: Rect(x: area.x + 2, y: area.y + 3, width: min(70, area.width - 4), height: 16), state: form)
        buffer.setString(area.x + 2, area.y + 20, busy ? L.t("register.creating") : codesWork ? L.t("register.hint_code") : L.t("register.hint_password"), style: Theme.muted, maxWidth: area.width - 4, truncation: .ellipsis)
    }
}
