import Torch

/// Trains `network` for `epochs` epochs as one run of `manager`, with the training loop of
/// lesson 10: Adam at the run's `lr`, cross entropy, and the loss and number correct of
/// every batch tracked. Lessons 11, 13 and 16 vary what goes into the run, not the loop.
public func trainRun<D: Dataset>(_ run: Run, network: Module, loader: DataLoader<D, (Tensor, Tensor)>,
                                 epochs: Int, manager: RunManager) throws {
    let optimizer = Adam(network.parameters(), lr: run.double("lr"))
    try manager.beginRun(run, network: network, loader: loader)
    for _ in 0..<epochs {
        manager.beginEpoch()
        try loader.forEach { images, labels in
            let preds = network(images)
            let loss = F.crossEntropy(preds, labels)
            optimizer.zeroGrad()
            loss.backward()
            optimizer.step()
            manager.trackLoss(loss, batchSize: images.shape[0])
            manager.trackNumCorrect(preds: preds, labels: labels)
        }
        try manager.endEpoch()
    }
    try manager.endRun()
}
