/// What a process running claims side by side tells the process supervising it, so that a claim
/// which crashes the process (a trap: a failed precondition, an index out of range) becomes an
/// `error` verdict for that claim alone instead of the end of the run.
///
/// The supervisor (`theorycheck verify`) starts the run in a worker process with a journal. Each
/// piece of a claim's work — its planning, each unit, its decision — is announced by `begin` and
/// closed by `end`, and each finished unit's record is handed to `finished`. When the worker dies
/// of a signal, the pieces begun and not ended name the claims that were running; the supervisor
/// runs each of them alone to find the one that crashes, and starts the run again with the
/// finished units as `done` (they are pure functions of their ids, so the results are those of an
/// uninterrupted run) and the crashing claims as `crashed` (their verdict is `error`, naming the
/// signal and the runtime's message).
public struct CrashJournal: Sendable {
    /// Units finished by an earlier worker: not run again.
    public var done: [UnitID: UnitRecord]
    /// Claims that crashed an earlier worker, by id, with what the crash said: decided `error`.
    public var crashed: [String: String]
    /// A piece of `claim`'s work begins ("planning", a unit's id, "deciding").
    public var begin: @Sendable (_ claim: String, _ work: String) -> Void
    /// That piece ended (with or without an error: only a crash leaves it open).
    public var end: @Sendable (_ claim: String, _ work: String) -> Void
    /// A unit finished with this record.
    public var finished: @Sendable (UnitRecord) -> Void

    public init(done: [UnitID: UnitRecord] = [:], crashed: [String: String] = [:],
                begin: @escaping @Sendable (String, String) -> Void, end: @escaping @Sendable (String, String) -> Void,
                finished: @escaping @Sendable (UnitRecord) -> Void) {
        self.done = done
        self.crashed = crashed
        self.begin = begin
        self.end = end
        self.finished = finished
    }
}
