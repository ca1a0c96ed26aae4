import ShopEngine

/// The language to answer in, from a request's `Accept-Language` (RFC 9110 §12.5.4).
///
/// ```swift
/// AcceptLanguage.preferred("de, fa-IR;q=0.8, en;q=0.5")   // .fa: de is not spoken here
/// AcceptLanguage.preferred("fa;q=0, *")                    // .en
/// ```
enum AcceptLanguage {
    /// The spoken language with the highest q-value (the earlier one on a tie); English when the
    /// header is absent or malformed, names none the shop speaks, or only `*`. An entry with
    /// `q=0` ("not this one") or a q-value that is not a number from 0 to 1 is skipped.
    static func preferred(_ header: String?) -> Language {
        guard let header, !header.isEmpty else { return .en }
        var best: (language: Language, q: Double)?
        for entry in header.split(separator: ",") {
            let parts = entry.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            guard let tag = parts.first, !tag.isEmpty, let q = quality(parts.dropFirst()), q > 0 else { continue }
            let language: Language? = tag == "*" ? .en : Language(tag: tag)
            guard let language else { continue }
            if best == nil || q > best!.q { best = (language, q) }
        }
        return best?.language ?? .en
    }

    /// The `q` parameter (1 when absent); nil when it is not a valid qvalue.
    private static func quality(_ parameters: ArraySlice<String>) -> Double? {
        for parameter in parameters {
            let pair = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard pair.count == 2, pair[0].lowercased() == "q" else { continue }
            guard pair[1].count <= 5, let q = Double(pair[1]), (0...1).contains(q), pair[1].first!.isNumber else { return nil }
            return q
        }
        return 1
    }
}
