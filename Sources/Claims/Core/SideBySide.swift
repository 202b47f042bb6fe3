import Dispatch
import Engine
import Synchronization

extension Sharding {
    /// Runs the units of `claims` on `workers` threads side by side — each unit on one thread (the
    /// last ones, when fewer than `workers` are left, on the idle workers' threads too), in claim order and, within a claim, longest first — and decides each claim from its units'
    /// outcomes (replayed, as `merge` does) as soon as it and every claim before it are complete,
    /// calling `decided(index, result)` in claim order; returns the results and every unit's record
    /// (with its time: `UnitCosts.updated`). Every unit is a pure function of its id, so
    /// the results are those of running the claims one after another.
    ///
    /// `progress(done, total, estimatedSecondsLeft)` is called after each unit; the estimate scales
    /// the recorded costs of the units left by the ratio of time spent to recorded cost so far.
    public static func sideBySide(_ claims: [any Claim], _ run: ClaimRun, workers: Int, cost: (UnitID) -> Double,
                                  progress: (@Sendable (_ done: Int, _ of: Int, _ secondsLeft: Double?) -> Void)? = nil,
                                  decided: @Sendable (_ index: Int, _ result: ClaimResult) -> Void) throws -> (results: [ClaimResult], units: [UnitRecord]) {
        let all = try units(claims, run)
        let index = Dictionary(uniqueKeysWithValues: claims.enumerated().map { ($1.id, $0) })
        let costs = Dictionary(all.map { ($0, cost($0)) }) { a, _ in a }
        let queue = all.sorted { a, b in
            let (i, j) = (index[a.claim]!, index[b.claim]!)
            return i != j ? i < j : costs[a]! != costs[b]! ? costs[a]! > costs[b]! : a < b
        }
        let single = {
            var one = run
            one.parallelism = Parallelism(threads: 1)
            one.progress = nil
            return one
        }()
        let totalCost = costs.values.reduce(0, +)
        let clock = ContinuousClock(), start = clock.now

        struct State {
            var next = 0
            var remaining: [Int]
            var records: [UnitID: UnitRecord] = [:]
            var results: [ClaimResult?]
            var printed = 0
            var deciding = false
            var costDone = 0.0
            var failure: (any Error)?
        }
        let state = Mutex(State(remaining: claims.map { claim in all.filter { $0.claim == claim.id }.count },
                                results: [ClaimResult?](repeating: nil, count: claims.count)))

        /// Decides, in claim order, every complete claim not yet decided (one thread at a time).
        @Sendable func decideReady() {
            while true {
                let ready: (Int, [UnitID: UnitRecord])? = state.withLock { s in
                    guard !s.deciding, s.failure == nil, s.printed < claims.count, s.remaining[s.printed] == 0 else { return nil }
                    s.deciding = true
                    return (s.printed, s.records)
                }
                guard let (i, records) = ready else { return }
                do {
                    let result = try merge([claims[i]], single, records: records)[0]
                    decided(i, result)
                    state.withLock { s in
                        s.results[i] = result
                        s.printed += 1
                        s.deciding = false
                    }
                } catch {
                    state.withLock { s in
                        s.failure = s.failure ?? error
                        s.deciding = false
                    }
                    return
                }
            }
        }

        DispatchQueue.concurrentPerform(iterations: max(1, workers)) { _ in
            // A unit popped when fewer units than workers are left gets the idle workers' threads.
            while let (unit, threads) = state.withLock({ s -> (UnitID, Int)? in
                guard s.failure == nil, s.next < queue.count else { return nil }
                defer { s.next += 1 }
                return (queue[s.next], max(1, workers / max(1, min(workers, queue.count - s.next))))
            }) {
                let claim = claims[index[unit.claim]!]
                let found = Mutex<[UnitRecord]>([])
                var threaded = single
                threaded.parallelism = Parallelism(threads: threads)
                do {
                    try execute([claim], threaded, owned: [unit]) { record in found.withLock { $0.append(record) } }
                } catch {
                    state.withLock { $0.failure = $0.failure ?? error }
                    return
                }
                let report: (Int, Double?) = state.withLock { s in
                    for record in found.withLock({ $0 }) { s.records[record.unit] = record }
                    s.remaining[index[unit.claim]!] -= 1
                    s.costDone += costs[unit]!
                    let spent = (clock.now - start).inSeconds
                    let left = s.costDone > 0 ? spent / s.costDone * (totalCost - s.costDone) : nil
                    return (s.records.count, left)
                }
                progress?(report.0, all.count, report.1)
                decideReady()
            }
        }
        decideReady()
        let (results, records, failure) = state.withLock { ($0.results, $0.records, $0.failure) }
        if let failure { throw failure }
        return (results.map { $0! }, records.values.sorted { $0.unit < $1.unit })
    }
}
