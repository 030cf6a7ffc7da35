/// Candidates in blocks of 65,536 (2 MiB): appending never moves what is there, so a list that
/// grows to millions has no moment holding the old and the new copy (as an array has when it
/// doubles), and memory grows with the count, not in powers of two. `takeAll` hands the list
/// over as one array, freeing each block as soon as it is copied.
///
/// The first block grows as an array does, from nothing: a list that keeps a few rows costs a
/// few hundred bytes, not 2 MiB (a batch has one list per job and thread).
struct CandidateList {
    static let blockSize = 1 << 16

    private var blocks: [[Candidate]] = []
    private(set) var count = 0

    mutating func append(_ c: Candidate) {
        if count % CandidateList.blockSize == 0 {
            blocks.append([])
            if count > 0 { blocks[blocks.count - 1].reserveCapacity(CandidateList.blockSize) }
        }
        blocks[blocks.count - 1].append(c)
        count += 1
    }

    /// Every candidate, in the order appended, with its index.
    func forEach(_ body: (Int, Candidate) -> Void) {
        var i = 0
        for block in blocks {
            for c in block {
                body(i, c)
                i += 1
            }
        }
    }

    /// All candidates as one array, in order; the list is empty afterwards.
    mutating func takeAll() -> [Candidate] {
        var all: [Candidate] = []
        all.reserveCapacity(count)
        for i in blocks.indices {
            all.append(contentsOf: blocks[i])
            blocks[i] = []
        }
        blocks = []
        count = 0
        return all
    }
}
