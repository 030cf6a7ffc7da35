#if canImport(Glibc)
import Glibc
#endif
import Bytes
import JSONScan

/// Reads a well-formed catalog straight from its bytes into `Workflow`s: no value tree, no
/// string for a member name or a type, one string per id (the organizations' are shared).
/// A million-entry catalog is a million entries, and building a tree for each cost more than
/// reading them.
///
/// It gives up (nil) on anything that is not a valid catalog, and on the rare valid shapes it
/// does not read itself (an escaped member name, a step index written `-0`, a known key first
/// given a value of the wrong type, nesting deeper than `maximumDepth`); `Catalog.parse` then
/// reads the document again with the value parser, which words every error as Python would.
/// So this reader never words an error, and never accepts what the value parser refuses.
struct CatalogReader {
    private let p: UnsafePointer<UInt8>
    private let end: Int
    private var workflows: [Workflow] = []
    /// Each workflow's key, for the index built once their number is known (growing it as it
    /// filled, rehashing, was 8 % of a million-entry load).
    private var keys: [WorkflowKey] = []
    /// Organizations by value: most entries share one, and its string is made once. The last
    /// one is checked first (entries of one organization tend to come together).
    private var organizations: [UUIDValue: String] = [:]
    private var lastOrganization: (value: UUIDValue, text: String)?
    /// An escaped string's decoded bytes.
    private var scratch: [UInt8] = []
    /// One entry's steps, in document order, before they go into its table.
    private var steps: [(Int64, String)] = []

    /// Deeper values are left to the value parser (a catalog's ignored keys are flat, if there).
    private static let maximumDepth = 64

    private init(_ p: UnsafePointer<UInt8>, _ end: Int) {
        self.p = p
        self.end = end
    }

    /// The catalog's workflows and their index, or nil when the value parser is to read it.
    static func read(_ bytes: [UInt8]) -> (workflows: [Workflow], index: [WorkflowKey: Int])? {
        bytes.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return nil }
            var reader = CatalogReader(base, buffer.count)
            guard reader.document() else { return nil }
            var index = [WorkflowKey: Int](minimumCapacity: reader.keys.count)
            for (i, key) in reader.keys.enumerated() {
                // Two entries for one workflow: the value parser says which.
                guard index.updateValue(i, forKey: key) == nil else { return nil }
            }
            return (reader.workflows, index)
        }
    }

    private func skipWhitespace(_ i: Int) -> Int { JSONBytes.skipWhitespace(p, i, end) }

    private func at(_ i: Int, is c: UInt8) -> Bool { i < end && p[i] == c }

    /// `[ entry, … ]` and nothing but whitespace after it.
    private mutating func document() -> Bool {
        let i = skipWhitespace(0)
        guard let next = array(at: i, element: { $0.entry(at: $1) }) else { return false }
        return skipWhitespace(next) == end
    }

    /// An array at `start` (its `[`) whose elements `element` reads (returning the index past
    /// each, or nil to give up): the index past its `]`.
    private mutating func array(at start: Int, element: (inout CatalogReader, Int) -> Int?) -> Int? {
        guard at(start, is: 0x5B) else { return nil }
        var i = skipWhitespace(start + 1)
        if !at(i, is: 0x5D) {
            while true {
                guard let next = element(&self, i) else { return nil }
                i = skipWhitespace(next)
                if at(i, is: 0x5D) { break }
                guard at(i, is: 0x2C) else { return nil }
                i = skipWhitespace(i + 1)
            }
        }
        return i + 1
    }

    /// Where a known key's value is: a string's content (between the quotes), or null.
    private struct Text {
        var start = -1
        var end = 0
        var escaped = false
        var isNull = false
        var found: Bool { start >= 0 || isNull }
    }

    /// One entry at `start` (level 2) into `workflows` and `keys`; the index past it.
    private mutating func entry(at start: Int) -> Int? {
        var id = Text(), org = Text(), type = Text(), name = Text()
        var table: [Int64: String]?
        let past = object(at: start) { reader, key, value in
            // A repeated key's last value counts, as in the value parser's objects.
            switch key {
            case .id, .organizationID, .type, .name:
                guard case let (text, next)? = reader.text(at: value, nullable: key == .name) else { return nil }
                switch key {
                case .id: id = text
                case .organizationID: org = text
                case .type: type = text
                default: name = text
                }
                return next
            case .steps:
                guard case let (read, next)? = reader.stepTable(at: value) else { return nil }
                table = read
                return next
            case .index, .other:
                return reader.skipValue(at: value, level: 2)
            }
        }
        guard let past, let idValue = uuid(id), let orgValue = uuid(org), let workflowType = workflowType(type) else { return nil }
        keys.append(WorkflowKey(id: idValue, organizationID: orgValue))
        workflows.append(Workflow(id: string(id), organizationID: organization(org, orgValue), type: workflowType,
                                  name: name.found && !name.isNull ? string(name) : nil, steps: table))
        return past
    }

    /// An object at `start` (its `{`) whose members `member` reads (given the key and where its
    /// value is; returning the index past the value, or nil to give up): the index past its `}`.
    private mutating func object(at start: Int, member: (inout CatalogReader, Key, Int) -> Int?) -> Int? {
        guard at(start, is: 0x7B) else { return nil }
        var i = skipWhitespace(start + 1)
        if !at(i, is: 0x7D) {
            while true {
                guard case let (key, value)? = self.member(at: i), let next = member(&self, key, value) else { return nil }
                i = skipWhitespace(next)
                if at(i, is: 0x7D) { break }
                guard at(i, is: 0x2C) else { return nil }
                i = skipWhitespace(i + 1)
            }
        }
        return i + 1
    }

    /// The organization's string: the one made for an earlier entry when spelled the same.
    private mutating func organization(_ text: Text, _ value: UUIDValue) -> String {
        if let last = lastOrganization, last.value == value, spells(last.text, text) { return last.text }
        let known = organizations[value].flatMap { spells($0, text) ? $0 : nil }
        let made = known ?? string(text)
        if known == nil { organizations[value] = made }
        lastOrganization = (value, made)
        return made
    }

    /// Whether `string` is `text`'s decoded bytes.
    private mutating func spells(_ string: String, _ text: Text) -> Bool {
        withBytes(text) { bytes in
            string.utf8.withContiguousStorageIfAvailable {
                $0.count == bytes.count && ($0.isEmpty || memcmp($0.baseAddress!, bytes.baseAddress!, bytes.count) == 0)
            } == true
        }
    }

    /// The member names read: an entry's, and a step's (`name` and `index`).
    private enum Key { case id, organizationID, type, name, steps, index, other }

    /// A member name at `i`, its `:` and the whitespace after it: the key and where its value is.
    private func member(at i: Int) -> (Key, Int)? {
        guard at(i, is: 0x22), case let (close, escaped)? = string(at: i), !escaped else { return nil }
        let colon = skipWhitespace(close + 1)
        guard at(colon, is: 0x3A) else { return nil }
        return (key(from: i + 1, to: close), skipWhitespace(colon + 1))
    }

    private func key(from start: Int, to close: Int) -> Key {
        switch close - start {
        case 2 where matches(start, "id"): return .id
        case 6 where matches(start, "org_id"): return .organizationID
        case 4 where matches(start, "type"): return .type
        case 4 where matches(start, "name"): return .name
        case 5 where matches(start, "steps"): return .steps
        case 5 where matches(start, "index"): return .index
        default: return .other
        }
    }

    /// Whether `literal` is at `i` (the caller checked it fits).
    private func matches(_ i: Int, _ literal: StaticString) -> Bool {
        let s = literal.utf8Start
        for k in 0..<literal.utf8CodeUnitCount where p[i + k] != s[k] { return false }
        return true
    }

    /// A string value at `i` (or null, when `nullable`) and the index past it.
    private func text(at i: Int, nullable: Bool) -> (Text, Int)? {
        if nullable && i + 4 <= end && matches(i, "null") { return (Text(isNull: true), i + 4) }
        guard at(i, is: 0x22), case let (close, escaped)? = string(at: i) else { return nil }
        return (Text(start: i + 1, end: close, escaped: escaped), close + 1)
    }

    /// A string's decoded bytes, to `body` (an escaped one is decoded into `scratch`).
    private mutating func withBytes<R>(_ text: Text, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        guard text.escaped else { return body(UnsafeBufferPointer(start: p + text.start, count: text.end - text.start)) }
        scratch.removeAll(keepingCapacity: true)
        var i = text.start
        while i < text.end {
            if p[i] != 0x5C {
                scratch.append(p[i])
                i += 1
                continue
            }
            i = JSONBytes.appendDecodedEscape(p, i, to: &scratch)
        }
        return scratch.withUnsafeBufferPointer(body)
    }

    private mutating func string(_ text: Text) -> String {
        withBytes(text) { String(decoding: $0, as: UTF8.self) }
    }

    private mutating func uuid(_ text: Text) -> UUIDValue? {
        guard text.found, !text.isNull else { return nil }
        return withBytes(text) { uuidValue(utf8: $0).map(UUIDValue.init) }
    }

    private mutating func workflowType(_ text: Text) -> WorkflowType? {
        guard text.found, !text.isNull else { return nil }
        return withBytes(text) { bytes in
            CatalogReader.typeNames.first { $0.name.elementsEqual(bytes) }?.type
        }
    }

    private static let typeNames = WorkflowType.allCases.map { (type: $0, name: Array($0.rawValue.utf8)) }

    /// `steps` at `i`: null, or an array of `{"index": integer ≥ 0, "name": string}` (other keys
    /// ignored) as index → name, a repeated index keeping its last name.
    private mutating func stepTable(at start: Int) -> ([Int64: String]?, Int)? {
        if start + 4 <= end && matches(start, "null") { return (nil, start + 4) }
        steps.removeAll(keepingCapacity: true)
        guard let next = array(at: start, element: { $0.step(at: $1) }) else { return nil }
        var table = [Int64: String](minimumCapacity: steps.count)
        for (index, name) in steps { table[index] = name }
        return (table, next)
    }

    /// One step object at `start` (level 4) into `steps`; the index past it.
    private mutating func step(at start: Int) -> Int? {
        var stepIndex: Int64?
        var name = Text()
        let past = object(at: start) { reader, key, value in
            switch key {
            case .index:
                guard case let (read, next)? = reader.integer(at: value) else { return nil }
                stepIndex = read
                return next
            case .name:
                guard case let (read, next)? = reader.text(at: value, nullable: false) else { return nil }
                name = read
                return next
            default:
                return reader.skipValue(at: value, level: 4)
            }
        }
        guard let past, let stepIndex, name.found else { return nil }
        steps.append((stepIndex, string(name)))
        return past
    }

    /// Digits without sign, fraction or exponent that fit an Int64, and the index past them.
    private func integer(at start: Int) -> (Int64, Int)? {
        var i = start
        var value: Int64 = 0
        while i < end && p[i] &- 0x30 < 10 {
            let (times10, o1) = value.multipliedReportingOverflow(by: 10)
            let (sum, o2) = times10.addingReportingOverflow(Int64(p[i] &- 0x30))
            guard !o1, !o2 else { return nil }
            value = sum
            i += 1
        }
        guard i > start, p[start] != 0x30 || i == start + 1 else { return nil }
        if i < end && (p[i] == 0x2E || p[i] == 0x65 || p[i] == 0x45) { return nil }
        return (value, i)
    }

    /// A string at `quote`: the index of its closing quote and whether it has escapes; nil when
    /// it is not a valid string (unterminated, a control byte, ill-formed UTF-8, a bad escape or
    /// a lone surrogate).
    private func string(at quote: Int) -> (close: Int, escaped: Bool)? {
        var i = quote + 1
        var escaped = false
        while true {
            i = JSONBytes.scanStringRun(p, i, end)
            guard i < end else { return nil }
            let c = p[i]
            if c == 0x22 { return (i, escaped) }
            if c == 0x5C {
                var problem: JSONBytes.EscapeProblem?
                var ignored = 0
                i = JSONBytes.checkEscape(p, i, end, problem: &problem, next: &ignored)
                guard problem == nil else { return nil }
                escaped = true
            } else if c < 0x20 {
                return nil
            } else {
                let length = JSONBytes.utf8SequenceLength(p, i, end)
                guard length > 0 else { return nil }
                i += length
            }
        }
    }

    /// Any valid JSON value at `i`, inside a container at `level`: the index past it.
    private func skipValue(at i: Int, level: Int) -> Int? {
        guard i < end else { return nil }
        switch p[i] {
        case 0x22: return string(at: i).map { $0.close + 1 }
        case 0x2D, 0x30...0x39: return number(at: i)
        case 0x6E: return i + 4 <= end && matches(i, "null") ? i + 4 : nil
        case 0x74: return i + 4 <= end && matches(i, "true") ? i + 4 : nil
        case 0x66: return i + 5 <= end && matches(i, "false") ? i + 5 : nil
        case 0x5B, 0x7B: return skipContainer(at: i, level: level + 1)
        default: return nil
        }
    }

    /// An array or object at `start`, itself at `level`.
    private func skipContainer(at start: Int, level: Int) -> Int? {
        guard level <= CatalogReader.maximumDepth else { return nil }
        let isObject = p[start] == 0x7B
        let close: UInt8 = isObject ? 0x7D : 0x5D
        var i = skipWhitespace(start + 1)
        if at(i, is: close) { return i + 1 }
        while true {
            if isObject {
                guard at(i, is: 0x22), let key = string(at: i) else { return nil }
                i = skipWhitespace(key.close + 1)
                guard at(i, is: 0x3A) else { return nil }
                i = skipWhitespace(i + 1)
            }
            guard let next = skipValue(at: i, level: level) else { return nil }
            i = skipWhitespace(next)
            if at(i, is: close) { return i + 1 }
            guard at(i, is: 0x2C) else { return nil }
            i = skipWhitespace(i + 1)
        }
    }

    /// RFC 8259's number at `start`: the index past it. What follows is the caller's to judge.
    private func number(at start: Int) -> Int? {
        var i = start
        func digits() -> Bool {
            let first = i
            while i < end && p[i] &- 0x30 < 10 { i += 1 }
            return i > first
        }
        if p[i] == 0x2D { i += 1 }
        if at(i, is: 0x30) {
            i += 1
        } else {
            guard i < end, p[i] &- 0x31 < 9 else { return nil }
            _ = digits()
        }
        if at(i, is: 0x2E) {
            i += 1
            guard digits() else { return nil }
        }
        if i < end && (p[i] == 0x65 || p[i] == 0x45) {
            i += 1
            if i < end && (p[i] == 0x2B || p[i] == 0x2D) { i += 1 }
            guard digits() else { return nil }
        }
        return i
    }
}
