import Bytes
import FoundationEssentials
import JSONScan
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A workflow's type, which decides the event key that identifies its actions (SPEC §4).
public enum WorkflowType: String, Sendable, CaseIterable {
    case webNavigation = "giosg-default"
    case interaction = "interaction"
    case userGenerated = "user-generated"
    case chat = "chat"
    case voiceVideo = "voice-video"
}

/// One entry of `workflows.json` (SPEC §1).
public struct Workflow: Sendable, Equatable {
    /// The catalog's spelling of the ids: rows and file names use it.
    public let id: String
    public let organizationID: String
    public let type: WorkflowType
    public let name: String?
    /// Step index → name, or nil when the entry has no `steps` (every index is then accepted).
    public let steps: [Int64: String]?
}

/// The workflow catalog of a dump.
public struct Catalog: Sendable {
    public let workflows: [Workflow]
    /// `workflows` by lower-case `id` and `org_id`: each (id, org) is in the catalog once.
    private let index: [WorkflowKey: Int]

    /// Reads and checks `DUMP/workflows.json`. Three failures are told apart, each naming the path
    /// and the system's reason: a dump folder that is not there (`Cannot read dump folder …`), a
    /// dump without `workflows.json` (a malformed catalog, SPEC §9) and a catalog that cannot be
    /// read (`Cannot read …/workflows.json: Permission denied`).
    public static func load(dumpRoot: String) throws -> Catalog {
        let path = dumpRoot + "/workflows.json"
        var folder = stat()
        if stat(dumpRoot, &folder) != 0 {
            throw DumpError.unreadable(path: "dump folder \(dumpRoot)", reason: errnoDescription())
        }
        if folder.st_mode & S_IFMT != S_IFDIR {
            throw DumpError.unreadable(path: "dump folder \(dumpRoot)", reason: errnoDescription(ENOTDIR))
        }
        let bytes: [UInt8]
        do {
            bytes = try readWholeFile(path)
        } catch {
            if error.errno == ENOENT {
                throw DumpError.malformedCatalog("the dump folder \(dumpRoot) has no workflows.json (\(error.reason))")
            }
            throw DumpError.unreadable(path: path, reason: error.reason)
        }
        return try parse(bytes)
    }

    /// Read by `CatalogReader`, straight from the bytes; what it does not read (every malformed
    /// catalog among others) is read by `parseValues`, whose reading and messages are the rule.
    public static func parse(_ bytes: [UInt8]) throws -> Catalog {
        if let read = CatalogReader.read(bytes) { return Catalog(workflows: read.workflows, index: read.index) }
        return try parseValues(bytes)
    }

    /// The catalog through the value parser, one entry's tree at a time (the catalog's tree is
    /// never built whole). Each entry is checked as the parser hands it over; an entry's error is
    /// reported once the document has proved to be valid JSON, whose own errors come first.
    /// Public for the fuzz target, which holds `parse` to it.
    public static func parseValues(_ bytes: [UInt8]) throws -> Catalog {
        var workflows: [Workflow] = []
        var index: [WorkflowKey: Int] = [:]
        var entryError: DumpError?
        let notArray: JSONValue?
        do {
            notArray = try JSONValue.parseElements(bytes) { entry in
                guard entryError == nil else { return }
                do {
                    let i = workflows.count
                    let w = try workflow(entry, at: i)
                    // Both ids were checked as UUIDs, so the key exists.
                    guard let key = WorkflowKey(id: w.id, organizationID: w.organizationID) else { return }
                    if let earlier = index.updateValue(i, forKey: key) {
                        throw DumpError.malformedCatalog("entry \(i): the same \"id\" and \"org_id\" as entry \(earlier)")
                    }
                    workflows.append(w)
                } catch {
                    entryError = error as? DumpError ?? .malformedCatalog("\(error)")
                }
            }
        } catch {
            throw DumpError.malformedCatalog("workflows.json is not valid JSON: \(error.reason)")
        }
        if let notArray {
            throw DumpError.malformedCatalog("workflows.json must be a JSON array, not \(notArray.pythonTypeName)")
        }
        if let entryError { throw entryError }
        return Catalog(workflows: workflows, index: index)
    }

    /// The entry with this id and organization; UUIDs compare case-insensitively (SPEC §3.4).
    public func workflow(id: String, organizationID: String) -> Workflow? {
        WorkflowKey(id: id, organizationID: organizationID).flatMap { index[$0] }.map { workflows[$0] }
    }

    private static func workflow(_ value: JSONValue, at index: Int) throws -> Workflow {
        func fail(_ what: String) -> DumpError { .malformedCatalog("entry \(index): \(what)") }
        guard case .object(let object) = value else { throw fail("must be an object, not \(value.pythonTypeName)") }
        func uuid(_ key: String) throws -> String {
            guard case .string(let s)? = object[key], isUUID(s) else { throw fail("\"\(key)\" must be a UUID string") }
            return s
        }
        let id = try uuid("id")
        let org = try uuid("org_id")
        guard case .string(let typeName)? = object["type"], let type = WorkflowType(rawValue: typeName) else {
            throw fail("\"type\" must be one of " + WorkflowType.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", "))
        }
        var name: String?
        switch object["name"] {
        case nil, .null?: name = nil
        case .string(let s)?: name = s
        default: throw fail("\"name\" must be a string")
        }
        var steps: [Int64: String]?
        switch object["steps"] {
        case nil, .null?: steps = nil
        case .array(let items)?:
            var table: [Int64: String] = [:]
            for (i, item) in items.enumerated() {
                guard case .object(let step) = item,
                      case .integer(let indexText)? = step["index"], let stepIndex = Int64(indexText), stepIndex >= 0,
                      case .string(let stepName)? = step["name"] else {
                    throw fail("steps[\(i)] must be {\"index\": integer ≥ 0, \"name\": string}")
                }
                table[stepIndex] = stepName
            }
            steps = table
        default: throw fail("\"steps\" must be an array")
        }
        return Workflow(id: id, organizationID: org, type: type, name: name, steps: steps)
    }
}
