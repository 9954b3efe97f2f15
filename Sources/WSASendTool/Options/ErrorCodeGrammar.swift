import Winsock

/// The grammar of `wsasend codes CODE|NAME`: a number (10054) or a name in any case, with or without
/// the `WSA` prefix (WSAECONNRESET, econnreset).
public enum ErrorCodeGrammar {
    public static func parse(_ text: String) -> Result<WSAErrorInfo, GrammarError> {
        guard !text.isEmpty else { return .failure(.empty(what: "a Winsock error code or name")) }
        if let number = NumberGrammar.decimal(text[...]) {
            guard number <= UInt64(Int32.max), let info = WSAErrorCatalog.info(for: Int32(number)) else {
                return .failure(.unknownErrorCode(text))
            }
            return .success(info)
        }
        guard let info = WSAErrorCatalog.info(named: text) else { return .failure(.unknownErrorCode(text)) }
        return .success(info)
    }
}
