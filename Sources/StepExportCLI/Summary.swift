import Bytes
import FoundationEssentials
import StepExport
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The one line a successful export prints on standard error (SPEC §8), its numbers in the
/// progress line's style (`NumberStyle`).
enum Summary {
    static func line(for r: ExportResult) -> String {
        var parts = ["\(NumberStyle.grouped(r.rows)) rows", "\(NumberStyle.grouped(r.bytes)) bytes",
                     printfText("%.3f s", r.seconds)]
        if r.cutCells > 0 { parts.append("\(NumberStyle.grouped(r.cutCells)) cells cut at 32,767 characters") }
        if r.skipped > 0 {
            parts.append("\(NumberStyle.grouped(r.skipped)) malformed events skipped, the first at \(r.firstSkipped ?? "?")")
        }
        if r.otherFiles > 0 {
            parts.append("\(r.otherFiles) files under events/ not read (not event files), the first \(r.firstOtherFile ?? "?")")
        }
        let destination = r.path.map { " → \($0)" } ?? ""
        return "stepexport: " + parts.joined(separator: ", ") + destination
    }
}
