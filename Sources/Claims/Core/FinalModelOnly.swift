import Engine

extension ExperimentConfig {
    /// The config recording its history at step 0 and at the end only (`probeEvery` = `steps`,
    /// by default its own), for a claim that reads the final model alone. The probes observe a run
    /// and never change it (their randomness has its own keys), so the final weights are the same
    /// bits (Proofs/engine.md, "Probes observe"); what is saved is the probes' attacks.
    public func recordingFirstAndLast(of steps: Int? = nil) -> ExperimentConfig {
        var c = self
        c.optimizer.probeEvery = max(1, steps ?? c.optimizer.steps)
        return c
    }
}
