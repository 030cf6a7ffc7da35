import Bytes
import Foundation
import JSONScan
import StepRequest

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

    /// Reads and checks `DUMP/workflows.json`. Three failures are told apart, each naming the path
    /// and the system's reason: a dump folder that is not there (`Cannot read dump folder …`), a
    /// dump without `workflows.json` (a malformed catalog, SPEC §9) and a catalog that cannot be
    /// read (`Cannot read …/workflows.json: Permission denied`).
    public static func load(dumpRoot: String) throws -> Catalog {
        let path = dumpRoot + "/workflows.json"
        var folder = stat()
        if stat(dumpRoot, &folder) != 0 {
            throw DumpError.unreadable(path: "dump folder \(dumpRoot)", reason: errnoReason())
        }
        if folder.st_mode & S_IFMT != S_IFDIR {
            throw DumpError.unreadable(path: "dump folder \(dumpRoot)", reason: String(cString: strerror(ENOTDIR)))
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

    public static func parse(_ bytes: [UInt8]) throws -> Catalog {
        let root: JSONValue
        do {
            root = try JSONValue.parse(bytes)
        } catch {
            throw DumpError.malformedCatalog("workflows.json is not valid JSON: \(error.reason)")
        }
        guard case .array(let entries) = root else {
            throw DumpError.malformedCatalog("workflows.json must be a JSON array, not \(root.pythonTypeName)")
        }
        return Catalog(workflows: try entries.enumerated().map { try workflow($0.element, at: $0.offset) })
    }

    /// The entry with this id and organization; UUIDs compare case-insensitively (SPEC §3.4).
    public func workflow(id: String, organizationID: String) -> Workflow? {
        let wid = id.lowercased(), oid = organizationID.lowercased()
        return workflows.first { $0.id.lowercased() == wid && $0.organizationID.lowercased() == oid }
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

private func errnoReason() -> String { String(cString: strerror(errno)) }
