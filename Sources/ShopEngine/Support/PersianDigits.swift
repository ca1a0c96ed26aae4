extension Text {
    /// ASCII digits become Persian ones (۰–۹); everything else is kept. The reverse of `foldDigits`.
    ///
    /// ```swift
    /// Text.persianDigits("1405/09/08")   // "۱۴۰۵/۰۹/۰۸"
    /// ```
    public static func persianDigits(_ s: String) -> String {
        String(String.UnicodeScalarView(s.unicodeScalars.map { scalar in
            (0x30...0x39).contains(scalar.value) ? Unicode.Scalar(scalar.value - 0x30 + 0x06F0)! : scalar
        }))
    }
}
