import Testing
import TorchCore

@Suite struct ElementwiseTests {
    let f = Fixture("elementwise")

    @Test func broadcastingArithmetic() {
        let a = f["a"], b = f["b"], col = f["col"]
        expectClose(a + b, f["add_bcast"])
        expectClose(a - col, f["sub_bcast_col"])
        expectClose(a.t() * f["mul_t_rhs"], f["mul_t_view"])
        expectClose(a / (b.abs() + 0.5), f["div"])
        expectClose(a.pow(2), f["pow_scalar"])
        expectClose(a.abs().pow(b), f["pow_tensor"])
        expectClose(a.maximum(col), f["maximum"])
        expectClose(a.minimum(col), f["minimum"])
        expectClose((a * 5).remainder(1.5), f["remainder"], atol: 1e-5)
    }

    @Test func unaryMath() {
        let a = f["a"]
        let ops: [(String, (Tensor) -> Tensor)] = [
            ("abs", { $0.abs() }), ("sqrt", { $0.sqrt() }), ("exp", { $0.exp() }), ("log", { $0.log() }),
            ("log1p", { $0.log1p() }), ("sin", { $0.sin() }), ("cos", { $0.cos() }), ("tanh", { $0.tanh() }),
            ("sigmoid", { $0.sigmoid() }), ("relu", { $0.relu() }), ("sign", { $0.sign() }),
            ("floor", { $0.floor() }), ("ceil", { $0.ceil() }), ("round", { $0.round() }), ("rsqrt", { $0.rsqrt() }),
        ]
        for (name, op) in ops {
            let x = ["sqrt", "log", "rsqrt", "log1p"].contains(name) ? a.abs() : a * 3
            expectClose(op(x), f["unary_" + name])
        }
        expectClose(a.clamp(min: -0.5, max: 0.5), f["clamp"])
        expectClose(a.clamp(min: 0.1), f["clamp_min"])
        expectEqual(Tensor([0.5, 1.5, 2.5, -0.5, -1.5]).round(), f["round_half"])
    }

    @Test func typePromotion() {
        let ia = f["ia"]
        expectEqual(ia + 2.5, f["int_add_float_scalar"])
        expectEqual(ia + 2, f["int_add_int_scalar"])
        expectEqual(ia / 2, f["int_div"])
        expectEqual(ia * Tensor([0.5, 1.5, 2.0]), f["int_mul_float"])
        expectEqual(ia.floorDivide(4), f["int_floordiv"])
        expectEqual(ia.remainder(4), f["int_remainder"])
        expectEqual(ia.pow(2), f["int_neg_pow"])
        expectEqual(f["u8"] + Tensor([10, 10, 200] as [UInt8]), f["u8_add_wrap"])
        expectEqual(f["u8"] + Tensor([1, -1, 2] as [Int8]), f["u8_plus_i8"])
        expectEqual(f["bool"] + Tensor([true, true, false]), f["bool_add"])
        expectEqual(f["bool"] + 1, f["bool_plus_int"])
        expectEqual(f["bool"] * 1.5, f["bool_mul_float"])
        expectEqual(f["half"] * 1.1, f["half_mul"])
        expectEqual(f["half"] + Tensor([1.0, 2.0, 3.0], dtype: .bfloat16), f["half_plus_bf16"])
        expectEqual(Tensor([1.0, 2.0], dtype: .float64) + Tensor([0.5, 0.25]), f["f64_plus_f32"])
        expectEqual(Tensor(2.0, dtype: .float64) + Tensor([0.5, 0.25]), f["zero_dim_f64_plus_f32"])
        expectEqual(Tensor(7) + Tensor([1, 2] as [Int32]), f["zero_dim_int_plus_i32"])
        expectClose(Tensor([1, 4, 9]).sqrt(), f["int_sqrt"])
        #expect(DType.promoteTypes(.uint8, .int8) == .int16)
        #expect(DType.promoteTypes(.float16, .bfloat16) == .float32)
        #expect(DType.promoteTypes(.bool, .int32) == .int32)
        #expect(DType.canCast(from: .float32, to: .int64) == false)
        #expect(DType.canCast(from: .int64, to: .float16))
        #expect(DType.canCast(from: .int8, to: .bool) == false)
        #expect(resultType([.tensor(Tensor([1, 2] as [Int32])), .scalar(.floatingPoint)]) == .float32)
    }

    @Test func comparisonsAndLogic() {
        let g = f["g"]
        expectEqual(g.eq(0), f["eq0"])
        expectEqual(g.ge(7), f["ge7"])
        expectEqual(g.lt(Tensor([1, 8, 5])), f["lt_bcast"])
        expectEqual(g.ne(8.0), f["ne_float"])
        expectEqual(g.logicalAnd(Tensor([1, 0, 1])), f["logical_and"])
        expectEqual(g.logicalNot(), f["logical_not"])
        let a = f["a"]
        expectClose(Tensor.where(a.gt(0), a, f["col"]), f["where"])
        expectClose(Tensor.where(a.gt(0), a, 0.0), f["where_scalar"])
    }

    @Test func casts() {
        let x = f["casts"]
        for dt: DType in [.int8, .int16, .int32, .int64, .float16, .bfloat16, .float64, .bool] {
            expectEqual(x.to(dtype: dt), f["cast_" + dt.name])
        }
        expectEqual(x.abs().to(dtype: .uint8), f["cast_uint8"])
    }

    @Test func inPlaceWritesThroughViews() {
        let t = Tensor([[1, 2], [3, 4]], dtype: .float32)
        let row = t.select(dim: 0, index: 1)
        row += 10
        #expect(t.toArray(Float.self) == [1, 2, 13, 14])
        let c = t.t()
        c *= Tensor([2, 3], dtype: .float32)
        #expect(t.toArray(Float.self) == [2, 4, 39, 42])
    }

    @Test func inPlaceRejectsFloatIntoInt() async {
        await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let t = Tensor([1, 2, 3])
            t += 1.5
        }.map { result in
            let text = String(decoding: result.standardErrorContent, as: UTF8.self)
            #expect(text.contains("result type Float can't be cast to the desired output type Long"))
        }
    }

    @Test func broadcastMismatchMessage() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor.ones([2, 3]) + Tensor.ones([2, 4])
        }
        let text = String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
        #expect(text.contains("add: The size of tensor a (3) must match the size of tensor b (4) at non-singleton dimension 1"))
    }
}
