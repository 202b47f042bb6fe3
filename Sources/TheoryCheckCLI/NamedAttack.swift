import Engine

/// An attack the `robustness` command can run by name, resolved against a loaded run.
enum NamedAttack {
    /// PGD/FGM/FGSM (optionally within a feature subspace of each patch: the config's `subspaceBasis`).
    case gradient(AttackConfig)
    /// x + ε·s_i·u/‖u‖ (Feature Averaging; s_i the ±1 class sign of sample i).
    case averagedFeature(features: Matrix, positiveClusters: Int, multiclass: Bool)
    /// x_p − ε·v_y on every non-robust patch (Li & Li).
    case negativeNonRobust(features: Matrix, patches: Range<Int>)
    /// Not an attack: each point's exact ℓ2 radius (`ExactRadius`; two-layer ReLU nets) or ℓ∞
    /// radius (`ExactLinfRadius`; binary nets, d ≤ 64).
    case exact(TwoLayerNetwork, norm: AttackConfig.Norm)
    /// Not an attack: certificates — linear bounds (`LinearBoundCertificate`, which include the
    /// interval exclusions) or interval bounds alone (`IntervalCertificate`, `certified-interval`),
    /// ℓ2 per patch in the whole patch space or within span{v_j} (`basis`), or ℓ∞.
    case certified(TwoLayerNetwork, basis: Matrix?, norm: AttackConfig.Norm, linear: Bool)

    static let names = ["exact", "exact-linf", "certified", "certified-interval", "certified-linf", "certified-nrf", "fa-paper", "strong", "pgd-l2", "pgd-linf", "fgm", "fgsm", "averaged-feature", "negative-nonrobust", "nrf-pgd", "rf-pgd"]

    init(_ name: String, run: ExportedRun) throws {
        let config = run.config
        func unavailable(_ needs: String) -> ConfigError {
            ConfigError(field: "--attack", value: name, allowed: "\(name) only for runs on \(needs) (this run: \(config.data.kind.rawValue))")
        }
        func patchFeatures(_ stem: String) throws -> Matrix {
            guard case .patchStructured = config.data, let features = run.features[stem] else { throw unavailable("patch-structured data") }
            return features
        }
        // Gradient attacks on patch data get a budget per patch (Proofs/adversarial-training.md).
        let perPatch = config.data.patches > 1 ? config.data.patchDimension : 0
        switch name {
        case "exact":
            do {
                _ = try run.network.head.outputs == 1 ? ExactRadius(run.network).network : MulticlassExactRadius(run.network).network
                self = .exact(run.network, norm: .l2)
            } catch let error as ExactRadius.NotApplicable {
                throw ConfigError(field: "--attack", value: name, allowed: "exact only for \(error.description.replacingOccurrences(of: "exact radii need ", with: ""))")
            }
        case "exact-linf":
            do {
                _ = try run.network.head.outputs == 1 ? ExactLinfRadius(run.network).network : MulticlassExactRadius(run.network, norm: .linf).network
                self = .exact(run.network, norm: .linf)
            } catch let error as ExactRadius.NotApplicable {
                throw ConfigError(field: "--attack", value: name, allowed: "exact-linf only for \(error.description.replacingOccurrences(of: "exact ℓ∞ radii need ", with: ""))")
            }
        case "certified", "certified-interval", "certified-linf", "certified-nrf":
            guard name != "certified-interval" || IntervalCertificate.applies(to: run.network) else {
                throw ConfigError(field: "--attack", value: name, allowed: "\(name) only for nets with a nondecreasing activation (this run: \(run.network.activation))")
            }
            self = .certified(run.network, basis: name == "certified-nrf" ? try patchFeatures("nonrobust_features") : nil,
                              norm: name == "certified-linf" ? .linf : .l2, linear: name != "certified-interval")
        case "fa-paper": self = .gradient(.faPaper)
        case "strong": self = .gradient(AttackConfig(norm: .l2, steps: 20, stepSizeFactor: 0.25, start: .ball, restarts: 3, objective: .targetedMargin))
        case "pgd-l2": self = .gradient(AttackConfig(norm: .l2, steps: 20, stepSizeFactor: 0.25, start: .ball, objective: .margin))
        case "pgd-linf": self = .gradient(AttackConfig(norm: .linf, steps: 20, stepSizeFactor: 0.25, start: .ball, objective: .margin))
        case "fgm": self = .gradient(.fgm)
        case "fgsm": self = .gradient(.fgsm)
        case "nrf-pgd", "rf-pgd":
            var attack = AttackConfig(norm: .l2, steps: 20, stepSizeFactor: 0.25, start: .ball, objective: .targetedMargin,
                                      subspace: name == "nrf-pgd" ? .nonRobust : .robust)
            attack.subspaceBasis = try patchFeatures(name == "nrf-pgd" ? "nonrobust_features" : "robust_features")
            self = .gradient(attack)
        case "averaged-feature":
            guard case let .multiCluster(c) = config.data, let features = run.features["features"] else { throw unavailable("multi-cluster data") }
            self = .averagedFeature(features: features, positiveClusters: c.positiveClusters, multiclass: config.task == .multiclass)
        case "negative-nonrobust":
            guard case let .patchStructured(p) = config.data else { throw unavailable("patch-structured data") }
            self = .negativeNonRobust(features: try patchFeatures("nonrobust_features"), patches: p.robustPatches..<(p.robustPatches + p.nonRobustPatches))
        default: throw ConfigError(field: "--attack", value: name, allowed: NamedAttack.names.joined(separator: ", "))
        }
        if case .gradient(var attack) = self, perPatch > 0 {
            attack.patchDimension = perPatch
            self = .gradient(attack)
        }
    }

    /// Which side of the truth the evaluation's numbers lie on (Proofs/robustness.md, "Two sides").
    var side: RadiusBracket.Side {
        switch self {
        case .exact: .exact
        case .certified: .certified
        default: .attack
        }
    }

    /// The threat model the radii are measured in (evaluations are compared within one only).
    var threat: String {
        switch self {
        case let .exact(_, norm): norm.rawValue
        case let .certified(_, basis, norm, _): norm.rawValue + (basis == nil ? "" : "/patch/non-robust")
        case let .gradient(c):
            c.norm.rawValue + (c.patchDimension > 0 ? "/patch" : "") + (c.subspaceBasis == nil ? "" : "/\(c.subspace.rawValue)")
        case .averagedFeature: "l2"
        case .negativeNonRobust: "l2/patch/non-robust"
        }
    }

    /// The curve over `radii` and each point's radius on this evaluation's side: the exact radius,
    /// the certified one (a lower bound), or the attack's break radius on the grid (an upper bound;
    /// nil where the attack broke the point at no radius of the grid).
    /// For `exact`, `exactRadii` are the points' exact radii with their verification.
    func evaluate(_ run: ExportedRun, _ data: Dataset, radii: [Double], key: PRNGKey,
                  exactRadii: inout [ExactRadius.PointRadius]) throws -> ([RobustAccuracy.Point], [Double?]) {
        let model = run.network
        switch self {
        case let .exact(network, norm):
            exactRadii = try ExactRadius.radii(network, data, norm: norm)
            return (ExactRadius.curve(exactRadii, radii: radii), exactRadii.map(\.lowerRadius))
        case let .certified(network, basis, norm, linear):
            let curve = RobustAccuracy.curve(radii: radii) { _, radius in
                linear ? LinearBoundCertificate.certified(network, data, epsilon: radius, basis: basis, norm: norm)
                       : IntervalCertificate.certified(network, data, epsilon: radius, basis: basis, norm: norm)!
            }
            return (curve, linear ? LinearBoundCertificate.certifiedRadii(network, data, basis: basis, norm: norm)
                                  : IntervalCertificate.certifiedRadii(network, data, basis: basis, norm: norm)!)
        case let .gradient(attack):
            return RobustAccuracy.curveAndBreaks(model, data, radii: radii, attack: attack, trainingLoss: run.config.loss.loss, key: key,
                                                 confirm: confirmation(run))
        case let .averagedFeature(features, positive, multiclass):
            // The cluster-labelled net's sample of cluster j moves like a binary sample of sign(j ∈ J₊).
            let signs = multiclass ? data.labels.map { $0 < positive ? 1 : -1 } : data.labels
            return RobustAccuracy.curveAndBreaks(radii: radii) { _, radius in
                RobustAccuracy.robustSamples(model, data, perturbed: Attacks.averagedFeature(
                    inputs: data.inputs, labels: signs, features: features, positiveClusters: positive, delta: radius))
            }
        case let .negativeNonRobust(features, patches):
            return RobustAccuracy.curveAndBreaks(radii: radii) { _, radius in
                RobustAccuracy.robustSamples(model, data, perturbed: Attacks.negativeNonRobust(
                    inputs: data.inputs, labels: data.labels, nonRobustFeatures: features, patches: patches, epsilon: radius))
            }
        }
    }

    /// The exact confirmation of a gradient attack's breaks, where the network has an exact
    /// forward pass (`BreakConfirmation`); nil otherwise (the breaks are then floating-point decisions).
    func confirmation(_ run: ExportedRun) -> BreakConfirmation? {
        guard case let .gradient(attack) = self else { return nil }
        return BreakConfirmation(run.network, attack: attack)
    }

    var summary: String {
        switch self {
        case let .exact(_, norm): "exact \(norm == .linf ? "ℓ∞" : "ℓ2") radii: branch and bound over activation patterns, each point a bracket proven in exact arithmetic"
        case let .certified(_, basis, norm, linear):
            "\(linear ? "linear-bound" : "interval") certificates (lower bounds), \(norm == .linf ? "ℓ∞" : "ℓ2")" + (basis.map { " per patch within the \($0.rows)-dimensional non-robust subspace" } ?? " per patch")
        case let .gradient(c):
            "\(c.norm.rawValue), \(c.steps) steps of \(c.stepSizeFactor)·ε, start \(c.start.rawValue), \(c.restarts) restart(s), \(c.objective.rawValue)"
                + (c.patchDimension > 0 ? ", ε per patch" : "")
                + (c.subspaceBasis.map { ", within the \($0.rows)-dimensional \(c.subspace.rawValue) subspace per block" } ?? "")
        case .averagedFeature: "model-independent: x + ε·y·u/‖u‖, u = −Σ_{J+} μ_j + Σ_{J−} μ_j"
        case .negativeNonRobust: "model-independent: x_p − ε·v_y on every non-robust patch"
        }
    }

    /// The attack's configuration for robustness.json.
    var record: [String: Any] {
        switch self {
        case let .gradient(c):
            ["kind": c.subspaceBasis == nil ? "pgd" : "subspace-pgd", "norm": c.norm.rawValue, "steps": c.steps, "stepSizeFactor": c.stepSizeFactor,
             "start": c.start.rawValue, "restarts": c.restarts, "objective": c.objective.rawValue, "patchDimension": c.patchDimension,
             "subspace": c.subspace.rawValue, "subspaceDimension": c.subspaceBasis?.rows ?? 0]
        case .averagedFeature: ["kind": "averaged-feature"]
        case .negativeNonRobust: ["kind": "negative-nonrobust"]
        case let .exact(_, norm): ["kind": "exact", "norm": norm.rawValue]
        case let .certified(_, basis, norm, linear): ["kind": linear ? "linear-bound-certificate" : "interval-certificate", "norm": norm.rawValue, "subspaceDimension": basis?.rows ?? 0]
        }
    }
}
