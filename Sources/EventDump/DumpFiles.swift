import Bytes
#if canImport(Glibc)
import Glibc
#endif

/// One event file of a dump.
public struct DumpFile: Sendable, Equatable {
    /// Path relative to the dump folder, `/`-separated, e.g. `events/2022/11/a.ndjson.gz` (through
    /// a symbolic link: the link's path).
    public let relativePath: String
    public let absolutePath: String
    /// `.json` files hold one array of events; the others one event per line.
    public let isJSONArray: Bool
    /// The file itself (device and inode): an output must never be one of these.
    public let identity: FileIdentity
}

/// What lies under a dump's `events/`: the event files, and how many other files there are.
public struct DumpListing: Sendable {
    /// The event files, in byte-wise order of relative path.
    public var files: [DumpFile] = []
    /// Files that are not event files (not read): their count and the first, in byte-wise order.
    public var otherFiles = 0
    public var firstOtherFile: String?

    public init() {}
}

/// Finds the event files of SPEC §1: regular files under `events/`, any depth, named `*.ndjson`,
/// `*.jsonl` or `*.json`, each optionally followed by `.gz` (ASCII case ignored), in byte-wise order
/// of relative path. Symbolic links to files and folders are followed; each file and folder is
/// read once, by device and inode, so a loop of links ends (the walk takes each folder's entries in
/// byte-wise order, and the first path met is the one kept). Everything else under `events/` —
/// other names, FIFOs, sockets, devices, dangling links — is counted, never read.
public enum DumpFiles {
    public static func list(dumpRoot: String) throws -> [DumpFile] { try listing(dumpRoot: dumpRoot).files }

    public static func listing(dumpRoot: String) throws -> DumpListing {
        var walk = Walk(root: dumpRoot)
        var st = stat()
        guard stat(dumpRoot + "/events", &st) == 0 else {
            throw DumpError.unreadable(path: "events/", reason: errnoDescription())
        }
        walk.seen.insert(FileIdentity(st))
        try walk.folder("events")
        // Positions pack the file index into 23 bits (see `DumpPosition`).
        if walk.listing.files.count >= 1 << 23 {
            throw DumpError.unreadable(path: "events/", reason: "more than 8,388,607 event files")
        }
        walk.listing.files.sort { $0.relativePath.utf8.lexicographicallyPrecedes($1.relativePath.utf8) }
        return walk.listing
    }

    /// Whether a file name is an event file, and if so whether it is a `.json` array file; the
    /// extensions match whatever their ASCII case.
    public static func kind(ofName name: String) -> (isEventFile: Bool, isJSONArray: Bool) {
        var base = name.utf8.map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }[...]
        func hasSuffix(_ s: String) -> Bool { base.count >= s.utf8.count && base.suffix(s.utf8.count).elementsEqual(s.utf8) }
        if hasSuffix(".gz") { base = base.dropLast(3) }
        if hasSuffix(".ndjson") || hasSuffix(".jsonl") { return (true, false) }
        if hasSuffix(".json") { return (true, true) }
        return (false, false)
    }

    private struct Walk {
        let root: String
        var listing = DumpListing()
        /// Every folder and file met so far.
        var seen: Set<FileIdentity> = []

        init(root: String) { self.root = root }

        mutating func folder(_ relative: String) throws {
            for name in try entries(relative) {
                let childRelative = relative + "/" + name
                let kind = DumpFiles.kind(ofName: name)
                var st = stat()
                guard stat(root + "/" + childRelative, &st) == 0 else {
                    // A dangling link or a file gone: an event file that cannot be read fails the
                    // dump; anything else is one more file not read.
                    if kind.isEventFile { throw DumpError.unreadable(path: childRelative, reason: errnoDescription()) }
                    other(childRelative)
                    continue
                }
                switch st.st_mode & S_IFMT {
                case S_IFDIR:
                    if seen.insert(FileIdentity(st)).inserted { try folder(childRelative) }
                case S_IFREG:
                    guard seen.insert(FileIdentity(st)).inserted else { continue }
                    if kind.isEventFile {
                        listing.files.append(DumpFile(relativePath: childRelative, absolutePath: root + "/" + childRelative,
                                                      isJSONArray: kind.isJSONArray, identity: FileIdentity(st)))
                    } else {
                        other(childRelative)
                    }
                default:
                    other(childRelative)
                }
            }
        }

        private mutating func other(_ relative: String) {
            listing.otherFiles += 1
            if listing.firstOtherFile.map({ relative.utf8.lexicographicallyPrecedes($0.utf8) }) ?? true {
                listing.firstOtherFile = relative
            }
        }

        /// The names in a folder (without `.` and `..`), in byte-wise order.
        private func entries(_ relative: String) throws -> [String] {
            guard let dir = opendir(root + "/" + relative) else {
                throw DumpError.unreadable(path: relative + "/", reason: errnoDescription())
            }
            defer { closedir(dir) }
            var names: [String] = []
            while let entry = readdir(dir) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                    String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
                }
                if name != "." && name != ".." { names.append(name) }
            }
            return names.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        }
    }
}

