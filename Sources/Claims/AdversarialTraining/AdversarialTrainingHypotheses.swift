import Engine

/// Li & Li's hypotheses for the patch-structured data and the smoothed-ReLU CNN (Proofs/adversarial-training.md),
/// and the non-robust-feature threat model's own conditions (Proofs/adversarial-training.md), each
/// as a condition on a resolved config. Derivations: Proofs/claims/AT.standardTraining.md and the
/// threat-model page.
enum AdversarialTrainingHypotheses {
    typealias Measure = (Hypothesis, (ExperimentConfig) throws -> Double)

    static func patchData(_ config: ExperimentConfig) throws -> PatchStructuredConfig {
        guard case let .patchStructured(data) = config.data else { throw OutOfRegime("Li & Li's theorems are about patch-structured data") }
        return data
    }

    /// q of the smoothed ReLU (the density exponent τ = q); 0 for another activation.
    static func q(_ config: ExperimentConfig) -> Int {
        if case let .smoothedReLU(q, _) = config.network.activation { return q }
        return 0
    }

    /// The data model and the network (Theorems 1 and 2).
    static func model(introducedAfter: String?) -> [Measure] {
        [
            (Hypothesis("smoothed-ReLU network", statement: "F_i(X) = Σ_r Σ_p sReLU(⟨w_{i,r}, x_p⟩), sReLU of degree q ≥ 2",
                        PredicateConstant("q", .atLeast, 2), origin: .paper, reason: "Proofs/adversarial-training.md, Network (the talk's network)",
                        introducedAfter: introducedAfter),
             { Double(q($0)) }),
            (Hypothesis("orthonormal features", statement: "u_1…u_k, v_1…v_k orthonormal (so d ≥ 2k)",
                        PredicateConstant("d/(2k)", .atLeast, 1), origin: .paper, reason: "Proofs/adversarial-training.md, Data",
                        introducedAfter: introducedAfter),
             { let data = try patchData($0); return Double(data.dimension) / Double(2 * data.classes) }),
            (Hypothesis("robust features stronger", statement: "α_p ≫ β_p′ for every (p, p′) ∈ J_R × J_NR",
                        PredicateConstant("min α / max β", .atLeast, 2), origin: .instantiation,
                        reason: "≫ read with the same factor R = 2 as the predicates' ≫ (Proofs/claims/AT.standardTraining.md)",
                        introducedAfter: introducedAfter),
             { let data = try patchData($0); return data.alpha.lower / data.beta.upper }),
            (Hypothesis("non-robust features denser", statement: "∃ τ ≥ 0: Σ_{J_R} α_p^τ ≪ Σ_{J_NR} β_p^τ (τ = q)",
                        PredicateConstant("Σ_{J_NR} E[β^q] / Σ_{J_R} E[α^q]", .atLeast, 2), origin: .instantiation,
                        reason: "≪ read as a factor 2, with τ = q (Proofs/claims/AT.standardTraining.md, written with the derivation)"),
             { config in
                 let data = try patchData(config), q = Double(q(config))
                 return Double(data.nonRobustPatches) * data.beta.meanPower(q) / (Double(data.robustPatches) * data.alpha.meanPower(q))
             }),
        ]
    }

    /// The non-robust-feature threat model (ours; Proofs/adversarial-training.md): the training
    /// attack and the probe move each patch within span{v}, by at least β (else "robust" is vacuous).
    static func threatModel() -> [Measure] {
        func confined(_ name: String, _ attack: KeyPath<ExperimentConfig, AttackConfig>) -> Measure {
            (Hypothesis("\(name) attack within span{v}", statement: "the perturbation of each patch lies in span{v_1 … v_k}",
                        PredicateConstant("\(name) attack confined (1 = yes)", .equals, 1), origin: .instantiation,
                        reason: "the threat model of Proofs/adversarial-training.md: a full-space budget is infeasible for any net of this form"),
             { $0[keyPath: attack].subspace == .nonRobust ? 1 : 0 })
        }
        func erases(_ name: String, _ epsilon: KeyPath<ExperimentConfig, Double>) -> Measure {
            (Hypothesis("\(name) radius erases v", statement: "ε ≥ β: the attacker can erase the non-robust feature",
                        PredicateConstant("\(name) ε/β", .atLeast, 1), origin: .instantiation,
                        reason: "below β the NRF threat model cannot remove v_y, and robustness would be vacuous (Proofs/adversarial-training.md)"),
             { $0[keyPath: epsilon] / (try patchData($0)).beta.upper })
        }
        return [confined("training", \.adversarialTraining.attack), confined("probe", \.robustness.attack),
                erases("training", \.adversarialTraining.epsilon), erases("probe", \.robustness.epsilon)]
    }

    static func ledger(_ measures: [Measure], _ settings: [(name: String, setting: ExperimentConfig)]) throws -> Ledger {
        try Ledger.worstCase(measures, over: settings)
    }
}
