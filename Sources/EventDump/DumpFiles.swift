#if canImport(Glibc)
import Glibc
#endif

/// One event file of a dump.
public struct DumpFile: Sendable, Equatable {
    /// Path relative to the dump folder, `/`-separated, e.g. `events/2022/11/a.ndjson.gz`.
    public let relativePath: String
    public let absolutePath: String
    /// `.json` files hold one array of events; the others one event per line.
    public let isJSONArray: Bool
}

/// Finds the event files of SPEC §1: regular files under `events/`, any depth, named `*.ndjson`,
/// `*.jsonl` or `*.json`, each optionally followed by `.gz`, in byte-wise order of relative path.
/// Other files are not event files and are left alone; symbolic links are not followed, so a
/// link cycle cannot make the walk endless.
public enum DumpFiles {
    public static func list(dumpRoot: String) throws -> [DumpFile] {
        var found: [DumpFile] = []
        try walk(root: dumpRoot, relative: "events", into: &found)
        // Positions pack the file index into 23 bits (see `DumpPosition`).
        if found.count >= 1 << 23 {
            throw DumpError.unreadable(path: "events/", reason: "more than 8,388,607 event files")
        }
        found.sort { $0.relativePath.utf8.lexicographicallyPrecedes($1.relativePath.utf8) }
        return found
    }

    /// Whether a file name is an event file, and if so whether it is a `.json` array file.
    public static func kind(ofName name: String) -> (isEventFile: Bool, isJSONArray: Bool) {
        var base = Substring(name)
        if base.hasSuffix(".gz") { base = base.dropLast(3) }
        if base.hasSuffix(".ndjson") || base.hasSuffix(".jsonl") { return (true, false) }
        if base.hasSuffix(".json") { return (true, true) }
        return (false, false)
    }

    private static func walk(root: String, relative: String, into found: inout [DumpFile]) throws {
        let path = root + "/" + relative
        guard let dir = opendir(path) else {
            throw DumpError.unreadable(path: relative + "/", reason: errnoText())
        }
        defer { closedir(dir) }
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name == "." || name == ".." { continue }
            let childRelative = relative + "/" + name
            var st = stat()
            guard lstat(root + "/" + childRelative, &st) == 0 else {
                throw DumpError.unreadable(path: childRelative, reason: errnoText())
            }
            switch st.st_mode & S_IFMT {
            case S_IFDIR:
                try walk(root: root, relative: childRelative, into: &found)
            case S_IFREG:
                let kind = kind(ofName: name)
                if kind.isEventFile {
                    found.append(DumpFile(relativePath: childRelative, absolutePath: root + "/" + childRelative,
                                          isJSONArray: kind.isJSONArray))
                }
            default:
                continue
            }
        }
    }
}

func errnoText(_ code: Int32 = errno) -> String { String(cString: strerror(code)) }
