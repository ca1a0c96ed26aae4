/// The texts of the codes and notices sent to a person, in their account's language.
///
/// The code itself is written in ASCII digits in every language: phones offer one-tap copy and
/// code autofill only for ASCII digit runs, and a form elsewhere that does not fold Persian
/// digits would refuse a pasted ۱۲۳۴۵۶. The words around it (minutes) use the language's digits.
/// Compiled in rather than read from `assets/`: a missing file must never stop a code going out.
enum AccountMessages {
    static func signInCode(_ code: String, minutes: Int, in language: Language) -> String {
        switch language {
        case .en: "Your Shop code is \(code). It expires in \(minutes) minutes."
        case .fa: "کد ورود شما به فروشگاه: \(code)\nاین کد تا \(Text.persianDigits("\(minutes)")) دقیقه معتبر است."
        }
    }

    /// A code that proves an email address or phone number belongs to the account.
    static func proofCode(_ code: String, channel: OutgoingMessage.Channel, in language: Language) -> String {
        switch (language, channel) {
        case (.en, .email): "Your Shop code to verify this email address is \(code)."
        case (.en, .sms): "Your Shop code to verify this phone number is \(code)."
        case (.fa, .email): "کد تأیید این نشانی ایمیل در فروشگاه: \(code)"
        case (.fa, .sms): "کد تأیید این شماره تلفن در فروشگاه: \(code)"
        }
    }

    /// To the owner of an address someone else tried to add to their account (the asker learns nothing).
    static func claimedElsewhere(channel: OutgoingMessage.Channel, in language: Language) -> String {
        switch language {
        case .en:
            "Someone tried to add this \(channel == .email ? "email address" : "phone number") to another Shop account. If it was you, sign in with it instead (or reset your password). Otherwise ignore this message."
        case .fa:
            "کسی خواست این \(channel == .email ? "نشانی ایمیل" : "شماره تلفن") را به حساب دیگری در فروشگاه اضافه کند. اگر خودتان بودید، با همین \(channel == .email ? "نشانی" : "شماره") وارد شوید (یا گذرواژه را بازنشانی کنید)؛ وگرنه این پیام را نادیده بگیرید."
        }
    }

    static func passwordResetCode(_ code: String, in language: Language) -> String {
        switch language {
        case .en: "Your Shop password reset code is \(code). If you did not ask for it, ignore this message."
        case .fa: "کد بازنشانی گذرواژهٔ شما در فروشگاه: \(code)\nاگر شما درخواست نکرده‌اید، این پیام را نادیده بگیرید."
        }
    }
}
