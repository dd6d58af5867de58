// Validation of function bodies and module-level rules (the spec's
// "invalid" modules), through decode_module.
#include <gtest/gtest.h>

#include <functional>

#include "test_util.h"

namespace brisk::test {
namespace {

using wb::Bytes;

struct Body {
  std::vector<T> params;
  std::vector<T> results;
  Code code;
  std::vector<T> locals = {};
  // Extra module content, added before the function (which then gets the
  // next function index).
  std::function<void(ModuleBuilder&)> setup = nullptr;
};

Result<std::shared_ptr<Module>> check(const Body& b) {
  ModuleBuilder m;
  if (b.setup) b.setup(m);
  m.func(m.type(b.params, b.results), b.locals, b.code);
  return decode_module(m.build());
}

::testing::AssertionResult Valid(const Body& b) {
  auto r = check(b);
  if (!r.ok()) return ::testing::AssertionFailure() << "rejected: " << r.error().to_string();
  return ::testing::AssertionSuccess();
}

::testing::AssertionResult Invalid(const Body& b, const std::string& msg) {
  auto r = check(b);
  if (r.ok()) return ::testing::AssertionFailure() << "accepted, expected '" << msg << "'";
  if (r.error().message.find(msg) == std::string::npos)
    return ::testing::AssertionFailure() << "rejected with '" << r.error().to_string() << "', expected '" << msg
                                         << "'";
  return ::testing::AssertionSuccess();
}

const auto with_memory = [](ModuleBuilder& m) { m.memory(ModuleBuilder::lim(1)); };

// ------------------------------------------------------------ type mismatches

TEST(Validator, TypeMismatches) {
  EXPECT_TRUE(Invalid({{}, {T::i32}, Code().i32_const(1).i64_const(2).i32_add()}, "type mismatch"));
  EXPECT_TRUE(Invalid({{}, {T::i32}, Code().f32_const(0).i32_eqz()}, "type mismatch"));
  EXPECT_TRUE(Invalid({{}, {T::i32}, Code().i64_const(0)}, "type mismatch"));
  EXPECT_TRUE(Invalid({{}, {T::i32}, Code()}, "type mismatch"));
  EXPECT_TRUE(Invalid({{}, {T::i32}, Code().i32_const(1).i32_const(2)}, "type mismatch"));
  EXPECT_TRUE(Invalid({{}, {}, Code().i32_const(1)}, "type mismatch"));
  EXPECT_TRUE(Invalid({{}, {}, Code().i32_add().drop()}, "type mismatch"));
  EXPECT_TRUE(Invalid({{}, {}, Code().drop()}, "type mismatch"));
  EXPECT_TRUE(Invalid({{T::i32}, {}, Code().f64_const(1).local_set(0)}, "type mismatch"));
  EXPECT_TRUE(Invalid({{T::i32}, {T::i32}, Code().f64_const(1).local_tee(0)}, "type mismatch"));
  EXPECT_TRUE(Invalid({{}, {T::i64}, Code().i32_const(1).return_()}, "type mismatch"));
  // Calls check argument types.
  EXPECT_TRUE(Invalid({{}, {}, Code().i64_const(1).call(0), {},
                       [](ModuleBuilder& m) { m.func(m.type({T::i32}, {}), {}, Code()); }},
                      "type mismatch"));
  // if without else must not produce a value.
  EXPECT_TRUE(Invalid({{}, {T::i32}, Code().i32_const(1).if_(wb::bt(T::i32)).i32_const(1).end()}, "type mismatch"));
  EXPECT_TRUE(Invalid(
      {{}, {T::i32}, Code().i32_const(1).if_(wb::bt(T::i32)).i32_const(1).else_().i64_const(1).end()},
      "type mismatch"));
  // Condition types.
  EXPECT_TRUE(Invalid({{}, {}, Code().i64_const(1).if_().end()}, "type mismatch"));
  EXPECT_TRUE(Invalid({{}, {}, Code().block().f32_const(1).br_if(0).end()}, "type mismatch"));
  // Branch values.
  EXPECT_TRUE(Invalid({{}, {T::i32}, Code().block(wb::bt(T::i32)).i64_const(1).br(0).end()}, "type mismatch"));
  EXPECT_TRUE(Invalid({{}, {}, Code().block(wb::bt(T::i32)).br(0).end().drop()}, "type mismatch"));
  // Stores check the value and address types.
  EXPECT_TRUE(Invalid({{}, {}, Code().i32_const(0).i64_const(0).i32_store(), {}, with_memory}, "type mismatch"));
  EXPECT_TRUE(Invalid({{}, {}, Code().i64_const(0).i32_const(0).i32_store(), {}, with_memory}, "type mismatch"));
  // Globals.
  EXPECT_TRUE(Invalid({{}, {}, Code().f32_const(0).global_set(0), {},
                       [](ModuleBuilder& m) { m.global(T::i32, true, wb::i32_expr(0)); }},
                      "type mismatch"));
  // br_table targets with different arities or types.
  EXPECT_TRUE(Invalid({{}, {},
                       Code()
                           .block()
                           .block(wb::bt(T::i32))
                           .i32_const(0)
                           .i32_const(0)
                           .br_table({0}, 1)
                           .end()
                           .drop()
                           .end()},
                      "type mismatch"));
  EXPECT_TRUE(Invalid({{}, {},
                       Code()
                           .block(wb::bt(T::i64))
                           .block(wb::bt(T::i32))
                           .i32_const(0)
                           .i32_const(0)
                           .br_table({0}, 1)
                           .end()
                           .drop()
                           .i64_const(0)
                           .end()
                           .drop()},
                      "type mismatch"));
  // A valid br_table with values, for contrast.
  EXPECT_TRUE(Valid({{}, {T::i32},
                     Code()
                         .block(wb::bt(T::i32))
                         .block(wb::bt(T::i32))
                         .i32_const(7)
                         .i32_const(0)
                         .br_table({0, 1}, 1)
                         .end()
                         .end()}));
}

// ------------------------------------------------------------ unknown indices

TEST(Validator, UnknownIndices) {
  EXPECT_TRUE(Invalid({{T::i32}, {}, Code().local_get(2).drop(), {T::i64}}, "unknown local"));
  EXPECT_TRUE(Valid({{T::i32}, {T::i64}, Code().local_get(1), {T::i64}}));
  EXPECT_TRUE(Invalid({{}, {}, Code().i32_const(0).local_set(0)}, "unknown local"));
  EXPECT_TRUE(Invalid({{}, {}, Code().i32_const(0).local_tee(4294967295u).drop()}, "unknown local"));
  EXPECT_TRUE(Invalid({{}, {}, Code().global_get(1).drop(), {},
                       [](ModuleBuilder& m) { m.global(T::i32, false, wb::i32_expr(0)); }},
                      "unknown global"));
  EXPECT_TRUE(Invalid({{}, {}, Code().i32_const(0).global_set(0)}, "unknown global"));
  EXPECT_TRUE(Invalid({{}, {}, Code().call(1)}, "unknown function"));
  EXPECT_TRUE(Invalid({{}, {}, Code().ref_func(5).drop()}, "unknown function"));
  EXPECT_TRUE(Invalid({{}, {}, Code().block().br(2).end()}, "unknown label"));
  EXPECT_TRUE(Valid({{}, {}, Code().block().br(1).end()}));
  EXPECT_TRUE(Invalid({{}, {}, Code().i32_const(0).br_if(1)}, "unknown label"));
  EXPECT_TRUE(Invalid({{}, {}, Code().i32_const(0).br_table({0, 3}, 0)}, "unknown label"));
  EXPECT_TRUE(Invalid({{}, {}, Code().i32_const(0).br_table({0}, 1)}, "unknown label"));
  EXPECT_TRUE(Invalid({{}, {}, Code().block(wb::bt_type(9)).end()}, "unknown type"));
  auto table = [](ModuleBuilder& m) { m.table(T::funcref, ModuleBuilder::lim(1)); };
  EXPECT_TRUE(Invalid({{}, {}, Code().i32_const(0).call_indirect(9), {}, table}, "unknown type"));
  EXPECT_TRUE(Invalid({{}, {}, Code().i32_const(0).call_indirect(0)}, "unknown table"));
  EXPECT_TRUE(Invalid({{}, {}, Code().i32_const(0).call_indirect(0, 1), {}, table}, "unknown table"));
  EXPECT_TRUE(Invalid({{}, {}, Code().i32_const(0).table_get(1).drop(), {}, table}, "unknown table"));
  EXPECT_TRUE(Invalid({{}, {}, Code().table_size(0).drop()}, "unknown table"));
  EXPECT_TRUE(Invalid({{}, {}, Code().elem_drop(0), {}, table}, "unknown elem segment"));
  EXPECT_TRUE(Invalid({{}, {}, Code().i32_const(0).i32_load().drop()}, "unknown memory"));
  EXPECT_TRUE(Invalid({{}, {}, Code().memory_size().drop()}, "unknown memory"));
  EXPECT_TRUE(Invalid({{}, {}, Code().i32_const(0).memory_grow().drop()}, "unknown memory"));
  EXPECT_TRUE(Invalid({{}, {}, Code().i32_const(0).i32_const(0).i32_const(0).memory_fill()}, "unknown memory"));
}

TEST(Validator, ImmutableGlobalSet) {
  EXPECT_TRUE(Invalid({{}, {}, Code().i32_const(1).global_set(0), {},
                       [](ModuleBuilder& m) { m.global(T::i32, false, wb::i32_expr(0)); }},
                      "global is immutable"));
  EXPECT_TRUE(Invalid({{}, {}, Code().i64_const(1).global_set(0), {},
                       [](ModuleBuilder& m) { m.import_global("env", "g", T::i64, false); }},
                      "global is immutable"));
  EXPECT_TRUE(Valid({{}, {}, Code().i64_const(1).global_set(0), {},
                     [](ModuleBuilder& m) { m.import_global("env", "g", T::i64, true); }}));
  // Constant expressions may only read imported immutable globals.
  ModuleBuilder b;
  b.global(T::i32, false, wb::i32_expr(1));
  b.global(T::i32, false, wb::global_expr(0));
  EXPECT_FALSE(decode_module(b.build()).ok());
  ModuleBuilder c;
  c.import_global("env", "g", T::i32, true);
  c.global(T::i32, false, wb::global_expr(0));
  EXPECT_FALSE(decode_module(c.build()).ok());
}

// ------------------------------------------------------------ block types with params

TEST(Validator, MultiValueBlockTypes) {
  // Block type indices are resolved in the module's type section; the
  // function's own type comes last, so types 0.. are the ones set up here.
  auto types = [](ModuleBuilder& m) {
    m.type({T::i32, T::i32}, {T::i32});          // 0
    m.type({T::i32}, {T::i32, T::i64});          // 1
    m.type({T::i64}, {});                        // 2
    m.type({}, {T::f32, T::f64, T::i32});        // 3
  };
  EXPECT_TRUE(Valid({{}, {T::i32}, Code().i32_const(1).i32_const(2).block(wb::bt_type(0)).i32_add().end(), {}, types}));
  EXPECT_TRUE(Valid({{}, {T::i32}, Code().i32_const(1).i32_const(2).loop(wb::bt_type(0)).i32_sub().end(), {}, types}));
  EXPECT_TRUE(Valid({{}, {T::i32},
                     Code().i32_const(1).i32_const(2).i32_const(1).if_(wb::bt_type(0)).i32_add().else_().i32_mul().end(),
                     {},
                     types}));
  EXPECT_TRUE(Valid({{}, {T::i64},
                     Code().i32_const(1).block(wb::bt_type(1)).i64_const(5).end().local_set(0).drop().local_get(0),
                     {T::i64}, types}));
  EXPECT_TRUE(Valid({{}, {T::i32}, Code().block(wb::bt_type(3)).f32_const(1).f64_const(2).i32_const(3).end().
                                   local_set(0).drop().drop().local_get(0),
                     {T::i32}, types}));
  // Params must be on the stack, with the right types.
  EXPECT_TRUE(Invalid({{}, {T::i32}, Code().i32_const(1).block(wb::bt_type(0)).i32_add().end(), {}, types},
                      "type mismatch"));
  EXPECT_TRUE(Invalid({{}, {}, Code().i32_const(1).block(wb::bt_type(2)).end(), {}, types}, "type mismatch"));
  // Results must match.
  EXPECT_TRUE(Invalid({{}, {T::i32}, Code().i32_const(1).i32_const(2).block(wb::bt_type(0)).i32_add().i64_extend_i32_u().end(), {}, types},
                      "type mismatch"));
  EXPECT_TRUE(Invalid({{}, {}, Code().block(wb::bt_type(3)).f32_const(1).i32_const(3).f64_const(2).end().drop().drop().drop(),
                       {}, types},
                      "type mismatch"));
  // A block cannot see the values below its params.
  EXPECT_TRUE(Invalid({{}, {}, Code().i32_const(1).i64_const(2).block(wb::bt_type(2)).i32_const(0).i32_add().drop().end().drop(),
                       {}, types},
                      "type mismatch"));
  // A branch to a loop carries the loop's params; to a block, its results.
  EXPECT_TRUE(Valid({{}, {}, Code().i64_const(1).loop(wb::bt_type(2)).br(0).end(), {}, types}));
  EXPECT_TRUE(Invalid({{}, {}, Code().i64_const(1).loop(wb::bt_type(2)).drop().br(0).end(), {}, types},
                      "type mismatch"));
  EXPECT_TRUE(Valid({{}, {}, Code().i64_const(1).loop(wb::bt_type(2)).drop().i64_const(2).br(0).end(), {}, types}));
  // if with params: both arms start from the params.
  EXPECT_TRUE(Invalid({{}, {T::i32}, Code().i32_const(1).i32_const(2).i32_const(0).if_(wb::bt_type(0)).i32_add().else_()
                                         .end(),
                       {}, types},
                      "type mismatch"));
  // Multi-value function results and calls.
  EXPECT_TRUE(Valid({{}, {T::i32, T::i64}, Code().i32_const(1).i64_const(2)}));
  EXPECT_TRUE(Invalid({{}, {T::i32, T::i64}, Code().i64_const(2).i32_const(1)}, "type mismatch"));
  EXPECT_TRUE(Valid({{}, {T::i32}, Code().call(0).drop(), {},
                     [](ModuleBuilder& m) { m.func(m.type({}, {T::i32, T::i32}), {}, Code().i32_const(1).i32_const(2)); }}));
}

// ------------------------------------------------------------ select

TEST(Validator, SelectTyping) {
  EXPECT_TRUE(Valid({{}, {T::i32}, Code().i32_const(1).i32_const(2).i32_const(0).select()}));
  EXPECT_TRUE(Valid({{}, {T::f64}, Code().f64_const(1).f64_const(2).i32_const(0).select()}));
  EXPECT_TRUE(Invalid({{}, {T::i32}, Code().i32_const(1).i64_const(2).i32_const(0).select()}, "type mismatch"));
  EXPECT_TRUE(Invalid({{}, {T::i32}, Code().i32_const(1).i32_const(2).i64_const(0).select()}, "type mismatch"));
  EXPECT_TRUE(Invalid({{}, {T::i32}, Code().i32_const(2).i32_const(0).select()}, "type mismatch"));
  // Reference operands need the typed form.
  EXPECT_TRUE(Invalid({{}, {}, Code().ref_null(T::funcref).ref_null(T::funcref).i32_const(0).select().drop()},
                      "type mismatch"));
  EXPECT_TRUE(Valid({{}, {}, Code().ref_null(T::funcref).ref_null(T::funcref).i32_const(0).select_t(T::funcref).drop()}));
  EXPECT_TRUE(Valid({{}, {T::i64}, Code().i64_const(1).i64_const(2).i32_const(0).select_t(T::i64)}));
  EXPECT_TRUE(Invalid({{}, {}, Code().i32_const(1).i64_const(2).i32_const(0).select_t(T::i64).drop()}, "type mismatch"));
  EXPECT_TRUE(Invalid({{}, {}, Code().ref_null(T::externref).ref_null(T::externref).i32_const(0).select_t(T::funcref)
                                   .drop()},
                      "type mismatch"));
  // select_t takes exactly one type.
  EXPECT_TRUE(Invalid({{}, {}, Code().i32_const(1).i32_const(2).i32_const(0).op(0x1c).u32(2).op(0x7f).op(0x7f).drop()},
                      "invalid result arity"));
  EXPECT_TRUE(Invalid({{}, {}, Code().i32_const(1).i32_const(2).i32_const(0).op(0x1c).u32(0).drop()},
                      "invalid result arity"));
}

// ------------------------------------------------------------ ref.func declarations

TEST(Validator, RefFuncMustBeDeclared) {
  EXPECT_TRUE(Invalid({{}, {}, Code().ref_func(0).drop()}, "undeclared function reference"));
  EXPECT_TRUE(Invalid({{}, {}, Code().ref_func(0).drop(), {},
                       [](ModuleBuilder& m) { m.func(m.type({}, {}), {}, Code()); }},
                      "undeclared function reference"));
  // Declared by a declarative element segment.
  EXPECT_TRUE(Valid({{}, {}, Code().ref_func(0).drop(), {}, [](ModuleBuilder& m) {
                       m.func(m.type({}, {}), {}, Code());
                       m.elem_declarative({0});
                     }}));
  // By an active or passive segment.
  EXPECT_TRUE(Valid({{}, {}, Code().ref_func(0).drop(), {}, [](ModuleBuilder& m) {
                       m.table(T::funcref, ModuleBuilder::lim(1));
                       m.func(m.type({}, {}), {}, Code());
                       m.elem_active(wb::i32_expr(0), {0});
                     }}));
  EXPECT_TRUE(Valid({{}, {}, Code().ref_func(0).drop(), {}, [](ModuleBuilder& m) {
                       m.func(m.type({}, {}), {}, Code());
                       m.elem_passive({0});
                     }}));
  // By an export (of itself: the function is index 0 here).
  EXPECT_TRUE(Valid({{}, {}, Code().ref_func(0).drop(), {}, [](ModuleBuilder& m) { m.export_func("self", 0); }}));
  // By a global initializer.
  EXPECT_TRUE(Valid({{}, {}, Code().ref_func(0).drop(), {},
                     [](ModuleBuilder& m) { m.global(T::funcref, false, wb::ref_func_expr(0)); }}));
  // An imported function is not implicitly declared.
  EXPECT_TRUE(Invalid({{}, {}, Code().ref_func(0).drop(), {},
                       [](ModuleBuilder& m) { m.import_func("env", "f", m.type({}, {})); }},
                      "undeclared function reference"));
  // Declaring one function does not declare another.
  EXPECT_TRUE(Invalid({{}, {}, Code().ref_func(1).drop(), {}, [](ModuleBuilder& m) {
                         m.func(m.type({}, {}), {}, Code());
                         m.func(m.type({}, {}), {}, Code());
                         m.elem_declarative({0});
                       }},
                      "undeclared function reference"));
}

// ------------------------------------------------------------ data count

TEST(Validator, DataCountRequiredForMemoryInitAndDataDrop) {
  auto passive_data = [](bool with_count) {
    return [with_count](ModuleBuilder& m) {
      m.memory(ModuleBuilder::lim(1));
      m.data_passive("abc");
      m.data_count(with_count);
    };
  };
  Code init = Code().i32_const(0).i32_const(0).i32_const(1).memory_init(0);
  EXPECT_TRUE(Invalid({{}, {}, init, {}, passive_data(false)}, "data count section required"));
  EXPECT_TRUE(Valid({{}, {}, init, {}, passive_data(true)}));
  EXPECT_TRUE(Invalid({{}, {}, Code().data_drop(0), {}, passive_data(false)}, "data count section required"));
  EXPECT_TRUE(Valid({{}, {}, Code().data_drop(0), {}, passive_data(true)}));
  EXPECT_TRUE(Invalid({{}, {}, Code().data_drop(1), {}, passive_data(true)}, "unknown data segment"));
  EXPECT_TRUE(Invalid({{}, {}, Code().i32_const(0).i32_const(0).i32_const(1).memory_init(1), {}, passive_data(true)},
                      "unknown data segment"));
  // memory.init also needs a memory.
  EXPECT_TRUE(Invalid({{}, {}, init, {}, [](ModuleBuilder& m) {
                         m.data_count();
                       }},
                      "unknown memory"));
}

// ------------------------------------------------------------ unreachable code

TEST(Validator, UnreachableCodeIsPolymorphic) {
  // Valid: the stack below an unreachable point is of any type.
  EXPECT_TRUE(Valid({{}, {}, Code().unreachable().i32_add().drop()}));
  EXPECT_TRUE(Valid({{}, {T::i32}, Code().unreachable().i32_add()}));
  EXPECT_TRUE(Valid({{}, {T::i64}, Code().unreachable()}));
  EXPECT_TRUE(Valid({{}, {T::i32}, Code().unreachable().select()}));
  EXPECT_TRUE(Valid({{}, {T::f32}, Code().unreachable().i32_const(0).select()}));
  EXPECT_TRUE(Valid({{}, {}, Code().unreachable().ref_is_null().drop()}));
  EXPECT_TRUE(Valid({{}, {T::i32}, Code().unreachable().br_if(0)}));
  EXPECT_TRUE(Valid({{}, {T::i32}, Code().block(wb::bt(T::i32)).unreachable().end()}));
  EXPECT_TRUE(Valid({{}, {T::i32}, Code().i32_const(1).return_().i32_add()}));
  EXPECT_TRUE(Valid({{}, {}, Code().block().br(0).i32_const(0).i64_extend_i32_s().drop().end()}));
  EXPECT_TRUE(Valid({{}, {}, Code().unreachable().i32_const(0).br_table({0}, 0)}));
  EXPECT_TRUE(Valid({{}, {T::i32}, Code().i32_const(5).i32_const(0).br_table({0}, 0).i32_add()}));
  // Invalid: values pushed after the unreachable point are still typed.
  EXPECT_TRUE(Invalid({{}, {}, Code().unreachable().i64_const(0).i32_add().drop()}, "type mismatch"));
  EXPECT_TRUE(Invalid({{}, {T::i32}, Code().unreachable().i32_const(0).i32_const(0)}, "type mismatch"));
  EXPECT_TRUE(Invalid({{}, {T::i32}, Code().unreachable().f32_const(0).i32_eqz()}, "type mismatch"));
  EXPECT_TRUE(Invalid({{}, {T::i32}, Code().i32_const(1).return_().i64_const(1).i64_add()}, "type mismatch"));
  EXPECT_TRUE(Invalid({{}, {}, Code().unreachable().i32_const(0).i64_const(0).select().drop()}, "type mismatch"));
  EXPECT_TRUE(Invalid({{}, {}, Code().unreachable().i32_const(1).i64_const(1).i32_const(0).select().drop()},
                      "type mismatch"));
  EXPECT_TRUE(Invalid({{}, {}, Code().unreachable().ref_null(T::funcref).i32_const(0).select().drop()},
                      "type mismatch"));
  EXPECT_TRUE(Invalid({{}, {}, Code().unreachable().i64_const(0).br_if(0)}, "type mismatch"));
  EXPECT_TRUE(Invalid({{}, {}, Code().unreachable().i32_const(0).ref_is_null().drop()}, "type mismatch"));
  // Reachability ends with the block: code after it is checked normally.
  EXPECT_TRUE(Invalid({{}, {}, Code().block().unreachable().end().i32_add().drop()}, "type mismatch"));
  EXPECT_TRUE(Invalid({{}, {T::i32}, Code().block(wb::bt(T::i32)).unreachable().end().i32_add()}, "type mismatch"));
  // The unreachable arm of an if does not make the other arm polymorphic.
  EXPECT_TRUE(Invalid({{}, {T::i32}, Code().i32_const(0).if_(wb::bt(T::i32)).unreachable().else_().end()},
                      "type mismatch"));
}

// ------------------------------------------------------------ SIMD

// v128.const with 16 zero bytes, and other 0xfd instructions by sub-opcode.
Code& v128_zero(Code& c) { return c.op(0xfd).u32(0x0c).raw(Bytes(16, 0)); }
Code simd(Code c, uint32_t sub) { return c.op(0xfd).u32(sub); }

TEST(Validator, SimdValuesInEveryPosition) {
  // v128 params, results, locals, blocks, select (untyped and typed).
  EXPECT_TRUE(Valid({{T::v128}, {T::v128}, Code().local_get(0)}));
  EXPECT_TRUE(Valid({{}, {T::v128}, Code().local_get(0), {T::v128}}));
  Code blk = Code().block(wb::bt(T::v128));
  v128_zero(blk).end();
  EXPECT_TRUE(Valid({{}, {T::v128}, blk}));
  Code sel;
  v128_zero(sel);
  v128_zero(sel).i32_const(1).op(0x1b);  // select
  EXPECT_TRUE(Valid({{}, {T::v128}, sel}));
  Code selt;
  v128_zero(selt);
  v128_zero(selt).i32_const(1).select_t(T::v128);
  EXPECT_TRUE(Valid({{}, {T::v128}, selt}));
  // A v128 global initialised by v128.const, and an imported one.
  ModuleBuilder g;
  Bytes init{0xfd, 0x0c};
  init.insert(init.end(), 16, 0x11);
  init.push_back(0x0b);
  g.global(T::v128, false, init);
  EXPECT_TRUE(decode_module(g.build()).ok());
  ModuleBuilder im;
  im.import_global("env", "v", T::v128, false);
  EXPECT_TRUE(decode_module(im.build()).ok());
  // The v128 byte in a function type.
  Bytes m = wb::header();
  wb::put_section(m, 1, {0x01, 0x60, 0x01, 0x7b, 0x00});
  EXPECT_TRUE(decode_module(m).ok());
}

TEST(Validator, SimdOperandTypes) {
  Code add;
  v128_zero(add);
  v128_zero(add);
  EXPECT_TRUE(Valid({{}, {T::v128}, simd(add, 0x6e)}));  // i8x16.add
  EXPECT_TRUE(Invalid({{}, {T::v128}, simd(Code().i32_const(1).i32_const(2), 0x6e)}, "type mismatch"));
  // A shift takes a v128 and an i32 count.
  Code shl;
  v128_zero(shl).i64_const(1);
  EXPECT_TRUE(Invalid({{}, {T::v128}, simd(shl, 0x6b)}, "type mismatch"));
  // Splat takes the lane's scalar type; any_true gives an i32.
  EXPECT_TRUE(Valid({{}, {T::v128}, simd(Code().i64_const(1), 0x12)}));  // i64x2.splat
  EXPECT_TRUE(Invalid({{}, {T::v128}, simd(Code().i32_const(1), 0x12)}, "type mismatch"));
  Code any;
  v128_zero(any);
  EXPECT_TRUE(Valid({{}, {T::i32}, simd(any, 0x53)}));
  // bitselect takes three v128s.
  Code bs;
  v128_zero(bs);
  v128_zero(bs);
  EXPECT_TRUE(Invalid({{}, {T::v128}, simd(bs.i32_const(0), 0x52)}, "type mismatch"));
  v128_zero(bs.op(0x1a));  // drop the i32, push a v128
  EXPECT_TRUE(Valid({{}, {T::v128}, simd(bs, 0x52)}));
}

TEST(Validator, SimdImmediates) {
  // Lane indices: i8x16.extract_lane_s has 16 lanes, i64x2.replace_lane 2.
  Code ex;
  v128_zero(ex);
  EXPECT_TRUE(Valid({{}, {T::i32}, Code(simd(ex, 0x15)).raw({15})}));
  EXPECT_TRUE(Invalid({{}, {T::i32}, Code(simd(ex, 0x15)).raw({16})}, "invalid lane index"));
  Code rep;
  v128_zero(rep).i64_const(7);
  EXPECT_TRUE(Invalid({{}, {T::v128}, Code(simd(rep, 0x1e)).raw({2})}, "invalid lane index"));
  // Shuffle lane indices select from 32 bytes.
  Code sh;
  v128_zero(sh);
  v128_zero(sh);
  Bytes lanes(16, 31);
  EXPECT_TRUE(Valid({{}, {T::v128}, Code(simd(sh, 0x0d)).raw(lanes)}));
  lanes[3] = 32;
  EXPECT_TRUE(Invalid({{}, {T::v128}, Code(simd(sh, 0x0d)).raw(lanes)}, "invalid lane index"));
  // Alignment: v128.load allows 2^4, load16_lane 2^1.
  EXPECT_TRUE(Valid({{}, {T::v128}, simd(Code().i32_const(0), 0x00).u32(4).u32(0), {}, with_memory}));
  EXPECT_TRUE(Invalid({{}, {T::v128}, simd(Code().i32_const(0), 0x00).u32(5).u32(0), {}, with_memory},
                      "alignment must not be larger than natural"));
  Code ll = Code().i32_const(0);
  v128_zero(ll);
  EXPECT_TRUE(Invalid({{}, {T::v128}, Code(simd(ll, 0x55)).u32(2).u32(0).raw({0}), {}, with_memory},
                      "alignment must not be larger than natural"));
  EXPECT_TRUE(Invalid({{}, {T::v128}, Code(simd(ll, 0x55)).u32(1).u32(0).raw({8}), {}, with_memory},
                      "invalid lane index"));
  // Memory ops need a memory.
  EXPECT_TRUE(Invalid({{}, {T::v128}, simd(Code().i32_const(0), 0x00).u32(0).u32(0)}, "unknown memory"));
  // Holes of the 0xfd space and sub-opcodes past relaxed SIMD are illegal.
  EXPECT_TRUE(Invalid({{}, {}, simd(Code().unreachable(), 0x9a)}, "illegal opcode"));
  EXPECT_TRUE(Invalid({{}, {}, simd(Code().unreachable(), 0x114)}, "illegal opcode"));
  // v128.const is the only constant SIMD instruction.
  ModuleBuilder g;
  g.global(T::v128, false, Bytes{0xfd, 0x0f, 0x41, 0x00});
  auto r = decode_module(g.build());
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("constant expression required"), std::string::npos) << r.error().message;
}

// ------------------------------------------------------------ more module-level rules

TEST(Validator, MiscRules) {
  EXPECT_TRUE(Invalid({{}, {}, Code().else_()}, "else without matching if"));
  EXPECT_FALSE(check({{}, {}, Code().end()}).ok());  // an extra `end`
  EXPECT_TRUE(Invalid({{}, {T::i32}, Code().i32_const(0).i32_load(0, 3), {}, with_memory},
                      "alignment must not be larger than natural"));
  EXPECT_TRUE(Valid({{}, {T::i32}, Code().i32_const(0).i32_load(0, 0), {}, with_memory}));
  EXPECT_TRUE(Invalid({{}, {T::i32}, Code().i32_const(0).i32_load8_u().op(0x2d).u32(1).u32(0), {}, with_memory},
                      "alignment must not be larger than natural"));
  // call_indirect needs a funcref table.
  EXPECT_TRUE(Invalid({{}, {}, Code().i32_const(0).call_indirect(0), {},
                       [](ModuleBuilder& m) {
                         m.type({}, {});
                         m.table(T::externref, ModuleBuilder::lim(1));
                       }},
                      "type mismatch"));
  // table.init / table.copy element types.
  EXPECT_TRUE(Invalid({{}, {}, Code().i32_const(0).i32_const(0).i32_const(0).table_init(0), {},
                       [](ModuleBuilder& m) {
                         m.table(T::externref, ModuleBuilder::lim(1));
                         m.elem_passive({});
                       }},
                      "type mismatch"));
  EXPECT_TRUE(Invalid({{}, {}, Code().i32_const(0).i32_const(0).i32_const(0).table_copy(0, 1), {},
                       [](ModuleBuilder& m) {
                         m.table(T::externref, ModuleBuilder::lim(1));
                         m.table(T::funcref, ModuleBuilder::lim(1));
                       }},
                      "type mismatch"));
  // table.set value type.
  EXPECT_TRUE(Invalid({{}, {}, Code().i32_const(0).ref_null(T::funcref).table_set(0), {},
                       [](ModuleBuilder& m) { m.table(T::externref, ModuleBuilder::lim(1)); }},
                      "type mismatch"));
  // memory.size's reserved byte.
  EXPECT_TRUE(Invalid({{}, {T::i32}, Code().op(0x3f).op(0x01), {}, with_memory}, "zero byte expected"));
  // Element segment type vs table type.
  ModuleBuilder e;
  e.table(T::externref, ModuleBuilder::lim(1));
  uint32_t f = e.func(e.type({}, {}), {}, Code());
  e.elem_active(wb::i32_expr(0), {f});
  EXPECT_FALSE(decode_module(e.build()).ok());
  // Offsets of active segments must be i32 constants.
  ModuleBuilder d;
  d.memory(ModuleBuilder::lim(1));
  d.data_active(wb::i64_expr(0), "x");
  EXPECT_FALSE(decode_module(d.build()).ok());
  ModuleBuilder d2;
  d2.memory(ModuleBuilder::lim(1));
  d2.data_active(Bytes{0x41, 0x00, 0x41, 0x00, 0x6a, 0x0b}, "x");
  EXPECT_FALSE(decode_module(d2.build()).ok());
}

}  // namespace
}  // namespace brisk::test

// ------------------------------------------------------------ hot locals

namespace brisk::test {
namespace {

std::vector<std::pair<uint32_t, uint32_t>> hot_of(const Module& m, uint32_t body) {
  const FuncBody& b = m.bodies[body];
  std::vector<std::pair<uint32_t, uint32_t>> out;
  for (uint32_t k = 0; k < b.hot_count; ++k) out.push_back({m.hot_locals[b.hot_begin + k].local, m.hot_locals[b.hot_begin + k].uses});
  return out;
}

// Validation ranks the locals for the JIT's register homes: uses weighted
// by 8 per enclosing loop, most used first, ties by index, locals used once
// left out, reference locals never.
TEST(Validator, HotLocalsRankedByWeightedUses) {
  using P = std::pair<uint32_t, uint32_t>;
  // Params: 0 i32 (used once), 1 f64 (twice); locals: 2 i64 (3 uses), 3 i32
  // (2 in one loop: 16), 4 i32 (2 in two loops: 128), 5 funcref (4 uses), 6 i32 (3 uses).
  Code c;
  c.local_get(0).drop().local_get(1).local_get(1).drop().drop();
  c.local_get(2).local_get(2).local_set(2).drop();
  c.loop().local_get(3).local_set(3).loop().local_get(4).local_tee(4).drop().end().end();
  c.local_get(5).local_set(5).local_get(5).local_set(5);
  c.local_get(6).local_get(6).local_set(6).drop();
  auto r = check({{T::i32, T::f64}, {}, c, {T::i64, T::i32, T::i32, T::funcref, T::i32}});
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  EXPECT_EQ(hot_of(*r.value(), 0), (std::vector<P>{{4, 128}, {3, 16}, {2, 3}, {6, 3}, {1, 2}}));
}

// At most kHotLocalsPerClass of a class, the most used: 20 i32 locals used
// 2..21 times keep the 16 most used; the f32 local is a class of its own.
TEST(Validator, HotLocalsKeepTheMostUsedOfEachClass) {
  Code c;
  std::vector<T> locals(20, T::i32);
  locals.push_back(T::f32);
  for (uint32_t i = 0; i < 20; ++i)
    for (uint32_t n = 0; n < i + 2; ++n) c.local_get(i).drop();
  c.local_get(20).local_set(20);
  auto r = check({{}, {}, c, locals});
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  auto hot = hot_of(*r.value(), 0);
  ASSERT_EQ(hot.size(), kHotLocalsPerClass + 1);
  EXPECT_EQ(hot.front(), (std::pair<uint32_t, uint32_t>{19, 21}));
  EXPECT_EQ(hot[kHotLocalsPerClass - 1], (std::pair<uint32_t, uint32_t>{4, 6}));
  EXPECT_EQ(hot.back(), (std::pair<uint32_t, uint32_t>{20, 2}));
}

// FuncBody::tail_block: the top-level block whose end comes right before
// the function's own end, by order of appearance.
TEST(Validator, TailBlock) {
  auto tail = [](Code c) {
    auto r = check({{}, {}, c});
    EXPECT_TRUE(r.ok());
    return r.ok() ? r.value()->bodies[0].tail_block : -2;
  };
  EXPECT_EQ(tail(Code().block().end().block().block().end().end()), 1);
  EXPECT_EQ(tail(Code().loop().end().i32_const(0).if_().end()), 1);
  EXPECT_EQ(tail(Code().block().end().nop()), -1);
  EXPECT_EQ(tail(Code().nop()), -1);
}

}  // namespace
}  // namespace brisk::test
