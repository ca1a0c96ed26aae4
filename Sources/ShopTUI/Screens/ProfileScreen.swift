import ShopEngine

/// The customer's profile: view and edit, verify the email and phone by the codes sent to them,
/// password, remembered SSH keys, sign out.
struct ProfileScreen: Screen {
    var title: String { L.t("profile.title") }
    private var user: User?
    private var keys: [RememberedKey] = []
    private var keyList = ListState()
    private var editing: FormState?
    private var editKind: EditKind = .profile
    private var busy = false
    /// In the demo, the code sent to the email or phone being verified (see `DemoCodes`).
    private var demoCode: DemoCodes.Found?
    /// The customer's own photo, loaded for a terminal that shows pictures.
    private var photo: TerminalImage?
    private struct PhotoLoaded: Sendable { let photo: TerminalImage? }

    enum EditKind { case profile, verifyEmail, verifyPhone, password, deleteAccount }

    private struct Loaded: Sendable { let user: Outcome<User>; let keys: [RememberedKey] }
    private struct Saved: Sendable { let result: Outcome<User>; let message: String }
    private struct Exported: Sendable { let result: Outcome<String> }
    private struct Deleted: Sendable { let error: (any Error)? }
    /// A finished change; a password change also brings the new session (the old one is ended).
    private struct Done: Sendable { let error: (any Error)?; let message: String; var signIn: SignIn? = nil }

    var bindings: [KeyBinding] {
        if editing != nil { return [KeyBinding(keys: [.tab], label: "Tab/↑↓", help: L.t("list.next_field")), KeyBinding(keys: [.enter], help: L.t("profile.keys.save")), KeyBinding(keys: [.escape], help: L.t("profile.keys.cancel"))] }
        var keys = [KeyBinding(keys: [.char("e")], help: L.t("profile.keys.edit")), KeyBinding(keys: [.char("w")], help: L.t("profile.keys.password"))]
        if let user, user.email != nil, !user.emailVerified { keys.append(KeyBinding(keys: [.char("v")], help: L.t("profile.keys.verify_email"))) }
        if let user, user.phone != nil, !user.phoneVerified { keys.append(KeyBinding(keys: [.char("t")], help: L.t("profile.keys.verify_phone"))) }
        if let user, (user.email != nil && !user.emailVerified) || (user.phone != nil && !user.phoneVerified) {
            keys.append(KeyBinding(keys: [.char("R")], help: L.t("profile.keys.new_codes")))
        }
        if !self.keys.isEmpty { keys.append(KeyBinding(keys: [.delete, .char("x")], label: "Del", help: L.t("profile.keys.forget_key"))) }
        keys.append(KeyBinding(keys: [.char("l")], help: L.t("profile.keys.sign_out")))
        keys.append(KeyBinding(keys: [.char("E")], help: L.t("profile.keys.my_data")))
        keys.append(KeyBinding(keys: [.char("D")], help: L.t("profile.keys.delete")))
        return keys
    }
    var capturesText: Bool { editing != nil }

    mutating func start(_ context: inout ScreenContext) { load(&context) }

    private func load(_ context: inout ScreenContext) {
        let shop = context.shop, caller = context.caller
        context.run { Loaded(user: Result { try shop.accounts.profile(caller: caller) }, keys: (try? shop.accounts.rememberedKeys(caller: caller)) ?? []) }
    }

    mutating func handle(_ event: ScreenEvent, _ context: inout ScreenContext) -> Bool {
        let shop = context.shop, caller = context.caller
        switch event {
        case .result(let loaded as Loaded):
            switch loaded.user {
            case .success(let u): user = u; context.session.updateUser(u)
            case .failure(let error): context.fail(error)
            }
            keys = loaded.keys
            if keyList.selected == nil || keyList.selected! >= keys.count { keyList = ListState(selected: keys.isEmpty ? nil : 0) }
            loadPhoto(&context)
        case .result(let found as DemoCodes.Found):
            demoCode = found
        case .result(let loaded as PhotoLoaded):
            photo = loaded.photo
        case .result(let saved as Saved):
            busy = false
            switch saved.result {
            case .success(let u):
                user = u
                context.session.updateUser(u)
                editing = nil
                context.say(saved.message, .success)
            case .failure(let error):
                if let e = error as? ShopError, let field = e.field, editing?.fields.contains(where: { $0.id == field }) == true { editing?.setError(e.message, for: field) }
                context.fail(error)
            }
        case .result(let exported as Exported):
            switch exported.result {
            case .success(let text): context.go(.push(TextViewScreen(title: L.t("profile.data_title"), text: text)))
            case .failure(let error): context.fail(error)
            }
        case .result(let deleted as Deleted):
            busy = false
            if let error = deleted.error {
                if let e = error as? ShopError, let field = e.field, editing?.fields.contains(where: { $0.id == field }) == true { editing?.setError(e.message, for: field) }
                context.fail(error)
            } else {
                editing = nil
                context.say(L.t("profile.deleted"), .success)
                context.go(.sessionEnded)
            }
        case .result(let done as Done):
            busy = false
            if let error = done.error { context.fail(error) } else { editing = nil; context.say(done.message, .success) }
            if let signIn = done.signIn { context.session.signedIn(signIn) }
            load(&context)
        case .key(let key):
            if editing != nil { return edit(key, &context) }
            switch key {
            case .char("e"):
                guard let user else { return true }
                var form = FormState([
                    FormField("first_name", label: L.t("field.first_name"), input: TextFieldState(maxLength: 100)),
                    FormField("last_name", label: L.t("field.last_name"), input: TextFieldState(maxLength: 100)),
                    FormField("email", label: L.t("field.email"), input: TextFieldState(maxLength: 254)),
                    FormField("phone", label: L.t("field.phone"), input: TextFieldState(maxLength: 20, filter: .phone)),
                    FormField("address", label: L.t("field.address"), input: TextFieldState(maxLength: 500)),
                    FormField("postal_code", label: L.t("field.postal_code"), input: TextFieldState(maxLength: 16)),
                ])
                form["first_name"].setText(user.firstName); form["last_name"].setText(user.lastName)
                form["email"].setText(user.email ?? ""); form["phone"].setText(user.phone ?? ""); form["address"].setText(user.address); form["postal_code"].setText(user.postalCode)
                editing = form; editKind = .profile
            case .char("v") where user?.email != nil && user?.emailVerified == false:
                editing = FormState([FormField("code", label: L.t("profile.field.email_code"), input: TextFieldState(maxLength: 6, filter: .digits))]); editKind = .verifyEmail
                DemoCodes.look(for: user?.email, &context)
            case .char("t") where user?.phone != nil && user?.phoneVerified == false:
                editing = FormState([FormField("code", label: L.t("profile.field.phone_code"), input: TextFieldState(maxLength: 6, filter: .digits))]); editKind = .verifyPhone
                DemoCodes.look(for: user?.phone, &context)
            case .char("R"):
                guard let user else { return true }
                let email = user.email != nil && !user.emailVerified, phone = user.phone != nil && !user.phoneVerified
                guard email || phone else { return false }
                context.run {
                    var error: (any Error)?
                    if email { error = Result { try shop.accounts.resendEmailCode(caller: caller) }.failureValue }
                    if phone, error == nil { error = Result { try shop.accounts.resendPhoneCode(caller: caller) }.failureValue }
                    return Done(error: error, message: L.t("profile.codes_sent"))
                }
            case .char("w"):
                var fields = [FormField("password", label: L.t("field.new_password"), input: TextFieldState(maxLength: 128, isMasked: true)),
                              FormField("password_confirm", label: L.t("field.new_password_again"), input: TextFieldState(maxLength: 128, isMasked: true))]
                if user?.hasPassword == true { fields.insert(FormField("old_password", label: L.t("profile.field.current_password"), input: TextFieldState(maxLength: 128, isMasked: true)), at: 0) }
                editing = FormState(fields); editKind = .password
            case .up: keyList.moveSelection(by: -1, count: keys.count)
            case .down: keyList.moveSelection(by: 1, count: keys.count)
            case .delete, .char("x"):
                guard let i = keyList.selected, keys.indices.contains(i) else { return true }
                let fingerprint = keys[i].fingerprint
                context.run { Done(error: Result { try shop.accounts.forgetKey(fingerprint: fingerprint, caller: caller) }.failureValue, message: L.t("profile.key_forgotten")) }
            case .char("l"):
                context.go(.signOut)
            case .char("E"):
                context.run { Exported(result: Result { String(decoding: try AccountService.json(try shop.accounts.exportData(caller: caller)), as: UTF8.self) }) }
            case .char("D"):
                var fields = [FormField("confirm", label: L.t("profile.field.type_confirmation", ["word": AccountService.deletionConfirmation]), input: TextFieldState(maxLength: 10))]
                if user?.hasPassword == true { fields.append(FormField("password", label: L.t("field.password"), input: TextFieldState(maxLength: 128, isMasked: true))) }
                editing = FormState(fields); editKind = .deleteAccount
            default: return false
            }
        default: break
        }
        return true
    }

    /// Fetched once, only where the terminal shows pictures (elsewhere `hasPhoto` gives the marker).
    private func loadPhoto(_ context: inout ScreenContext) {
        guard context.session.settings.images != .none, user?.hasPhoto == true, photo == nil else { return }
        let shop = context.shop, caller = context.caller, key = "user/\(user?.id ?? 0)"
        context.run { PhotoLoaded(photo: (try? shop.accounts.photo(caller: caller)).flatMap { TerminalImage(key: key, bytes: $0.bytes) }) }
    }

    private mutating func edit(_ key: Key, _ context: inout ScreenContext) -> Bool {
        guard var form = editing else { return false }
        let shop = context.shop, caller = context.caller
        switch key {
        case .escape: editing = nil; demoCode = nil
        case .enter:
            guard !busy else { return true }
            busy = true
            switch editKind {
            case .profile:
                let changes = AccountService.ProfileChanges(firstName: form["first_name"].text, lastName: form["last_name"].text, email: form["email"].text,
                                                            phone: form["phone"].text, address: form["address"].text, postalCode: form["postal_code"].text)
                context.run {
                    let result = Result { try shop.accounts.updateProfile(changes, caller: caller) }
                    let user = try? result.get()
                    let email = user.map { !$0.emailVerified && $0.email != nil } ?? false, phone = user.map { !$0.phoneVerified && $0.phone != nil } ?? false
                    let message = email && phone ? L.t("profile.saved_verify_both") : email ? L.t("profile.saved_verify_email")
                        : phone ? L.t("profile.saved_verify_phone") : L.t("profile.saved")
                    return Saved(result: result, message: message)
                }
            case .verifyEmail:
                let code = form["code"].text
                context.run { Saved(result: Result { try shop.accounts.verifyEmail(code: code, caller: caller) }, message: L.t("profile.email_verified")) }
            case .verifyPhone:
                let code = form["code"].text
                context.run { Saved(result: Result { try shop.accounts.verifyPhone(code: code, caller: caller) }, message: L.t("profile.phone_verified")) }
            case .deleteAccount:
                let confirm = form["confirm"].text, password = form.fields.contains { $0.id == "password" } ? form["password"].text : nil
                context.run { Deleted(error: Result { try shop.accounts.deleteAccount(confirmation: confirm, password: password, caller: caller) }.failureValue) }
            case .password:
                let old = form.fields.contains { $0.id == "old_password" } ? form["old_password"].text : ""
                let new = form["password"].text, confirm = form["password_confirm"].text
                context.run {
                    let result = Result { try shop.accounts.changePassword(old: old, new: new, confirmation: confirm, caller: caller) }
                    return Done(error: result.failureValue, message: L.t("profile.password_changed"), signIn: try? result.get())
                }
            }
        default:
            _ = form.handle(key)
            form.clearErrors()
            editing = form
        }
        return true
    }

    func render(into buffer: inout Buffer, area: Rect, session: Session) {
        guard let user else { buffer.setString(area.x, area.y, L.t("list.loading"), style: Theme.muted); return }
        if let form = editing {
            let heading = switch editKind {
            case .profile: L.t("profile.heading.edit")
            case .verifyEmail: L.t("profile.heading.verify_email", ["email": user.email ?? ""])
            case .verifyPhone: L.t("profile.heading.verify_phone", ["phone": user.phone ?? ""])
            case .password: L.t("profile.heading.password")
            case .deleteAccount: L.t("profile.heading.delete")
            }
            buffer.setString(area.x + 2, area.y + 1, heading, style: Theme.title, maxWidth: area.width - 4, truncation: .ellipsis)
            Form(labelWidth: 20).render(into: &buffer, area: Rect(x: area.x + 2, y: area.y + 3, width: min(72, area.width - 4), height: form.fields.count * 2), state: form)
            if editKind == .verifyEmail || editKind == .verifyPhone, let banner = demoCode?.banner {
                Banner(banner, kind: .info).render(into: &buffer, area: Rect(x: area.x + 2, y: area.y + 4 + form.fields.count * 2, width: min(72, area.width - 4), height: 1))
            }
            return
        }
        let none = L.t("list.none")
        // (label, value, value written left to right, a note after it)
        let rows: [(String, String, Bool, String)] = [
            (L.t("profile.row.name"), user.displayName, false, ""),
            (L.t("field.phone"), user.phone ?? none, true, user.phone == nil ? "" : user.phoneVerified ? L.t("profile.verified") : L.t("profile.phone_not_verified")),
            (L.t("field.username"), user.username ?? none, true, ""),
            (L.t("field.email"), user.email ?? none, true, user.email == nil ? "" : user.emailVerified ? L.t("profile.verified") : L.t("profile.email_not_verified")),
            (L.t("field.address"), user.address.isEmpty ? none : user.address, false, ""),
            (L.t("field.postal_code"), user.postalCode.isEmpty ? none : user.postalCode, true, ""),
            (L.t("profile.row.role"), Words.role(user.role), false, ""),
            (L.t("profile.row.language"), Self.languageName(user.chosenLanguage), false, ""),
            (L.t("field.password"), user.hasPassword ? L.t("profile.password_set") : L.t("profile.password_none"), false, ""),
            (L.t("profile.row.photo"), user.hasPhoto ? PhotoBox.marker : L.t("profile.photo_none"), false, ""),
        ]
        // Your photo as a picture at the right, where the terminal shows pictures.
        let photoBox = PhotoBox.column(in: area.splitTop(1).rest, images: session.settings.images, hasPhoto: user.hasPhoto)
        if let photoBox { PhotoBox(photo: photo, images: session.settings.images, title: L.t("profile.your_photo")).render(into: &buffer, area: photoBox) }
        let valueWidth = (photoBox.map { $0.x - 1 } ?? area.right - 2) - (area.x + 16)
        for (i, row) in rows.enumerated() {
            buffer.setString(area.x + 2, area.y + 1 + i, row.0, style: Theme.muted)
            let end = buffer.setString(area.x + 16, area.y + 1 + i, row.1, maxWidth: valueWidth, leftToRight: row.2)
            if !row.3.isEmpty { buffer.setString(end + 2, area.y + 1 + i, row.3, maxWidth: area.x + 16 + valueWidth - end - 2) }
        }
        let y = area.y + rows.count + 2
        buffer.setString(area.x + 2, y, L.t("profile.ssh_keys"), style: Theme.header)
        if keys.isEmpty {
            buffer.setString(area.x + 2, y + 1, L.t("profile.ssh_keys_none"), style: Theme.muted, maxWidth: area.width - 4, truncation: .ellipsis)
        } else {
            ListView(items: keys.map { ListItem("\($0.keyType)  \($0.fingerprint)") }).render(into: &buffer, area: Rect(x: area.x + 2, y: y + 1, width: area.width - 4, height: min(keys.count, 5)), state: keyList)
        }
    }

    /// The account's language as the profile shows it.
    static func languageName(_ language: Language?) -> String {
        switch language {
        case .en?: L.t("profile.language.en")
        case .fa?: L.t("profile.language.fa")
        case nil: L.t("profile.language.none")
        }
    }
}
