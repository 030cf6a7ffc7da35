import Bytes
import CLibXML2
import ZipArchive

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Parts that failed validation, each with libxml2's messages (at most 20 per part).
public struct PartValidationError: Error, CustomStringConvertible, Equatable {
    public struct Failure: Sendable, Equatable {
        public let part: String
        /// The schema file checked against, or nil for a well-formedness check.
        public let schema: String?
        public let messages: [String]
    }

    public let failures: [Failure]

    public var description: String {
        failures.map { f in
            let against = f.schema.map { " against \(validatorFileName($0))" } ?? " (well-formedness)"
            return "\(f.part)\(against): " + f.messages.joined(separator: "; ")
        }.joined(separator: "\n")
    }
}

/// What `validatePackage` checked.
public struct PackageValidationReport: Sendable, Equatable {
    /// Parts validated against a schema: (part, schema file name).
    public var validated: [(part: String, schema: String)] = []
    /// XML parts only checked for well-formedness (`docProps/core.xml`, parts without a schema).
    public var wellFormedOnly: [String] = []
    /// Entries that are not XML (skipped).
    public var skipped: [String] = []

    public init() {}

    public static func == (a: Self, b: Self) -> Bool {
        a.validated.map { $0.part + "|" + $0.schema } == b.validated.map { $0.part + "|" + $0.schema }
            && a.wellFormedOnly == b.wellFormedOnly && a.skipped == b.skipped
    }
}

/// Validates SpreadsheetML package parts against the ECMA-376 schemas with libxml2's XML Schema
/// support, streaming (`xmlTextReaderSchemaValidateCtxt`, so a big sheet is never held as a DOM),
/// with `XML_PARSE_NONET` and no network access for schema imports. Parsed schemas are cached
/// per path for the life of the process (sml.xsd takes a while to parse); they are shared by
/// threads, each validation having its own context.
public enum PartValidator {
    /// Validates one XML document held in memory against the schema file at `schemaPath`.
    public static func validate(xml: UnsafeRawBufferPointer, schemaPath: String, part: String = "part") throws {
        let schema = try SchemaCache.shared.schema(at: schemaPath)
        let x = try XMLPartReader(memory: xml, part: part, path: part)
        try check(x, schema: schema, schemaPath: schemaPath)
    }

    /// Checks that one XML document held in memory is well-formed.
    public static func checkWellFormed(xml: UnsafeRawBufferPointer, part: String = "part") throws {
        let x = try XMLPartReader(memory: xml, part: part, path: part)
        try check(x, schema: nil, schemaPath: nil)
    }

    /// The schema file (relative to the `ooxml` schema folder) for a part of an .xlsx, per
    /// shared/schemas/README.md; nil for a part that is only checked for well-formedness.
    public static func schemaFile(forPart part: String) -> String? {
        if part == "[Content_Types].xml" { return "opc-contentTypes.xsd" }
        if part.hasSuffix(".rels") { return "opc-relationships.xsd" }
        if part == "docProps/app.xml" { return "shared-documentPropertiesExtended.xsd" }
        if part == "xl/workbook.xml" || part == "xl/styles.xml" || part == "xl/sharedStrings.xml" { return "sml.xsd" }
        if part.hasPrefix("xl/worksheets/") && part.hasSuffix(".xml") && !part.dropFirst(14).contains("/") {
            return "sml.xsd"
        }
        return nil
    }

    /// Validates every part of the .xlsx at `path`: the parts of the README's table against their
    /// schema in `schemaDirectory` (the `ooxml` folder), every other `.xml`/`.rels` part for
    /// well-formedness. Zip damage throws `ZipReaderError`; invalid parts throw one
    /// `PartValidationError` listing them all.
    @discardableResult
    public static func validatePackage(path: String, schemaDirectory: String) throws -> PackageValidationReport {
        let zip = try ZipReader(path: path)
        var report = PackageValidationReport()
        var failures: [PartValidationError.Failure] = []
        for entry in zip.entries where !entry.isDirectory {
            let name = entry.name
            let schemaName = schemaFile(forPart: name)
            let isXML = name.hasSuffix(".xml") || name.hasSuffix(".rels")
            guard isXML else { report.skipped.append(name); continue }
            let schemaPath = schemaName.map { schemaDirectory + "/" + $0 }
            do {
                let schema = try schemaPath.map { try SchemaCache.shared.schema(at: $0) }
                let x = try XMLPartReader(zip: zip, entry: entry, path: path)
                try check(x, schema: schema, schemaPath: schemaPath)
                if let schemaName { report.validated.append((name, schemaName)) } else { report.wellFormedOnly.append(name) }
            } catch let e as PartValidationError {
                failures += e.failures
            } catch let e as SchemaLoadError {
                throw e
            } catch let e as ZipReaderError {
                throw e
            } catch {
                failures.append(.init(part: name, schema: schemaPath, messages: ["\(error)"]))
            }
        }
        if !failures.isEmpty { throw PartValidationError(failures: failures) }
        return report
    }

    private static func check(_ x: XMLPartReader, schema: OpaquePointer?, schemaPath: String?) throws {
        var validCtxt: OpaquePointer?
        if let schema {
            validCtxt = xmlSchemaNewValidCtxt(schema)
            guard validCtxt != nil else {
                throw PartValidationError(failures: [.init(part: x.part, schema: schemaPath, messages: ["cannot create a validation context"])])
            }
            guard xmlTextReaderSchemaValidateCtxt(x.reader, validCtxt, 0) == 0 else {
                xmlSchemaFreeValidCtxt(validCtxt)
                throw PartValidationError(failures: [.init(part: x.part, schema: schemaPath, messages: ["cannot start schema validation"])])
            }
        }
        defer {
            // Detach before freeing: the reader must not use a freed context.
            if let validCtxt {
                xmlTextReaderSchemaValidateCtxt(x.reader, nil, 0)
                xmlSchemaFreeValidCtxt(validCtxt)
            }
        }
        x.stopAtFirstError = false
        if schema != nil {
            // libxml2's schema SAX plug drops the reader's handler for parse errors: they go to
            // the (thread-local) structured handler instead, so collect them there meanwhile.
            xmlSetStructuredErrorFunc(Unmanaged.passUnretained(x).toOpaque(), { ctx, error in
                guard let ctx, let error else { return }
                Unmanaged<XMLPartReader>.fromOpaque(ctx).takeUnretainedValue().collect(error)
            })
        }
        defer { if schema != nil { xmlSetStructuredErrorFunc(nil, nil) } }
        do {
            try x.drain()
        } catch let e as XLSXReaderError {
            let messages = x.errors.isEmpty ? [e.problem] : x.errors
            throw PartValidationError(failures: [.init(part: x.part, schema: schemaPath, messages: messages)])
        }
        var messages = x.errors
        if schema != nil && messages.isEmpty && xmlTextReaderIsValid(x.reader) != 1 {
            messages = ["not valid (libxml2 gave no message)"]
        }
        if !messages.isEmpty {
            throw PartValidationError(failures: [.init(part: x.part, schema: schemaPath, messages: messages)])
        }
    }
}

/// A schema file that libxml2 could not load or parse.
public struct SchemaLoadError: Error, CustomStringConvertible {
    public let schemaPath: String
    public let messages: [String]
    public var description: String { "cannot load schema \(schemaPath): " + messages.joined(separator: "; ") }
}

/// Parsed schemas by path, parsed once (under a lock) and kept for the life of the process.
final class SchemaCache: @unchecked Sendable {
    static let shared = SchemaCache()
    private let lock: UnsafeMutablePointer<pthread_mutex_t>
    private var schemas: [String: OpaquePointer] = [:]

    private init() {
        lock = .allocate(capacity: 1)
        pthread_mutex_init(lock, nil)
    }

    func schema(at path: String) throws -> OpaquePointer {
        _ = LibXML.ready
        pthread_mutex_lock(lock)
        defer { pthread_mutex_unlock(lock) }
        if let s = schemas[path] { return s }
        guard access(path, R_OK) == 0 else {
            throw SchemaLoadError(schemaPath: path, messages: [errnoDescription()])
        }
        guard let parser = xmlSchemaNewParserCtxt(path) else {
            throw SchemaLoadError(schemaPath: path, messages: ["cannot create a schema parser"])
        }
        defer { xmlSchemaFreeParserCtxt(parser) }
        final class Messages { var list: [String] = [] }
        let messages = Messages()
        let box = Unmanaged.passRetained(messages)
        defer { box.release() }
        xmlSchemaSetParserStructuredErrors(parser, { ctx, error in
            guard let ctx, let error, error.pointee.level.rawValue >= XML_ERR_ERROR.rawValue else { return }
            let m = Unmanaged<Messages>.fromOpaque(ctx).takeUnretainedValue()
            if m.list.count < 20 { m.list.append(LibXML.message(error)) }
        }, box.toOpaque())
        guard let schema = xmlSchemaParse(parser) else {
            throw SchemaLoadError(schemaPath: path, messages: messages.list.isEmpty ? ["xmlSchemaParse failed"] : messages.list)
        }
        schemas[path] = schema
        return schema
    }
}

private func validatorFileName(_ path: String) -> String {
    if let slash = path.lastIndex(of: "/") { return String(path[path.index(after: slash)...]) }
    return path
}
