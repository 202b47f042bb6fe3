import Dispatch

/// How many threads the kernels may use. Results never depend on it: every kernel splits only
/// independent outputs between threads and keeps each output's summation order fixed, so a run is
/// bit-identical for any thread count (tested).
public struct Parallelism: Sendable, Hashable {
    public let threads: Int

    public init(threads: Int) {
        precondition(threads >= 1, "threads must be ≥ 1")
        self.threads = threads
    }

    /// One thread per active processor.
    public static let machine = Parallelism(threads: max(1, ProcessorCount.active))
    public static let serial = Parallelism(threads: 1)

    /// Runs `body` on disjoint subranges covering 0..<count, at most `threads` at a time. Subranges
    /// have at least `grain` elements, so small problems stay on one thread.
    public func forEachRange(_ count: Int, grain: Int = 1, _ body: (Range<Int>) -> Void) {
        guard count > 0 else { return }
        let chunks = max(1, min(threads, count / max(grain, 1)))
        if chunks == 1 { body(0..<count); return }
        withoutActuallyEscaping(body) { body in
            // The chunks write disjoint outputs (the kernels' contract), so sharing `body` is safe.
            let task = UncheckedSendable(body)
            DispatchQueue.concurrentPerform(iterations: chunks) { c in
                task.value((count * c / chunks)..<(count * (c + 1) / chunks))
            }
        }
    }

    /// `body(job, share)` for every job in 0..<jobs, up to `threads` jobs side by side, each with
    /// its share of the threads (threads/jobs, the remainder to the first jobs, at least one):
    /// independent jobs — the two nets of an experiment — then overlap one's serial stretches with
    /// the other's work. Each result is what the job gives alone (a thread count changes no bit);
    /// the first error in job order is rethrown once every job has finished.
    public func concurrently<T>(_ jobs: Int, _ body: (Int, Parallelism) throws -> T) throws -> [T] {
        precondition(jobs >= 0, "the number of jobs must be ≥ 0 (got \(jobs))")
        let lanes = min(jobs, threads)
        guard lanes > 1 else { return try (0..<jobs).map { try body($0, self) } }
        var results = [Result<T, Error>?](repeating: nil, count: jobs)
        results.withUnsafeMutableBufferPointer { out in
            withoutActuallyEscaping(body) { body in
                let (task, slots) = (UncheckedSendable(body), UncheckedSendable(out))
                DispatchQueue.concurrentPerform(iterations: lanes) { lane in
                    let share = Parallelism(threads: threads / lanes + (lane < threads % lanes ? 1 : 0))
                    for job in stride(from: lane, to: jobs, by: lanes) {
                        slots.value[job] = Result { try task.value(job, share) }
                    }
                }
            }
        }
        return try results.map { try $0!.get() }
    }
}

struct UncheckedSendable<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}

enum ProcessorCount {
    static var active: Int {
        #if canImport(Glibc)
        return Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))
        #else
        return 1
        #endif
    }
}

#if canImport(Glibc)
import Glibc
#endif
