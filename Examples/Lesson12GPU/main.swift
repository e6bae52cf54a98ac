/// Lesson 12 of the course's part 2: training on the GPU.
///
/// The course makes `device` a run parameter and moves the network and each batch there
/// (`network.to(device:)`, `images.to(device:)`) to compare epoch times on the CPU and the
/// GPU. swift-torch has no CUDA backend yet, so this program says so and runs the
/// device-parameterized runs on the CPU only; there is no GPU time to compare.
///
///     swift run Lesson12GPU [--limit N] [--epochs N] [--out DIR]   (1 epoch by default)
import Torch
import TorchVision
import ExampleSupport

let args = ExampleArguments.parse(epochs: 1)

runExample {
    let cuda = Device("cuda")
    print("Device(\"cuda\").isAvailable:", cuda.isAvailable)
    let devices: [RunValue] = cuda.isAvailable ? ["cuda", "cpu"] : ["cpu"]
    if !cuda.isAvailable {
        print("CUDA isn't available in this build of swift-torch (no CUDA backend yet):")
        print("the runs below use device 'cpu' only, so there is no GPU time to compare.")
    }

    let trainSet = try fashionMNIST(train: true, limit: args.limit)
    let out = try args.outputFolder()
    let runs = RunBuilder.runs(["lr": [0.01], "batchSize": [1000, 10000], "numWorkers": [1], "device": devices])

    let manager = RunManager()
    for run in runs {
        let device = Device(run.string("device"))
        manualSeed(50)
        let network = CourseNetwork().to(device: device)
        let loader = DataLoader(trainSet, batchSize: run.int("batchSize"), numWorkers: run.int("numWorkers"))
        let optimizer = Adam(network.parameters(), lr: run.double("lr"))

        try manager.beginRun(run, network: network, loader: loader)
        for _ in 0..<args.epochs {
            manager.beginEpoch()
            try loader.forEach { batch in
                let images = batch.0.to(device: device)
                let labels = batch.1.to(device: device)
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
    let (csv, _) = try manager.save(to: out.appendingPathComponent("results").path)
    print("\nresults saved to \(csv) (and .json)")
}
