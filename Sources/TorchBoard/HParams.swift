import Foundation
import SwiftProtobuf

/// A hyperparameter's value for ``SummaryWriter/addHparams(_:metrics:runName:)``.
///
/// Literals work directly: `["lr": 0.01, "batch_size": 100, "optimizer": "adam", "shuffle": true]`.
public enum HParamValue: Equatable, Sendable, ExpressibleByFloatLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByStringLiteral, ExpressibleByBooleanLiteral {
    case double(Double)
    case string(String)
    case bool(Bool)
    case int(Int)

    public init(floatLiteral value: Double) { self = .double(value) }
    public init(integerLiteral value: Int) { self = .int(value) }
    public init(stringLiteral value: String) { self = .string(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
}

/// The hparams plugin's three summaries, as `torch.utils.tensorboard.summary.hparams` builds
/// them: the experiment (names and types of the hyperparameters and metrics), the session
/// start (the values) and the session end (status success).
enum HParamsSummaries {
    static let experimentTag = "_hparams_/experiment"
    static let sessionStartTag = "_hparams_/session_start_info"
    static let sessionEndTag = "_hparams_/session_end_info"

    /// Hyperparameters and metrics in name order (a Swift dictionary has no order of its own).
    static func make(_ hparams: [String: HParamValue], metrics: [String: Double]) -> [Tensorboard_Summary] {
        var start = Tensorboard_Hparams_SessionStartInfo()
        var experiment = Tensorboard_Hparams_Experiment()
        for name in hparams.keys.sorted() {
            var value = Google_Protobuf_Value()
            var info = Tensorboard_Hparams_HParamInfo()
            info.name = name
            switch hparams[name]! {
            case let .double(v):
                value.numberValue = v
                info.type = .float64
            case let .int(v):
                value.numberValue = Double(v)
                info.type = .float64
            case let .string(v):
                value.stringValue = v
                info.type = .string
            case let .bool(v):
                value.boolValue = v
                info.type = .bool
            }
            start.hparams[name] = value
            experiment.hparamInfos.append(info)
        }
        experiment.metricInfos = metrics.keys.sorted().map { tag in
            var info = Tensorboard_Hparams_MetricInfo()
            info.name.tag = tag
            return info
        }
        var end = Tensorboard_Hparams_SessionEndInfo()
        end.status = .success

        var experimentData = Tensorboard_Hparams_HParamsPluginData()
        experimentData.experiment = experiment
        var startData = Tensorboard_Hparams_HParamsPluginData()
        startData.sessionStartInfo = start
        var endData = Tensorboard_Hparams_HParamsPluginData()
        endData.sessionEndInfo = end
        return [summary(experimentTag, experimentData), summary(sessionStartTag, startData), summary(sessionEndTag, endData)]
    }

    private static func summary(_ tag: String, _ data: Tensorboard_Hparams_HParamsPluginData) -> Tensorboard_Summary {
        var value = Tensorboard_Summary.Value()
        value.tag = tag
        value.metadata.pluginData.pluginName = "hparams"
        do { value.metadata.pluginData.content = try data.serializedBytes() } catch {
            fatalError("addHparams: the hparams plugin data could not be serialized: \(error)")
        }
        var summary = Tensorboard_Summary()
        summary.value = [value]
        return summary
    }
}
