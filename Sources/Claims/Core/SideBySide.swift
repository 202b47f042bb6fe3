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
    ///
    /// A claim whose planning, one of whose units, or whose decision throws gets an `error` result
    /// naming the error (`ClaimResult.error`); its remaining units are skipped and every other claim
    /// is decided as usual.
    ///
    /// `journal` lets a supervising process survive a claim that crashes the process (a trap): the
    /// units it lists as done are not run again, the claims it lists as crashed are `error` results
    /// without running, and it is told when each piece of a claim's work begins and ends (`CrashJournal`).
    public static func sideBySide(_ claims: [any Claim], _ run: ClaimRun, workers: Int, cost: (UnitID) -> Double,
                                  journal: CrashJournal? = nil,
                                  progress: (@Sendable (_ done: Int, _ of: Int, _ secondsLeft: Double?) -> Void)? = nil,
                                  decided: @Sendable (_ index: Int, _ result: ClaimResult) -> Void) throws -> (results: [ClaimResult], units: [UnitRecord]) {
        let done = journal?.done ?? [:]
        // Each claim planned on its own: one that throws here is an error result with no units.
        var planned: [UnitID] = [], failed: [Int: String] = [:]
        for (i, claim) in claims.enumerated() {
            if let crash = journal?.crashed[claim.id] { failed[i] = crash; continue }
            journal?.begin(claim.id, "planning")
            do { planned += try units([claim], run) } catch { failed[i] = "planning: \(error)" }
            journal?.end(claim.id, "planning")
        }
        let all = planned.filter { done[$0] == nil }
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
            /// The first error of each claim that threw, by claim index.
            var failed: [Int: String]
        }
        let state = Mutex(State(remaining: claims.map { claim in all.filter { $0.claim == claim.id }.count },
                                records: done, results: [ClaimResult?](repeating: nil, count: claims.count), failed: failed))

        /// Decides, in claim order, every complete claim not yet decided (one thread at a time).
        @Sendable func decideReady() {
            while true {
                let ready: (Int, [UnitID: UnitRecord], String?)? = state.withLock { s in
                    guard !s.deciding, s.printed < claims.count, s.remaining[s.printed] == 0 else { return nil }
                    s.deciding = true
                    return (s.printed, s.records, s.failed[s.printed])
                }
                guard let (i, records, failure) = ready else { return }
                let result: ClaimResult
                if let failure {
                    result = .error(claims[i], single, failure)
                } else {
                    journal?.begin(claims[i].id, "deciding")
                    do { result = try merge([claims[i]], single, records: records)[0] } catch { result = .error(claims[i], single, "\(error)") }
                    journal?.end(claims[i].id, "deciding")
                }
                decided(i, result)
                state.withLock { s in
                    s.results[i] = result
                    s.printed += 1
                    s.deciding = false
                }
            }
        }

        DispatchQueue.concurrentPerform(iterations: max(1, workers)) { _ in
            // A unit popped when fewer units than workers are left gets the idle workers' threads.
            while let (unit, threads) = state.withLock({ s -> (UnitID, Int)? in
                guard s.next < queue.count else { return nil }
                defer { s.next += 1 }
                return (queue[s.next], max(1, workers / max(1, min(workers, queue.count - s.next))))
            }) {
                let claimIndex = index[unit.claim]!, claim = claims[claimIndex]
                let found = Mutex<[UnitRecord]>([])
                var threaded = single
                threaded.parallelism = Parallelism(threads: threads)
                // A claim that has thrown runs no more units; a unit that throws (it records an
                // `error` outcome) marks its claim.
                if state.withLock({ $0.failed[claimIndex] == nil }) {
                    journal?.begin(claim.id, "\(unit)")
                    do {
                        try execute([claim], threaded, owned: [unit]) { record in found.withLock { $0.append(record) } }
                    } catch {
                        state.withLock { $0.failed[claimIndex] = $0.failed[claimIndex] ?? "unit \(unit): \(error)" }
                    }
                    for record in found.withLock({ $0 }) {
                        if case let .error(message) = record.outcome {
                            state.withLock { $0.failed[claimIndex] = $0.failed[claimIndex] ?? "unit \(record.unit): \(message)" }
                        } else {
                            journal?.finished(record)
                        }
                    }
                    journal?.end(claim.id, "\(unit)")
                }
                let report: (Int, Double?) = state.withLock { s in
                    for record in found.withLock({ $0 }) { s.records[record.unit] = record }
                    s.remaining[index[unit.claim]!] -= 1
                    s.costDone += costs[unit]!
                    let spent = (clock.now - start).inSeconds
                    let left = s.costDone > 0 ? spent / s.costDone * (totalCost - s.costDone) : nil
                    return (s.records.count - done.count, left)
                }
                progress?(report.0, all.count, report.1)
                decideReady()
            }
        }
        decideReady()
        let (results, records) = state.withLock { ($0.results, $0.records) }
        return (results.map { $0! }, records.values.sorted { $0.unit < $1.unit })
    }
}
