import EventDump

/// A dump folder, with its catalog and file list read once and kept (batch jobs share them).
public final class Dump {
    public let root: String
    private var catalogResult: Result<Catalog, DumpError>?
    private var filesResult: Result<[DumpFile], DumpError>?

    public init(root: String) { self.root = root }

    /// The catalog; a malformed one is reported at check 4 of SPEC §3.
    public func catalog() throws(DumpError) -> Catalog {
        if catalogResult == nil {
            catalogResult = Result { try Catalog.load(dumpRoot: root) }.mapError { $0 as! DumpError }
        }
        return try catalogResult!.get()
    }

    public func files() throws -> [DumpFile] {
        if filesResult == nil {
            filesResult = Result { try DumpFiles.list(dumpRoot: root) }.mapError { $0 as! DumpError }
        }
        return try filesResult!.get()
    }
}
