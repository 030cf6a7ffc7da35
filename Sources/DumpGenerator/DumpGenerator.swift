import Bytes
import Dispatch
import FoundationEssentials
import Timestamps
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Synthetic dumps for the demo, the tests and the benchmarks (`stepexport generate`, SPEC §8).
///
/// A dump is `workflows.json`, NDJSON event files under `events/YYYY/MM/DD-NNNN.ndjson` (one or
/// more per day, at most `eventsPerFile` events each) and `requests/` with ready request payloads.
/// The same event count and seed give the same bytes: all randomness comes from a seeded
/// xoshiro256**, never from the system.
///
/// Shape (see `Benchmarks/README.md` and the generated `requests/README.md`):
/// - three organizations, 19 workflows, every type several times; flows of 1–6 steps whose
///   step identifiers (page_url / view_uid / action) come from 1–3 fixed alternatives per step,
///   so `step_data` paths select real flows;
/// - one high-volume workflow (Acme's "Chat button impressions", type chat): each event slot is
///   one of its step-1 events with probability 0.925, so at 200k events ~185k of them sit at
///   that one workflow step — the `write-heavy` request selects them all;
/// - goal events for visitors who completed (60 %) or left (5 %) a flow, and some without one;
/// - a little noise: other categories, and events of a deleted workflow.
public enum DumpGenerator {
    public struct Options: Sendable {
        public var events: Int
        public var seed: UInt64
        /// At most this many events per file (files also end at each UTC day).
        public var eventsPerFile: Int = 50_000
        /// The events' order in the files; the events are the same in every layout.
        public var layout: DumpLayout = .time
        /// Spread the events over this many files (several folders deep); nil: one or more files a
        /// day in the time layout, one file in the others.
        public var files: Int?
        /// Write each event file gzip-compressed (`.ndjson.gz`).
        public var gzip = false
        /// Write each event file as one JSON array (`.json`) instead of NDJSON.
        public var array = false

        public init(events: Int, seed: UInt64) {
            self.events = events
            self.seed = seed
        }
    }

    /// What `generate` wrote.
    public struct Report: Sendable {
        public let events: Int
        public let seed: UInt64
        /// Event files, relative to the dump folder, in dump order.
        public let files: [String]
        /// Bytes of all event files.
        public let bytes: Int
        public let seconds: Double
        public let workflows: [GeneratedWorkflow]
        public let requests: [GeneratedRequest]
        /// Event count per workflow type (workflow events only).
        public let eventsPerType: [WorkflowKind: Int]
    }

    public enum Failure: Error, CustomStringConvertible {
        case notEmpty(String)
        case io(String)
        public var description: String {
            switch self {
            case .notEmpty(let path): return "\(path) already holds a dump (workflows.json, events/ or requests/); use --force to replace it"
            case .io(let reason): return reason
            }
        }
    }

    /// The catalog of a seed (it does not depend on the event count).
    public static func workflows(seed: UInt64) -> [GeneratedWorkflow] { World(seed: seed).publicWorkflows }

    /// The event lines of a dump, all files concatenated, in memory (for benchmarks and tests).
    public static func ndjson(events: Int, seed: UInt64) -> [UInt8] {
        let stream = EventStream(world: World(seed: seed), count: events, seed: seed)
        let out = ByteBuffer(capacity: max(events, 1) * 900)
        while stream.index < events { stream.next(into: out) }
        return withExtendedLifetime(out) { Array(out.readable) }
    }

    /// Writes a dump into `directory` (created if missing). Existing dump parts there are an
    /// error unless `replace`, which removes `workflows.json`, `events/` and `requests/` first.
    @discardableResult
    public static func generate(_ options: Options, to directory: String, replace: Bool = false) throws -> Report {
        precondition(options.events >= 1 && options.eventsPerFile >= 1)
        let started = DispatchTime.now().uptimeNanoseconds
        let fm = FileManager.default
        let root = URL(fileURLWithPath: directory)
        let parts = ["workflows.json", "events", "requests"]
        for part in parts where fm.fileExists(atPath: root.appendingPathComponent(part).path) {
            guard replace else { throw Failure.notEmpty(directory) }
            try fm.removeItem(at: root.appendingPathComponent(part))
        }
        try fm.createDirectory(at: root, withIntermediateDirectories: true)

        let world = World(seed: options.seed)
        try write(world.catalogJSON(), to: root.appendingPathComponent("workflows.json"))

        let stream = EventStream(world: world, count: options.events, seed: options.seed)
        let (files, bytes) = options.layout == .time && options.files == nil && !options.gzip && !options.array
            ? try writePlain(stream, options: options, root: root)
            : try LayoutWriter(layout: options.layout, files: options.files, gzip: options.gzip, array: options.array,
                               seed: options.seed)
                .write(stream, count: options.events, eventsPerFile: options.eventsPerFile, root: root)

        let requests = makeRequests(world: world, tally: stream.tally)
        try writeRequests(requests, world: world, options: options, to: root.appendingPathComponent("requests"))
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        return Report(events: options.events, seed: options.seed, files: files, bytes: bytes, seconds: seconds,
                      workflows: world.publicWorkflows, requests: requests, eventsPerType: stream.tally.eventsPerType)
    }

    /// The time layout in plain NDJSON: the stream's order, a file a day (more when a day has
    /// over `eventsPerFile` events).
    private static func writePlain(_ stream: EventStream, options: Options, root: URL) throws -> (files: [String], bytes: Int) {
        let fm = FileManager.default
        let buffer = ByteBuffer(capacity: 8 << 20)
        var files: [String] = []
        var bytes = 0
        var file: FileOutput? = nil
        var fileDay: Int64 = .min
        var part = 0
        var inFile = 0
        while stream.index < options.events {
            let day = stream.nextDay
            if file == nil || day != fileDay || inFile == options.eventsPerFile {
                if let f = file {
                    try f.write(buffer)
                    bytes += buffer.count
                    buffer.removeAll()
                    try f.close()
                }
                part = day == fileDay ? part + 1 : 0
                fileDay = day
                inFile = 0
                let (y, m, d) = Civil.date(days: day)
                let folder = printfText("events/%04ld/%02ld", y, m)
                let name = folder + printfText("/%02ld-%04ld.ndjson", d, part)
                try fm.createDirectory(at: root.appendingPathComponent(folder), withIntermediateDirectories: true)
                file = try FileOutput(path: root.appendingPathComponent(name).path)
                files.append(name)
            }
            stream.next(into: buffer)
            inFile += 1
            if buffer.count >= 4 << 20 {
                try file!.write(buffer)
                bytes += buffer.count
                buffer.removeAll()
            }
        }
        if let f = file {
            try f.write(buffer)
            bytes += buffer.count
            try f.close()
        }
        return (files, bytes)
    }

    static func write(_ text: String, to url: URL) throws {
        let bytes = ByteBuffer(capacity: text.utf8.count)
        bytes.append(text)
        let file = try FileOutput(path: url.path)
        try file.write(bytes)
        try file.close()
    }
}

/// One event file being written (plain `write(2)`, retried on short writes).
final class FileOutput {
    private let sink: FileDescriptorSink

    init(path: String) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { throw DumpGenerator.Failure.io("Cannot write \(path): \(errnoDescription())") }
        sink = FileDescriptorSink(fd: fd, path: path)
    }

    func write(_ buffer: ByteBuffer) throws {
        do { try sink.write(buffer.readable) } catch { throw DumpGenerator.Failure.io("\(error)") }
    }

    func close() throws {
        #if canImport(Glibc)
        let status = Glibc.close(sink.fd)
        #else
        let status = Darwin.close(sink.fd)
        #endif
        if status != 0 { throw DumpGenerator.Failure.io("Cannot write \(sink.path): \(errnoDescription())") }
    }
}
