/// A chain of modules applied in order (`torch.nn.Sequential`): `forward` feeds each
/// child's output to the next. Children are named `"0"`, `"1"`, … or by the given names.
///
/// ```swift
/// let model = Sequential(
///     Flatten(),
///     Linear(inFeatures: 784, outFeatures: 10)
/// )
/// let named = Sequential([
///     ("flat", Flatten()),
///     ("hidden", Linear(inFeatures: 784, outFeatures: 10)),
/// ])
/// model[1]        // the Linear layer
/// ```
open class Sequential: Module, Sequence {
    /// An empty sequence; add layers with `append(_:)` or `addModule(_:_:)`.
    public override init() { super.init() }

    /// The given modules, named `"0"`, `"1"`, … in order.
    public convenience init(_ modules: Module...) { self.init(modules) }

    /// The given modules, named `"0"`, `"1"`, … in order.
    public init(_ modules: [Module]) {
        super.init()
        for m in modules { append(m) }
    }

    /// The given modules under the given names, in order (PyTorch's `OrderedDict` form).
    public init(_ namedModules: [(String, Module)]) {
        super.init()
        for (n, m) in namedModules { addModule(n, m) }
    }

    /// The given modules under the given names, in order: `Sequential(["fc": Linear(...), "act": ReLU()])`.
    public convenience init(_ namedModules: KeyValuePairs<String, Module>) {
        self.init(namedModules.map { ($0.key, $0.value) })
    }

    /// The modules in order.
    var items: [Module] {
        registeredModules.compactMap { e in
            e.value.map { m in
                guard let unary = m as? Module else {
                    torchCheck(false, "Sequential: the child '\(e.name)' (\(m.typeName)) does not take and return one tensor")
                    fatalError()
                }
                return unary
            }
        }
    }

    /// The number of modules.
    public var count: Int { items.count }

    /// The module at `index` (negative counts from the end).
    public subscript(index: Int) -> Module {
        get {
            let all = items
            return all[checkedIndex(index, all.count)]
        }
        set {
            let all = items
            let i = checkedIndex(index, all.count)
            let name = registeredModules.first { $0.value === all[i] }!.name
            addModule(name, newValue)
        }
    }

    /// The module at `index` as the type you know it has: `model[1, as: Linear.self].weight`.
    /// Stops with a message naming both types when it is another kind of module.
    public subscript<M: ModuleBase>(index: Int, as type: M.Type) -> M { typedChild(self[index], at: index, as: type) }

    /// A new `Sequential` holding the modules in `range`, keeping their names.
    public subscript(range: Range<Int>) -> Sequential {
        let names = registeredModules.compactMap { e in e.value.map { _ in e.name } }
        return Sequential(Array(Array(zip(names, items))[range]))
    }

    /// Appends `module` under the next index name. Returns the sequence.
    @discardableResult
    public func append(_ module: Module) -> Self {
        addModule(String(registeredModules.count), module)
        return self
    }

    /// Appends each of `modules`. Returns the sequence.
    @discardableResult
    public func extend(_ modules: [Module]) -> Self {
        for m in modules { append(m) }
        return self
    }

    public func makeIterator() -> IndexingIterator<[Module]> { items.makeIterator() }

    open override func forward(_ input: Tensor) -> Tensor {
        var x = input
        for m in items { x = m(x) }
        return x
    }
}

/// `module` as `M`, or a stop naming what it is instead (the typed subscripts of the containers).
func typedChild<M: ModuleBase>(_ module: ModuleBase, at key: some CustomStringConvertible, as _: M.Type) -> M {
    guard let typed = module as? M else {
        torchCheck(false, "the child module \(key) is \(module.typeName), not \(String(describing: M.self))")
        fatalError()
    }
    return typed
}

/// Checks a possibly negative index into a container of `count` elements.
func checkedIndex(_ index: Int, _ count: Int) -> Int {
    torchCheck(index >= -count && index < count, "index \(index) is out of range")
    return index < 0 ? index + count : index
}

/// A list of modules whose parameters are registered (`torch.nn.ModuleList`): hold a
/// variable number of layers and call them in your own `forward`. `Element` is what the
/// list holds, inferred from the modules given (`ModuleList<Module>()` for an empty list of
/// any one-tensor modules), so its elements can be called as they are.
///
/// ```swift
/// final class MLP: Module {
///     let layers = ModuleList((0..<3).map { _ in Linear(inFeatures: 8, outFeatures: 8) })
///     override func forward(_ x: Tensor) -> Tensor { layers.reduce(x) { F.relu($1($0)) } }
/// }
/// ```
open class ModuleList<Element: ModuleBase>: ModuleBase, Sequence {
    /// The given modules, named `"0"`, `"1"`, … in order.
    public init(_ modules: [Element] = []) {
        super.init()
        for m in modules { append(m) }
    }

    var items: [Element] { registeredModules.compactMap { $0.value as? Element } }

    /// The number of modules.
    public var count: Int { registeredModules.count }

    /// The module at `index` (negative counts from the end).
    public subscript(index: Int) -> Element {
        get { registeredModules[checkedIndex(index, count)].value as! Element }
        set { registeredModules[checkedIndex(index, count)].value = newValue }
    }

    /// The module at `index` as the type you know it has: `layers[0, as: Linear.self]`. Stops
    /// with a message naming both types when it is another kind of module.
    public subscript<M: ModuleBase>(index: Int, as type: M.Type) -> M { typedChild(self[index], at: index, as: type) }

    /// Appends `module`. Returns the list.
    @discardableResult
    public func append(_ module: Element) -> Self {
        addModule(String(registeredModules.count), module)
        return self
    }

    /// Appends each of `modules`. Returns the list.
    @discardableResult
    public func extend(_ modules: [Element]) -> Self {
        for m in modules { append(m) }
        return self
    }

    /// Inserts `module` before `index`, renumbering the modules after it.
    public func insert(_ index: Int, _ module: Element) {
        var all = items
        let i = index < 0 ? Swift.max(index + all.count, 0) : Swift.min(index, all.count)
        all.insert(module, at: i)
        registeredModules = all.enumerated().map { (String($0.offset), $0.element as ModuleBase) }
    }

    public func makeIterator() -> IndexingIterator<[Element]> { items.makeIterator() }

    /// PyTorch's (≥ 2.0) layout: runs of identical consecutive children print once as
    /// `(0-2): 3 x Linear(...)`.
    open override var description: String {
        let reprs = items.map(\.description)
        if reprs.isEmpty { return typeName + "()" }
        var blocks: [(start: Int, end: Int, repr: String)] = []
        for (i, r) in reprs.enumerated() {
            if let last = blocks.last, last.repr == r { blocks[blocks.count - 1].end = i } else { blocks.append((i, i, r)) }
        }
        let lines = blocks.map { b in
            indentNested(b.start == b.end ? "(\(b.start)): \(b.repr)" : "(\(b.start)-\(b.end)): \(b.end - b.start + 1) x \(b.repr)", by: 2)
        }
        return typeName + "(\n  " + lines.joined(separator: "\n  ") + "\n)"
    }
}

/// A dictionary of modules whose parameters are registered (`torch.nn.ModuleDict`), in
/// insertion order. `Element` is what it holds, inferred from the modules given.
///
/// ```swift
/// let heads = ModuleDict(["cls": Linear(inFeatures: 8, outFeatures: 10), "box": Linear(inFeatures: 8, outFeatures: 4)])
/// heads["cls"]!(features)
/// ```
open class ModuleDict<Element: ModuleBase>: ModuleBase, Sequence {
    /// The given modules under their names, in order.
    public init(_ modules: [(String, Element)] = []) {
        super.init()
        for (n, m) in modules { addModule(n, m) }
    }

    /// The given modules under their names, in order.
    public convenience init(_ modules: KeyValuePairs<String, Element>) {
        self.init(modules.map { ($0.key, $0.value) })
    }

    /// The module named `key`; assigning adds or replaces it, `nil` removes it.
    public subscript(key: String) -> Element? {
        get { registeredModules.first { $0.name == key }?.value as? Element }
        set {
            if let newValue { addModule(key, newValue) } else { registeredModules.removeAll { $0.name == key } }
        }
    }

    /// The module named `key` as the type you know it has (`heads["cls", as: Linear.self]`), or
    /// nil when no module has that name. Stops with a message naming both types when it is
    /// another kind of module.
    public subscript<M: ModuleBase>(key: String, as type: M.Type) -> M? { self[key].map { typedChild($0, at: key, as: type) } }

    /// The names, in order.
    public var keys: [String] { registeredModules.map(\.name) }
    /// The modules, in order.
    public var values: [Element] { registeredModules.compactMap { $0.value as? Element } }
    /// The number of modules.
    public var count: Int { registeredModules.count }
    /// Whether a module is named `key`.
    public func contains(_ key: String) -> Bool { registeredModules.contains { $0.name == key } }

    /// Removes and returns the module named `key` (PyTorch's `pop`).
    @discardableResult
    public func pop(_ key: String) -> Element? {
        let m = self[key]
        self[key] = nil
        return m
    }

    public func makeIterator() -> IndexingIterator<[(key: String, value: Element)]> {
        registeredModules.compactMap { e in (e.value as? Element).map { (key: e.name, value: $0) } }.makeIterator()
    }
}
