import Synchronization

/// What every layer and network is built on (`torch.nn.Module`'s machinery): parameters,
/// buffers and children found by reflection, state dicts, `train()`/`eval()`, `to(dtype:)`,
/// printing and forward hooks.
///
/// Networks and one-tensor layers subclass ``Module``, which adds `forward(_:)` on one
/// tensor. Modules whose inputs or outputs are several tensors (`LSTM` returns
/// `(output, (h, c))`, a loss takes an input and a target) subclass `ModuleBase` directly
/// and declare their own `callAsFunction`, so none of them inherits a one-tensor forward
/// that could only fail.
///
/// Parameters (`Parameter` and `Parameter?` properties) and children (module and optional
/// module properties) are found by reflection, in declaration order, and named after the
/// properties, so `fc1`'s weight is `fc1.weight`, as when assigning attributes in PyTorch.
/// `registerParameter`, `registerBuffer` and `addModule` add members explicitly (by name, at
/// run time); those come before the reflected ones.
///
/// A parameter declared as a stored property cannot be replaced by `to(dtype:)`; give it a
/// computed property over `registerParameter`/`getParameter` (as the built-in layers do)
/// when the module must change dtype.
open class ModuleBase: CustomStringConvertible {
    /// Whether the module is in training mode (`train()`) or evaluation mode (`eval()`);
    /// layers such as dropout and batch norm behave differently in each.
    public var training: Bool = true

    // Explicitly registered members, in registration order (PyTorch's `_parameters`,
    // `_buffers`, `_modules`). A nil value is a registered but absent member.
    var registeredParameters: [(name: String, value: Parameter?)] = []
    var registeredBuffers: [(name: String, value: Tensor?, persistent: Bool)] = []
    var registeredModules: [(name: String, value: ModuleBase?)] = []
    var forwardPreHooks: [(id: Int, hook: (ModuleBase, [Tensor]) -> [Tensor]?)] = []
    var forwardHooks: [(id: Int, hook: (ModuleBase, [Tensor], [Tensor]) -> [Tensor]?)] = []
    private static let hookIDs = HookIDs()

    public init() {}

    // MARK: - Forward hooks

    /// Whether any forward hook or pre-hook is registered.
    public var hasForwardHooks: Bool { !forwardPreHooks.isEmpty || !forwardHooks.isEmpty }

    /// Registers `hook(module, inputs)`, called before the forward pass with the tensors the
    /// module was called with, in argument order (absent optional ones left out: PyTorch's
    /// `args`, so a one-tensor module's input is `inputs[0]`); a non-nil result, as many
    /// tensors, replaces them. Returns a handle whose `remove()` unregisters it.
    ///
    /// ```swift
    /// fc.registerForwardPreHook { _, inputs in [inputs[0] * 2] }
    /// ```
    @discardableResult
    public func registerForwardPreHook(_ hook: @escaping (ModuleBase, [Tensor]) -> [Tensor]?) -> RemovableHandle {
        let id = ModuleBase.hookIDs.next()
        forwardPreHooks.append((id, hook))
        return RemovableHandle { [weak self] in self?.forwardPreHooks.removeAll { $0.id == id } }
    }

    /// Registers `hook(module, inputs, outputs)`, called after the forward pass with the
    /// input tensors and the output tensors in order (`LSTM`: output, h, c); a non-nil
    /// result, as many tensors, replaces the outputs. Returns a handle whose `remove()`
    /// unregisters it.
    ///
    /// ```swift
    /// let handle = lstm.registerForwardHook { m, inputs, outputs in
    ///     print(m.typeName, outputs.map(\.shape))   // LSTM [[5, 3, 20], [2, 3, 20], [2, 3, 20]]
    ///     return nil
    /// }
    /// ```
    @discardableResult
    public func registerForwardHook(_ hook: @escaping (ModuleBase, [Tensor], [Tensor]) -> [Tensor]?) -> RemovableHandle {
        let id = ModuleBase.hookIDs.next()
        forwardHooks.append((id, hook))
        return RemovableHandle { [weak self] in self?.forwardHooks.removeAll { $0.id == id } }
    }

    /// Runs `forward` on `inputs` between the forward pre-hooks and hooks: what a module's
    /// `callAsFunction` calls. `flatten` lists an output's tensors for the hooks and
    /// `rebuild` makes an output from such a list when a hook replaces it.
    ///
    /// ```swift
    /// public func callAsFunction(_ a: Tensor, _ b: Tensor) -> Tensor {
    ///     callWithHooks([a, b], { forward($0[0], $0[1]) }, flatten: { [$0] }, rebuild: { $0[0] })
    /// }
    /// ```
    public func callWithHooks<Output>(_ inputs: [Tensor], _ forward: ([Tensor]) -> Output,
                                      flatten: (Output) -> [Tensor], rebuild: ([Tensor]) -> Output) -> Output {
        if !hasForwardHooks { return forward(inputs) }
        var x = inputs
        for (_, hook) in forwardPreHooks {
            guard let r = hook(self, x) else { continue }
            torchCheck(r.count == x.count, "\(typeName): a forward pre-hook returned \(r.count) tensors for \(x.count) inputs")
            x = r
        }
        let y = forward(x)
        if forwardHooks.isEmpty { return y }
        let flat = flatten(y)
        var out = flat
        for (_, hook) in forwardHooks {
            guard let r = hook(self, x, out) else { continue }
            torchCheck(r.count == flat.count, "\(typeName): a forward hook returned \(r.count) tensors for \(flat.count) outputs")
            out = r
        }
        return zip(out, flat).allSatisfy({ $0 === $1 }) ? y : rebuild(out)
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
    public func addModule(_ name: String, _ module: ModuleBase?) {
        checkMemberName(name, "module")
        if let i = registeredModules.firstIndex(where: { $0.name == name }) {
            registeredModules[i].value = module
        } else {
            registeredModules.append((name, module))
        }
    }

    /// Same as `addModule(_:_:)` (PyTorch's `register_module`).
    public func registerModule(_ name: String, _ module: ModuleBase?) { addModule(name, module) }

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
    public func getSubmodule(_ target: String) -> ModuleBase? {
        if target.isEmpty { return self }
        var m: ModuleBase = self
        for part in target.split(separator: ".", omittingEmptySubsequences: false) {
            guard let c = m.localChildren().first(where: { $0.name == part })?.value else { return nil }
            m = c
        }
        return m
    }

    private func resolve(_ target: String) -> (ModuleBase?, String) {
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
    func localChildren() -> [(name: String, value: ModuleBase)] {
        var result = registeredModules.compactMap { e in e.value.map { (e.name, $0) } }
        forEachStoredMember { name, value in
            if let m = value as? ModuleBase { result.append((name, m)) }
        }
        return result
    }

    /// Calls `body` with the label and value of each stored property declared by a subclass,
    /// superclass levels first, each in declaration order.
    private func forEachStoredMember(_ body: (String, Any) -> Void) {
        var levels: [Mirror] = []
        var mirror: Mirror? = Mirror(reflecting: self)
        while let m = mirror, m.subjectType != ModuleBase.self && m.subjectType != Module.self {
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
    public func children() -> [ModuleBase] { namedChildren().map(\.module) }

    /// `(name, module)` pairs of the direct submodules, each module once.
    public func namedChildren() -> [(name: String, module: ModuleBase)] {
        var seen = Set<ObjectIdentifier>()
        return localChildren().filter { seen.insert(ObjectIdentifier($0.value)).inserted }.map { ($0.name, $0.value) }
    }

    /// This module and all its submodules, depth first, each once.
    public func modules() -> [ModuleBase] { namedModules().map(\.module) }

    /// `(name, module)` pairs of this module (named `prefix`, `""` by default) and all its
    /// submodules with dotted names, depth first, each once.
    public func namedModules(prefix: String = "", removeDuplicate: Bool = true) -> [(name: String, module: ModuleBase)] {
        var seen = Set<ObjectIdentifier>()
        var result: [(name: String, module: ModuleBase)] = []
        func visit(_ m: ModuleBase, _ p: String) {
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
    public func apply(_ fn: (ModuleBase) -> Void) -> Self {
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
        // Local types print as "Network #1 in ..." and generic ones as "ModuleList<Linear>";
        // keep the bare name.
        let bare = name.split(separator: " ").first.map(String.init) ?? name
        return bare.split(separator: "<").first.map(String.init) ?? bare
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
