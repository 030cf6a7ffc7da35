/// What can be wrong with a dump (SPEC §9). `detail` is the text of the 500 error body.
public enum DumpError: Error, Equatable, Sendable {
    /// `workflows.json` missing, unreadable, not JSON, or an entry that breaks SPEC §1.
    case malformedCatalog(String)
    /// An event that is not valid JSON, not an object, or has a key of the wrong type.
    case malformedEvent(MalformedEventLocation)
    /// An event file (or `events/` itself) that cannot be read.
    case unreadable(path: String, reason: String)
    /// A gzip stream that is truncated or corrupt: the file is malformed, never read as shorter.
    case corruptGzip(path: String, reason: String)

    public var detail: String {
        switch self {
        case .malformedCatalog(let reason): return "Malformed workflow catalog: \(reason)"
        case .malformedEvent(let at): return "Malformed event at \(at.file):\(at.line): \(at.reason)"
        case .unreadable(let path, let reason): return "Cannot read \(path): \(reason)"
        case .corruptGzip(let path, let reason): return "Malformed gzip stream in \(path): \(reason)"
        }
    }
}

/// Where the first (or only) malformed event is: `file` relative to the dump folder with `/`
/// separators, `line` 1-based (for `.json`, the line where the element starts).
public struct MalformedEventLocation: Equatable, Sendable {
    public let file: String
    public let line: Int
    public let reason: String

    public init(file: String, line: Int, reason: String) {
        self.file = file
        self.line = line
        self.reason = reason
    }
}
