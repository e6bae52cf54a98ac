import TorchCore
import TorchNN
import TorchData

/// The number of predictions whose highest-scoring class is the label (the course's
/// `get_num_correct`): `preds.argmax(dim: 1).eq(labels).sum().item()`.
///
/// - Parameters:
///   - preds: scores `[N, C]` (logits or probabilities).
///   - labels: class indices `[N]`.
///
/// ```swift
/// let correct = getNumCorrect(network(images), labels)   // e.g. 87 of 100
/// ```
public func getNumCorrect(_ preds: Tensor, _ labels: Tensor) -> Int {
    torchCheck(preds.rank == 2, "getNumCorrect: expected predictions of shape [N, C] but got \(preds.shape)")
    torchCheck(labels.rank == 1 && labels.shape[0] == preds.shape[0],
               "getNumCorrect: expected labels of shape [\(preds.shape[0])] but got \(labels.shape)")
    return noGrad { preds.argmax(dim: 1).eq(labels).sum().item() }
}

/// The model's predictions for every batch of one pass over `loader`, joined with
/// `Tensor.cat` into one `[N, C]` tensor (the course's `get_all_preds`).
///
/// Runs without gradient tracking (`noGrad`) and leaves the model's training/eval mode as
/// it is: call `model.eval()` first for batch norm or dropout models. Throws the error of a
/// batch that fails to load.
///
/// ```swift
/// let loader = DataLoader(trainSet, batchSize: 1000)
/// let preds = try allPredictions(network, loader)   // [60000, 10]
/// ```
public func allPredictions<D: Dataset>(_ model: Module, _ loader: DataLoader<D, (Tensor, Tensor)>) throws -> Tensor {
    try allPredictionsAndTargets(model, loader).predictions
}

/// The model's predictions for one pass over `loader` and the targets they belong to, each
/// joined across batches (`[N, C]` and `[N]`), without gradient tracking.
///
/// With a shuffling loader the targets still line up with the predictions. A loader with
/// no batches gives two empty tensors.
///
/// ```swift
/// let (preds, targets) = try allPredictionsAndTargets(network, testLoader)
/// let matrix = ConfusionMatrix(predictions: preds, labels: targets, classes: FashionMNIST.classes)
/// ```
public func allPredictionsAndTargets<D: Dataset>(_ model: Module, _ loader: DataLoader<D, (Tensor, Tensor)>)
    throws -> (predictions: Tensor, targets: Tensor) {
    var batches = loader.batches()
    return try allPredictionsAndTargets(model) { try batches.next() }
}

/// The model's predictions and the targets for a sequence of `(inputs, targets)` batches,
/// each joined across batches, without gradient tracking.
///
/// ```swift
/// let batches = [(images, labels)]
/// let (preds, targets) = allPredictionsAndTargets(network, batches)
/// ```
public func allPredictionsAndTargets<S: Sequence>(_ model: Module, _ batches: S)
    -> (predictions: Tensor, targets: Tensor) where S.Element == (Tensor, Tensor) {
    var iterator = batches.makeIterator()
    // The closure never throws, so neither does the call.
    return try! allPredictionsAndTargets(model) { iterator.next() }
}

private func allPredictionsAndTargets(_ model: Module, next: () throws -> (Tensor, Tensor)?) throws
    -> (predictions: Tensor, targets: Tensor) {
    var predictions: [Tensor] = [], targets: [Tensor] = []
    try noGrad {
        while let (inputs, labels) = try next() {
            predictions.append(model(inputs))
            targets.append(labels)
        }
    }
    guard !predictions.isEmpty else { return (Tensor.zeros([0]), Tensor.zeros([0], dtype: .int64)) }
    return (Tensor.cat(predictions), Tensor.cat(targets))
}
