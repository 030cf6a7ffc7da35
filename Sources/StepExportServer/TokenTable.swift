import Bytes
import FoundationEssentials
import JSONScan

/// The `--tokens FILE` of SPEC §11: a JSON object mapping each bearer token to the organization
/// UUIDs it may read, or to `"*"` for all. A token is known in logs only by its index (its place
/// in the file, from 0), never by its text.
public struct TokenTable: Sendable {
    struct Grant: Sendable, Equatable {
        let index: Int
        /// Lower-cased organization ids; nil: every organization.
        let organizations: Set<String>?

        /// Whether this token may read `organizationID` (a valid UUID, any case).
        func allows(organizationID: String) -> Bool {
            organizations?.contains(organizationID.lowercased()) ?? true
        }
    }
    private let grants: [String: Grant]

    /// What a request's `Authorization` header is worth.
    enum Verdict: Equatable {
        case noCredentials
        case invalidToken
        case token(Grant)
    }

    init(grants: [String: Grant]) { self.grants = grants }

    /// Reads and checks a tokens file; the error says what is wrong, naming the file and the
    /// entry by index (never the token).
    public static func load(path: String) throws -> TokenTable {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw TokenFileError("cannot read the tokens file \(path)")
        }
        let value: JSONValue
        do { value = try JSONValue.parse(Array(data)) } catch {
            throw TokenFileError("\(path): not valid JSON: \(error.reason)")
        }
        guard case .object(let object) = value else {
            throw TokenFileError("\(path): expected a JSON object of token → [organization UUID] or \"*\"")
        }
        var grants: [String: Grant] = [:]
        for (index, token) in object.keys.enumerated() {
            guard !token.isEmpty, !token.contains(where: { $0 == " " || $0 == "\t" }) else {
                throw TokenFileError("\(path): token #\(index) is empty or contains a space")
            }
            switch object[token] {
            case .string("*")?:
                grants[token] = Grant(index: index, organizations: nil)
            case .array(let items)?:
                var organizations = Set<String>()
                for item in items {
                    guard case .string(let id) = item, isUUID(id) else {
                        throw TokenFileError("\(path): token #\(index): every organization must be a UUID string")
                    }
                    organizations.insert(id.lowercased())
                }
                grants[token] = Grant(index: index, organizations: organizations)
            default:
                throw TokenFileError("\(path): token #\(index): expected a list of organization UUIDs or \"*\"")
            }
        }
        return TokenTable(grants: grants)
    }

    /// `Authorization: Bearer <token>` (the scheme in any case); any other header, or none, is no
    /// credentials at all.
    func verdict(authorization: String?) -> Verdict {
        guard let authorization else { return .noCredentials }
        let parts = authorization.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count >= 1, parts[0].lowercased() == "bearer" else { return .noCredentials }
        guard parts.count == 2, let grant = grants[parts[1].trimmingSpaces()] else {
            return .invalidToken
        }
        return .token(grant)
    }
}

public struct TokenFileError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
