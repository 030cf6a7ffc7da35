import CLibXML2
import ZipArchive

/// An XML part that cannot be read: names the file, the part and the problem.
public struct XLSXReaderError: Error, CustomStringConvertible, Equatable {
    public let path: String
    /// The package part concerned (`xl/worksheets/sheet1.xml`), or nil for the file as a whole.
    public let part: String?
    public let problem: String

    public init(path: String, part: String?, problem: String) {
        self.path = path
        self.part = part
        self.problem = problem
    }

    public var description: String {
        if let part { return "\(path): \(part): \(problem)" }
        return "\(path): \(problem)"
    }
}

/// One-time libxml2 set-up: thread-safe initialisation, and an entity loader that never touches
/// the network (schemas import each other by relative path; nothing else is loaded).
enum LibXML {
    static let ready: Void = {
        xmlInitParser()
        xmlSetExternalEntityLoader(xmlNoNetExternalEntityLoader)
    }()

    /// Parser options for every part: no network, no entity substitution, no DTD loading,
    /// CDATA as text, default (non-huge) size limits.
    static let readerOptions = Int32(XML_PARSE_NONET.rawValue | XML_PARSE_NOCDATA.rawValue)

    static func message(_ error: UnsafePointer<xmlError>) -> String {
        var text = error.pointee.message.map { String(cString: $0) } ?? "unknown XML error"
        while let last = text.last, last == "\n" || last == " " { text.removeLast() }
        if error.pointee.line > 0 {
            var at = "line \(error.pointee.line)"
            if error.pointee.int2 > 0 { at += ", column \(error.pointee.int2)" }
            return "\(at): \(text)"
        }
        return text
    }
}

/// Feeds libxml2 from a zip entry, keeping the zip error (which is clearer than libxml2's I/O one).
final class ZipXMLInput {
    let stream: ZipEntryReader
    var error: Error?
    init(_ stream: ZipEntryReader) { self.stream = stream }
}

/// A streaming `xmlTextReader` over one part, with errors collected and thrown as
/// `XLSXReaderError`. A DTD (`<!DOCTYPE`) is refused: SpreadsheetML has none, and refusing it
/// rules out entity expansion attacks. Memory stays bounded: the reader keeps only the current
/// node and its ancestors.
final class XMLPartReader {
    let path: String
    let part: String
    let reader: xmlTextReaderPtr
    private var input: ZipXMLInput?
    private var retainedInput: Unmanaged<ZipXMLInput>?
    fileprivate(set) var errors: [String] = []
    private var done = false
    /// True (the default): the first error ends reading. False (schema validation): reading goes
    /// on through recoverable errors, which collect in `errors`.
    var stopAtFirstError = true

    /// Streams the zip entry `entry` of `zip`.
    init(zip: ZipReader, entry: ZipEntry, path: String) throws {
        _ = LibXML.ready
        self.path = path
        self.part = entry.name
        let input = ZipXMLInput(try zip.openEntry(entry))
        let unmanaged = Unmanaged.passRetained(input)
        let read: xmlInputReadCallback = { ctx, buffer, len in
            guard let ctx, let buffer, len > 0 else { return 0 }
            let input = Unmanaged<ZipXMLInput>.fromOpaque(ctx).takeUnretainedValue()
            if input.error != nil { return -1 }
            do {
                return Int32(try input.stream.read(into: UnsafeMutableRawBufferPointer(start: buffer, count: Int(len))))
            } catch {
                input.error = error
                return -1
            }
        }
        guard let r = xmlReaderForIO(read, nil, unmanaged.toOpaque(), entry.name, nil, LibXML.readerOptions) else {
            unmanaged.release()
            throw XLSXReaderError(path: path, part: entry.name, problem: "cannot start the XML reader")
        }
        self.reader = r
        self.input = input
        self.retainedInput = unmanaged
        installErrorHandler()
    }

    /// Streams XML held in memory (which must outlive the reader).
    init(memory: UnsafeRawBufferPointer, part: String, path: String) throws {
        _ = LibXML.ready
        self.path = path
        self.part = part
        guard memory.count <= Int(Int32.max) else {
            throw XLSXReaderError(path: path, part: part, problem: "too large to read from memory")
        }
        let base = memory.baseAddress?.assumingMemoryBound(to: CChar.self)
        var empty: CChar = 0
        let r: xmlTextReaderPtr? = withUnsafePointer(to: &empty) { e in
            xmlReaderForMemory(base ?? e, Int32(memory.count), part, nil, LibXML.readerOptions)
        }
        guard let r else {
            throw XLSXReaderError(path: path, part: part, problem: "cannot start the XML reader")
        }
        self.reader = r
        installErrorHandler()
    }

    deinit {
        xmlFreeTextReader(reader)
        retainedInput?.release()
    }

    private func installErrorHandler() {
        xmlTextReaderSetStructuredErrorHandler(reader, { ctx, error in
            guard let ctx, let error else { return }
            Unmanaged<XMLPartReader>.fromOpaque(ctx).takeUnretainedValue().collect(error)
        }, Unmanaged.passUnretained(self).toOpaque())
    }

    /// Keeps an error's message (at most 20); warnings do not make a part unreadable.
    func collect(_ error: UnsafePointer<xmlError>) {
        guard error.pointee.level.rawValue >= XML_ERR_ERROR.rawValue else { return }
        if errors.count < 20 { errors.append(LibXML.message(error)) }
    }

    func fail(_ problem: String) -> XLSXReaderError {
        XLSXReaderError(path: path, part: part, problem: problem)
    }

    /// The first error met so far, as the error to throw (the zip's own error if reading failed).
    func currentError() -> Error? {
        if let e = input?.error { return e }
        if let first = errors.first { return fail("malformed XML: \(first)") }
        return nil
    }

    /// Moves to the next node. Returns false at the end of the document; throws on any error.
    @inline(__always) func next() throws -> Bool {
        if done { return false }
        let rc = xmlTextReaderRead(reader)
        if rc == 1 {
            if stopAtFirstError && !errors.isEmpty { throw currentError()! }
            if nodeType == XML_READER_TYPE_DOCUMENT_TYPE.rawValue {
                throw fail("has a document type declaration (<!DOCTYPE>), which SpreadsheetML does not allow")
            }
            return true
        }
        if rc == 0 && !stopAtFirstError && input?.error == nil {
            done = true
            return false
        }
        if let e = currentError() { throw e }
        if rc == 0 {
            done = true
            return false
        }
        throw fail("malformed XML (the XML reader stopped without a message)")
    }

    @inline(__always) var nodeType: Int32 { xmlTextReaderNodeType(reader) }
    @inline(__always) var isEmptyElement: Bool { xmlTextReaderIsEmptyElement(reader) == 1 }
    /// Interned: compare with pointers from `intern`.
    @inline(__always) var localName: UnsafePointer<xmlChar>? { xmlTextReaderConstLocalName(reader) }
    @inline(__always) var namespaceURI: UnsafePointer<xmlChar>? { xmlTextReaderConstNamespaceUri(reader) }
    @inline(__always) var value: UnsafePointer<xmlChar>? { xmlTextReaderConstValue(reader) }
    var lineNumber: Int { Int(xmlTextReaderGetParserLineNumber(reader)) }

    /// The reader's interned copy of `s`: node names can then be compared by pointer.
    func intern(_ s: String) -> UnsafePointer<xmlChar> {
        s.withCString { c in
            c.withMemoryRebound(to: xmlChar.self, capacity: s.utf8.count + 1) { xmlTextReaderConstString(reader, $0)! }
        }
    }

    /// Calls `body(localName, namespaceURI, value)` for each attribute of the current element.
    @inline(__always) func forEachAttribute(_ body: (UnsafePointer<xmlChar>?, UnsafePointer<xmlChar>?, UnsafePointer<xmlChar>?) throws -> Void) rethrows {
        guard xmlTextReaderHasAttributes(reader) == 1 else { return }
        while xmlTextReaderMoveToNextAttribute(reader) == 1 {
            try body(xmlTextReaderConstLocalName(reader), xmlTextReaderConstNamespaceUri(reader), xmlTextReaderConstValue(reader))
        }
        xmlTextReaderMoveToElement(reader)
    }

    /// True for the node types that carry character data.
    @inline(__always) var isText: Bool {
        let t = nodeType
        return t == XML_READER_TYPE_TEXT.rawValue || t == XML_READER_TYPE_CDATA.rawValue
            || t == XML_READER_TYPE_SIGNIFICANT_WHITESPACE.rawValue || t == XML_READER_TYPE_WHITESPACE.rawValue
    }

    /// Reads the rest of the document, so that a part damaged after the data we need still fails,
    /// and the zip entry's CRC is checked.
    func drain() throws {
        while try next() {}
    }
}

@inline(__always) func xmlStringEquals(_ a: UnsafePointer<xmlChar>?, _ b: StaticString) -> Bool {
    guard let a else { return false }
    return b.withUTF8Buffer { buf in
        for i in 0..<buf.count where a[i] != buf[i] { return false }
        return a[buf.count] == 0
    }
}

@inline(__always) func xmlString(_ p: UnsafePointer<xmlChar>?) -> String {
    guard let p else { return "" }
    return String(cString: p)
}

/// Appends a NUL-terminated xmlChar string to a byte array.
@inline(__always) func appendXMLString(_ p: UnsafePointer<xmlChar>?, to out: inout [UInt8]) {
    guard let p else { return }
    let n = strlen(UnsafeRawPointer(p).assumingMemoryBound(to: CChar.self))
    out.append(contentsOf: UnsafeBufferPointer(start: p, count: n))
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
