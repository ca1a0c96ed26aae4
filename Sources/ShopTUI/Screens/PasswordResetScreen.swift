import ShopEngine

/// Forgotten password: the login (username, verified email or phone) → a code sent to the
/// account's verified email or phone → the code and the new password twice. Says the same for
/// known and unknown logins, as the engine does; on success every session of the account ends and
/// the person signs in with the new password.
struct PasswordResetScreen: Screen {
    var title: String { L.t("reset.title") }

    enum Step { case login, code }
    private var step: Step = .login
    private var loginField: TextFieldState
    private var resetForm = FormState([
        FormField("code", label: L.t("sign_in.code"), input: TextFieldState(maxLength: 6, filter: .digits)),
        FormField("password", label: L.t("field.new_password"), input: TextFieldState(maxLength: 128, isMasked: true)),
        FormField("password_confirm", label: L.t("field.new_password_again"), input: TextFieldState(maxLength: 128, isMasked: true)),
    ])
    private var busy = false

    private struct Asked: Sendable { let error: (any Error)? }
    private struct Reset: Sendable { let error: (any Error)? }

    init(login: String = "") {
        loginField = TextFieldState(maxLength: 254)
        loginField.setText(login)
    }

    var bindings: [KeyBinding] {
        switch step {
        case .login: [KeyBinding(keys: [.enter], help: L.t("reset.keys.send_code")), KeyBinding(keys: [.escape], help: L.t("keys.back"))]
        case .code: [KeyBinding(keys: [.tab], help: L.t("list.next_field")), KeyBinding(keys: [.enter], help: L.t("reset.keys.set_password")),
                     KeyBinding(keys: [.escape], help: L.t("reset.keys.other_login"))]
        }
    }
    var capturesText: Bool { true }

    mutating func handle(_ event: ScreenEvent, _ context: inout ScreenContext) -> Bool {
        let shop = context.shop, caller = context.caller
        switch event {
        case .result(let asked as Asked):
            busy = false
            if let error = asked.error {
                loginField.error = (error as? ShopError)?.field == "login" ? ScreenContext.describe(error) : nil
                context.fail(error)
            } else {
                step = .code
                context.say(L.t("reset.code_sent"), .success)
            }
        case .result(let reset as Reset):
            busy = false
            if let error = reset.error {
                if let e = error as? ShopError, let field = e.field, resetForm.fields.contains(where: { $0.id == field }) {
                    resetForm.setError(e.message, for: field)
                    resetForm.focus(on: field)
                }
                context.fail(error)
            } else {
                context.say(L.t("reset.changed"), .success)
                context.go(.pop)
            }
        case .key(let key):
            switch (step, key) {
            case (.login, .escape): return false
            case (.code, .escape): step = .login
            case (.login, .enter):
                guard !busy else { return true }
                let login = loginField.text
                guard !login.isEmpty else { loginField.error = L.t("reset.enter_login"); return true }
                busy = true
                context.run { Asked(error: Result { try shop.accounts.forgotPassword(login: login, caller: caller) }.failureValue) }
            case (.code, .enter):
                if resetForm.focusedID != "password_confirm" { resetForm.focusNext(); return true }
                guard !busy else { return true }
                busy = true
                let login = loginField.text, f = resetForm
                context.run {
                    Reset(error: Result { try shop.accounts.resetPassword(login: login, code: f["code"].text, password: f["password"].text,
                                                                          confirmation: f["password_confirm"].text, caller: caller) }.failureValue)
                }
            case (.login, _):
                if loginField.handle(key) { loginField.error = nil }
            case (.code, _):
                _ = resetForm.handle(key)
                resetForm.clearErrors()
            }
        default: break
        }
        return true
    }

    func render(into buffer: inout Buffer, area: Rect, session: Session) {
        let box = Rect(x: area.x + 2, y: area.y + 1, width: min(70, area.width - 4), height: area.height - 1)
        buffer.setString(box.x, box.y, L.t("reset.heading"), style: Theme.title)
        buffer.setString(box.x, box.y + 1, L.t("reset.we_send"), style: Theme.muted, maxWidth: box.width, truncation: .ellipsis)
        buffer.setString(box.x, box.y + 3, L.t("sign_in.field.login"), style: step == .login ? Theme.title : .plain)
        TextField(isFocused: step == .login).render(into: &buffer, area: Rect(x: box.x + 26, y: box.y + 3, width: box.width - 26, height: 2), state: loginField)
        if step == .code {
            Form(labelWidth: 26).render(into: &buffer, area: Rect(x: box.x, y: box.y + 6, width: box.width, height: 6), state: resetForm)
        }
        if busy { buffer.setString(box.x, box.y + 13, L.t("reset.one_moment"), style: Theme.muted) }
    }
}
