/// Input checks shared by every entry point; each failure names the field and says what is wrong.
enum Validate {
    static func text(_ value: String?, field: String, label: String, required: Bool = false, max: Int = 200, multiline: Bool = false) throws -> String {
        let raw = value ?? ""
        guard let cleaned = Text.clean(raw), multiline || !cleaned.utf8.contains(0x0A) else {
            throw ShopError(.invalid, "invalid_\(field)", "\(label) contains characters that are not allowed", field: field, parameters: ["reason": "characters"])
        }
        if required && cleaned.isEmpty {
            throw ShopError.invalid("missing_\(field)", "\(label) is required", field: field)
        }
        // Lengths count Unicode code points, as JSON Schema's maxLength does in the API document.
        guard cleaned.unicodeScalars.count <= max else {
            throw ShopError(.invalid, "invalid_\(field)", "\(label) must be at most \(max) characters", field: field, parameters: ["reason": "too_long", "max": "\(max)"])
        }
        return cleaned
    }

    static func email(_ value: String) throws -> String {
        let email = value.trimmingCharacters(in: .whitespaces)
        let parts = email.split(separator: "@", omittingEmptySubsequences: false)
        let ok = parts.count == 2 && !parts[0].isEmpty && parts[1].contains(".") && !parts[1].hasPrefix(".")
            && !parts[1].hasSuffix(".") && email.count <= 254 && !email.contains(where: { $0.isWhitespace || $0.isNewline })
        guard ok else { throw ShopError.invalid("invalid_email", "Enter an email address like name@example.com", field: "email") }
        return email
    }

    static func username(_ value: String) throws -> String {
        let name = value.trimmingCharacters(in: .whitespaces)
        let allowed = name.unicodeScalars.allSatisfy { $0.isASCII && (CharacterSetASCII.alnum($0) || "._-".unicodeScalars.contains($0)) }
        guard (3...32).contains(name.count), allowed, !name.contains("@"), !name.hasPrefix("+") else {
            throw ShopError.invalid("invalid_username", "Username must be 3–32 letters, digits, dots, dashes or underscores", field: "username")
        }
        return name
    }

    static func password(_ password: String, confirmation: String) throws {
        guard (8...128).contains(password.unicodeScalars.count) else { // code points, as the API document's minLength/maxLength
            throw ShopError.invalid("weak_password", "Password must be 8 to 128 characters", field: "password")
        }
        guard password == confirmation else {
            throw ShopError.invalid("password_mismatch", "The two passwords do not match", field: "password_confirm")
        }
    }

    static func postalCode(_ value: String?) throws -> String {
        let code = Text.foldDigits(value ?? "").trimmingCharacters(in: .whitespaces)
        guard code.count <= 16, code.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == " " || $0 == "-") }) else {
            throw ShopError.invalid("invalid_postal_code", "Postal code may hold only letters, digits, spaces and dashes (at most 16)", field: "postal_code")
        }
        return code
    }
}

enum CharacterSetASCII {
    static func alnum(_ s: Unicode.Scalar) -> Bool {
        (s.value >= 48 && s.value <= 57) || (s.value >= 65 && s.value <= 90) || (s.value >= 97 && s.value <= 122)
    }
}
