import Synchronization

/// The base class of every layer and network (`torch.nn.Module`).
///
/// Subclass it, declare layers and parameters as stored properties, and override
/// `forward(_:)`. Parameters (`Parameter` and `Parameter?` properties) and children
/// (`Module` and optional `Module` properties) are found by reflection, in declaration
/// order, and named after the properties, so `fc1`'s weight is `fc1.weight`, as when
/// assigning attributes in PyTorch. `registerParameter`, `registerBuffer` and `addModule`
/// add members explicitly (by name, at run time); those come before the reflected ones.
///
/// ```swift
/// final class Network: Module {
///     let fc1 = Linear(inFeatures: 4, outFeatures: 8)
///     let out = Linear(inFeatures: 8, outFeatures: 2)
///     override func forward(_ t: Tensor) -> Tensor { out(F.relu(fc1(t))) }
/// }
/// let net = Network()
/// net.namedParameters().map(\.name)   // ["fc1.weight", "fc1.bias", "out.weight", "out.bias"]
/// let y = net(Tensor.randn([5, 4]))    // shape [5, 2]
/// ```
///
/// A parameter declared as a stored property cannot be replaced by `to(dtype:)`; give it a
/// computed property over `registerParameter`/`getParameter` (as the built-in layers do)
/// when the module must change dtype.
open class Module: CustomStringConvertible {
    /// Whether the module is in training mode (`train()`) or evaluation mode (`eval()`);
    /// layers such as dropout and batch norm behave differently in each.
    public var training: Bool = true

    // Explicitly registered members, in registration order (PyTorch's `_parameters`,
    // `_buffers`, `_modules`). A nil value is a registered but absent member.
    var registeredParameters: [(name: String, value: Parameter?)] = []
    var registeredBuffers: [(name: String, value: Tensor?, persistent: Bool)] = []
    var registeredModules: [(name: String, value: Module?)] = []
    var forwardPreHooks: [(id: Int, hook: (Module, Tensor) -> Tensor?)] = []
    var forwardHooks: [(id: Int, hook: (Module, Tensor, Tensor) -> Tensor?)] = []
    private static let hookIDs = HookIDs()

    public init() {}

    // MARK: - Forward

    /// The computation of the module; subclasses override it. Call the module itself
    /// (`module(x)`) rather than `forward`, so that hooks run.
    open func forward(_ input: Tensor) -> Tensor {
        torchCheck(false, "Module [\(typeName)] is missing the required \"forward\" function")
        return input
    }

    /// Runs the forward pre-hooks, `forward(_:)`, then the forward hooks.
    public func callAsFunction(_ input: Tensor) -> Tensor {
        if forwardPreHooks.isEmpty && forwardHooks.isEmpty { return forward(input) }
        var x = input
        for (_, hook) in forwardPreHooks { if let r = hook(self, x) { x = r } }
        var y = forward(x)
        for (_, hook) in forwardHooks { if let r = hook(self, x, y) { y = r } }
        return y
    }

    /// Registers `hook(module, input)`, called before `forward`; a non-nil result replaces
    /// the input. Returns a handle whose `remove()` unregisters it.
    @discardableResult
    public func registerForwardPreHook(_ hook: @escaping (Module, Tensor) -> Tensor?) -> RemovableHandle {
        let id = Module.hookIDs.next()
        forwardPreHooks.append((id, hook))
        return RemovableHandle { [weak self] in self?.forwardPreHooks.removeAll { $0.id == id } }
    }

    /// Registers `hook(module, input, output)`, called after `forward`; a non-nil result
    /// replaces the output. Returns a handle whose `remove()` unregisters it.
    @discardableResult
    public func registerForwardHook(_ hook: @escaping (Module, Tensor, Tensor) -> Tensor?) -> RemovableHandle {
        let id = Module.hookIDs.next()
        forwardHooks.append((id, hook))
        return RemovableHandle { [weak self] in self?.forwardHooks.removeAll { $0.id == id } }
    }

    // MARK: - Registration

    /// Adds (or replaces) the parameter `name`; `nil` registers an absent parameter
    /// (like `bias=False`), which is skipped by `parameters()` and `stateDict()`.
    public func registerParameter(_ name: String, _ parameter: Parameter?) {
        checkMemberName(name, "parameter")
        if let i = registeredParameters.firstIndex(where: { $0.name == name }) {
            registeredParameters[i].value = parameter
        } else {
            registeredParameters.append((name, parameter))
        }
    }

    /// Adds (or replaces) the buffer `name`: state that is not learned, such as batch norm's
    /// running mean. Persistent buffers are saved in `stateDict()`.
    public func registerBuffer(_ name: String, _ tensor: Tensor?, persistent: Bool = true) {
        checkMemberName(name, "buffer")
        if let i = registeredBuffers.firstIndex(where: { $0.name == name }) {
            registeredBuffers[i] = (name, tensor, persistent)
        } else {
            registeredBuffers.append((name, tensor, persistent))
        }
    }

    /// Adds (or replaces) the child module `name` (PyTorch's `add_module`).
    public func addModule(_ name: String, _ module: Module?) {
        checkMemberName(name, "module")
        if let i = registeredModules.firstIndex(where: { $0.name == name }) {
            registeredModules[i].value = module
        } else {
            registeredModules.append((name, module))
        }
    }

    /// Same as `addModule(_:_:)` (PyTorch's `register_module`).
    public func registerModule(_ name: String, _ module: Module?) { addModule(name, module) }

    private func checkMemberName(_ name: String, _ kind: String) {
        torchCheck(!name.isEmpty, "\(kind) name can't be empty string \"\"")
        torchCheck(!name.contains("."), "\(kind) name can't contain \".\", got: \(name)")
    }

    /// The parameter at the dotted path `target` (`"fc1.weight"`), or nil.
    public func getParameter(_ target: String) -> Parameter? {
        let (owner, name) = resolve(target)
        return owner?.localParameters().first { $0.name == name }?.value
    }

    /// The buffer at the dotted path `target` (`"bn.running_mean"`), or nil.
    public func getBuffer(_ target: String) -> Tensor? {
        let (owner, name) = resolve(target)
        return owner?.registeredBuffers.first { $0.name == name }?.value
    }

    /// The submodule at the dotted path `target` (`"features.0"`); `""` is the module itself.
    public func getSubmodule(_ target: String) -> Module? {
        if target.isEmpty { return self }
        var m: Module = self
        for part in target.split(separator: ".", omittingEmptySubsequences: false) {
            guard let c = m.localChildren().first(where: { $0.name == part })?.value else { return nil }
            m = c
        }
        return m
    }

    private func resolve(_ target: String) -> (Module?, String) {
        guard let dot = target.lastIndex(of: ".") else { return (self, target) }
        return (getSubmodule(String(target[..<dot])), String(target[target.index(after: dot)...]))
    }

    // MARK: - Members of this module

    /// This module's own parameters: registered ones, then stored properties.
    func localParameters() -> [(name: String, value: Parameter)] {
        var result = registeredParameters.compactMap { e in e.value.map { (e.name, $0) } }
        forEachStoredMember { name, value in
            if let p = value as? Parameter { result.append((name, p)) }
        }
        return result
    }

    /// This module's own children: registered ones, then stored properties.
    func localChildren() -> [(name: String, value: Module)] {
        var result = registeredModules.compactMap { e in e.value.map { (e.name, $0) } }
        forEachStoredMember { name, value in
            if let m = value as? Module { result.append((name, m)) }
        }
        return result
    }

    /// Calls `body` with the label and value of each stored property declared by a subclass,
    /// superclass levels first, each in declaration order.
    private func forEachStoredMember(_ body: (String, Any) -> Void) {
        var levels: [Mirror] = []
        var mirror: Mirror? = Mirror(reflecting: self)
        while let m = mirror, m.subjectType != Module.self {
            levels.append(m)
            mirror = m.superclassMirror
        }
        for level in levels.reversed() {
            for child in level.children {
                // Skip unnamed and compiler-made storage (`lazy var` is `$__lazy_storage_$_x`).
                guard let label = child.label, !label.hasPrefix("$") else { continue }
                body(label, child.value)
            }
        }
    }

    // MARK: - Traversal

    /// The parameters of this module and (with `recurse`) of its submodules, each once.
    public func parameters(recurse: Bool = true) -> [Parameter] {
        namedParameters(recurse: recurse).map(\.parameter)
    }

    /// `(name, parameter)` pairs with dotted names (`"fc1.weight"`), each parameter once,
    /// in PyTorch's order: a module's own parameters, then its children's, depth first.
    public func namedParameters(prefix: String = "", recurse: Bool = true, removeDuplicate: Bool = true) -> [(name: String, parameter: Parameter)] {
        var seen = Set<ObjectIdentifier>()
        var result: [(name: String, parameter: Parameter)] = []
        let mods = recurse ? namedModules(prefix: prefix, removeDuplicate: removeDuplicate) : [(prefix, self)]
        for (mp, m) in mods {
            for (n, p) in m.localParameters() {
                if removeDuplicate && !seen.insert(ObjectIdentifier(p)).inserted { continue }
                result.append((mp.isEmpty ? n : mp + "." + n, p))
            }
        }
        return result
    }

    /// The buffers of this module and (with `recurse`) of its submodules.
    public func buffers(recurse: Bool = true) -> [Tensor] {
        namedBuffers(recurse: recurse).map(\.buffer)
    }

    /// `(name, buffer)` pairs with dotted names (`"bn.running_mean"`), each buffer once.
    public func namedBuffers(prefix: String = "", recurse: Bool = true, removeDuplicate: Bool = true) -> [(name: String, buffer: Tensor)] {
        var seen = Set<ObjectIdentifier>()
        var result: [(name: String, buffer: Tensor)] = []
        let mods = recurse ? namedModules(prefix: prefix, removeDuplicate: removeDuplicate) : [(prefix, self)]
        for (mp, m) in mods {
            for b in m.registeredBuffers {
                guard let t = b.value else { continue }
                if removeDuplicate && !seen.insert(ObjectIdentifier(t)).inserted { continue }
                result.append((mp.isEmpty ? b.name : mp + "." + b.name, t))
            }
        }
        return result
    }

    /// The direct submodules.
    public func children() -> [Module] { namedChildren().map(\.module) }

    /// `(name, module)` pairs of the direct submodules, each module once.
    public func namedChildren() -> [(name: String, module: Module)] {
        var seen = Set<ObjectIdentifier>()
        return localChildren().filter { seen.insert(ObjectIdentifier($0.value)).inserted }.map { ($0.name, $0.value) }
    }

    /// This module and all its submodules, depth first, each once.
    public func modules() -> [Module] { namedModules().map(\.module) }

    /// `(name, module)` pairs of this module (named `prefix`, `""` by default) and all its
    /// submodules with dotted names, depth first, each once.
    public func namedModules(prefix: String = "", removeDuplicate: Bool = true) -> [(name: String, module: Module)] {
        var seen = Set<ObjectIdentifier>()
        var result: [(name: String, module: Module)] = []
        func visit(_ m: Module, _ p: String) {
            if removeDuplicate && !seen.insert(ObjectIdentifier(m)).inserted { return }
            result.append((p, m))
            for (n, c) in m.localChildren() { visit(c, p.isEmpty ? n : p + "." + n) }
        }
        visit(self, prefix)
        return result
    }

    /// Calls `fn` on every submodule (children first, depth first) and then on this module;
    /// typically used to initialize weights. Returns the module.
    @discardableResult
    public func apply(_ fn: (Module) -> Void) -> Self {
        for c in children() { c.apply(fn) }
        fn(self)
        return self
    }

    // MARK: - Modes, gradients, conversion

    /// Sets training mode (`true`) or evaluation mode (`false`) on this module and all its
    /// submodules. Returns the module.
    @discardableResult
    public func train(_ mode: Bool = true) -> Self {
        training = mode
        for c in children() { c.train(mode) }
        return self
    }

    /// Sets evaluation mode, same as `train(false)`. Returns the module.
    @discardableResult
    public func eval() -> Self { train(false) }

    /// Clears the gradients of all parameters: sets them to nil (`setToNone`, the default)
    /// or fills them with zeros.
    public func zeroGrad(setToNone: Bool = true) {
        for p in parameters() {
            guard let g = p.grad else { continue }
            if setToNone { p.grad = nil } else { noGrad { _ = g.detach().zero_() } }
        }
    }

    /// Converts the floating-point parameters and buffers of this module and its submodules
    /// to `dtype` (integer buffers such as `num_batches_tracked` are left alone). Parameters
    /// are replaced by new `Parameter` objects, so create optimizers after converting.
    @discardableResult
    public func to(dtype: DType) -> Self {
        torchCheck(dtype.isFloatingPoint, "nn.Module.to only accepts floating point or complex dtypes, but got desired dtype=\(dtype)")
        for m in modules() {
            for i in m.registeredParameters.indices {
                guard let p = m.registeredParameters[i].value, p.dtype.isFloatingPoint, p.dtype != dtype else { continue }
                let q = Parameter(noGrad { p.detach().to(dtype: dtype) }, requiresGrad: p.requiresGrad)
                if let g = p.grad { q.grad = g.to(dtype: dtype) }
                m.registeredParameters[i].value = q
            }
            m.forEachStoredMember { name, value in
                guard let p = value as? Parameter else { return }
                torchCheck(!p.dtype.isFloatingPoint || p.dtype == dtype,
                           "Module.to(dtype:): the parameter '\(name)' of \(m.typeName) is a stored property and cannot be replaced; register it with registerParameter(\"\(name)\", ...) and read it through getParameter(\"\(name)\") instead")
            }
            for i in m.registeredBuffers.indices {
                guard let b = m.registeredBuffers[i].value, b.dtype.isFloatingPoint, b.dtype != dtype else { continue }
                m.registeredBuffers[i].value = noGrad { b.to(dtype: dtype) }
            }
        }
        return self
    }

    /// Moves the module to `device`. Only the CPU exists for now: any other device stops
    /// with a message saying so. Returns the module.
    @discardableResult
    public func to(device: Device) -> Self {
        for p in parameters() { _ = p.to(device: device) }
        for b in buffers() { _ = b.to(device: device) }
        if parameters().isEmpty && buffers().isEmpty { _ = Tensor.zeros([0]).to(device: device) }
        return self
    }

    // MARK: - Printing

    /// The class name used when printing (`"Linear"`, `"Network"`).
    open var typeName: String {
        let name = String(describing: type(of: self))
        // Local types print as "Network #1 in ..."; keep the bare name.
        return name.split(separator: " ").first.map(String.init) ?? name
    }

    /// The text between the parentheses of a leaf module's printout, e.g.
    /// `in_features=4, out_features=3, bias=True` for `Linear`; empty by default.
    open func extraRepr() -> String { "" }

    /// PyTorch's `repr(module)`: `Name(` + one `(name): child` line per child, nested
    /// children indented by two spaces + `)`, or `Name(extraRepr)` for a leaf.
    open var description: String {
        let extra = extraRepr()
        let extraLines = extra.isEmpty ? [] : extra.components(separatedBy: "\n")
        let childLines = localChildren().map { "(\($0.name)): " + indentNested($0.value.description, by: 2) }
        let lines = extraLines + childLines
        var s = typeName + "("
        if !lines.isEmpty {
            if extraLines.count == 1 && childLines.isEmpty {
                s += extraLines[0]
            } else {
                s += "\n  " + lines.joined(separator: "\n  ") + "\n"
            }
        }
        return s + ")"
    }
}

/// Indents every line but the first by `n` spaces (PyTorch's `_addindent`).
func indentNested(_ s: String, by n: Int) -> String {
    let lines = s.components(separatedBy: "\n")
    guard lines.count > 1 else { return s }
    let pad = String(repeating: " ", count: n)
    return lines[0] + "\n" + lines.dropFirst().map { pad + $0 }.joined(separator: "\n")
}

/// Hands out hook ids, unique in the process.
final class HookIDs: Sendable {
    private let value = Atomic<Int>(0)
    func next() -> Int { value.add(1, ordering: .relaxed).newValue }
}
