import Bytes
import EventDump

/// A dump folder, with its catalog and file list read once and kept (batch jobs share them).
public final class Dump {
    public let root: String
    private var catalogResult: Result<Catalog, DumpError>?
    private var listingResult: Result<DumpListing, DumpError>?

    public init(root: String) { self.root = root }

    /// The catalog; a malformed one is reported at check 4 of SPEC §3.
    public func catalog() throws(DumpError) -> Catalog {
        if catalogResult == nil {
            catalogResult = Result { try Catalog.load(dumpRoot: root) }.mapError { $0 as! DumpError }
        }
        return try catalogResult!.get()
    }

    /// The event files, and the count of other files under `events/`.
    public func listing() throws -> DumpListing {
        if listingResult == nil {
            listingResult = Result { try DumpFiles.listing(dumpRoot: root) }.mapError { $0 as! DumpError }
        }
        return try listingResult!.get()
    }

    public func files() throws -> [DumpFile] { try listing().files }

    /// The files of the dump a request reads, as far as they are known: the catalog and, once
    /// listed, the event files. No output may replace one of them.
    public func readFiles() -> Set<FileIdentity> {
        var identities = Set((try? listing().files.map(\.identity)) ?? [])
        if let catalog = FileIdentity(path: root + "/workflows.json") { identities.insert(catalog) }
        return identities
    }
}
