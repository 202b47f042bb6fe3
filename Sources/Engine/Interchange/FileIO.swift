import Foundation
import Synchronization

/// Large reads in parallel pieces (`pread` at disjoint offsets): the kernel's copy from the page
/// cache into the array and the first touch of its fresh pages run at about 1 GB/s on one core
/// here, so a 24.6 MB array is shared by the machine's cores. Bytes are bytes — the array is the
/// same whichever core moved which piece. (Writes in parallel pieces gained nothing: ext4 takes
/// the file's lock for each write — measured, interleaved, 12 rounds.)
enum FileIO {
    /// Pieces of at least 4 MiB; smaller transfers are one piece.
    static let piece = 4 << 20

    static func pieces(_ count: Int) -> Int {
        count >= 2 * piece ? min(ProcessInfo.processInfo.activeProcessorCount, count / piece) : 1
    }

    /// Reads `count` bytes at `offset` of the file into `destination`; false on an error or an
    /// early end of file.
    static func read(_ descriptor: Int32, into destination: UnsafeMutableRawPointer, count: Int, at offset: Int) -> Bool {
        let target = UncheckedSendable(destination)
        return transfer(count) { done, end in pread(descriptor, target.value + done, end - done, off_t(offset + done)) }
    }

    /// Moves bytes [0, count) by `move(done, end)` (bytes moved, or −1 with errno), piece by piece
    /// in parallel, each piece until it is complete; false when a move fails or moves nothing.
    static func transfer(_ count: Int, _ move: @Sendable (Int, Int) -> Int) -> Bool {
        let n = pieces(count)
        let failed = Mutex(false)
        DispatchQueue.concurrentPerform(iterations: n) { k in
            var done = count * k / n
            let end = count * (k + 1) / n
            while done < end {
                let moved = move(done, end)
                if moved <= 0 {
                    if moved < 0 && errno == EINTR { continue }
                    failed.withLock { $0 = true }
                    return
                }
                done += moved
            }
        }
        return !failed.withLock { $0 }
    }
}
