// The parsed form of a Jinja template: expressions (Expr) and statements (Node), one struct per
// kind with a `kind` tag the renderer switches on. Built by jinja_parser, read by jinja_render.
// Not for evaluation. Immutable after parsing; share a Template between threads freely.
#pragma once
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "agent/jinja/jinja_value.h"

namespace tunedeck::jinja {

// ---- Expressions ----------------------------------------------------------------------------

enum class ExprKind {
  kConst,      // 1, 'a', true, none
  kName,       // messages
  kList,       // [a, b] and tuples (a, b)
  kDict,       // {'k': v}
  kAttr,       // x.name
  kItem,       // x[key]
  kSlice,      // x[a:b:c]
  kCall,       // f(a, k=v)
  kFilter,     // x | name(args)
  kTest,       // x is name(args)
  kUnary,      // not x, -x, +x
  kBinary,     // x + y, x and y, ...
  kCompare,    // x == y < z, x in y, x not in y
  kCondition,  // a if c else b
};

struct Expr {
  Expr(ExprKind k, int l) : kind(k), line(l) {}
  virtual ~Expr() = default;
  ExprKind kind;
  int line;
};
using ExprPtr = std::unique_ptr<Expr>;

struct Arguments {
  std::vector<ExprPtr> positional;
  std::vector<std::pair<std::string, ExprPtr>> named;
};

struct ConstExpr : Expr {
  ConstExpr(int l, Value v) : Expr(ExprKind::kConst, l), value(std::move(v)) {}
  Value value;
};

struct NameExpr : Expr {
  NameExpr(int l, std::string n) : Expr(ExprKind::kName, l), name(std::move(n)) {}
  std::string name;
};

struct ListExpr : Expr {
  ListExpr(int l, bool t) : Expr(ExprKind::kList, l), tuple(t) {}
  std::vector<ExprPtr> items;
  bool tuple;
};

struct DictExpr : Expr {
  explicit DictExpr(int l) : Expr(ExprKind::kDict, l) {}
  std::vector<std::pair<ExprPtr, ExprPtr>> items;  // key, value
};

struct AttrExpr : Expr {
  AttrExpr(int l, ExprPtr o, std::string n)
      : Expr(ExprKind::kAttr, l), object(std::move(o)), name(std::move(n)) {}
  ExprPtr object;
  std::string name;
};

struct ItemExpr : Expr {
  ItemExpr(int l, ExprPtr o, ExprPtr k)
      : Expr(ExprKind::kItem, l), object(std::move(o)), key(std::move(k)) {}
  ExprPtr object, key;
};

struct SliceExpr : Expr {
  explicit SliceExpr(int l) : Expr(ExprKind::kSlice, l) {}
  ExprPtr object, start, stop, step;  // absent parts are null
};

struct CallExpr : Expr {
  CallExpr(int l, ExprPtr c) : Expr(ExprKind::kCall, l), callee(std::move(c)) {}
  ExprPtr callee;
  Arguments args;
};

// x | name(args), and x is name(args). `input` is null for the filters of a {% filter %} block
// or a {% set x | filter %} block, which apply to the block's text.
struct FilterExpr : Expr {
  FilterExpr(ExprKind k, int l, ExprPtr i, std::string n)
      : Expr(k, l), input(std::move(i)), name(std::move(n)) {}
  ExprPtr input;
  std::string name;
  Arguments args;
  // No such filter or test. Allowed only where jinja2 defers the error to run time (inside an
  // {% if %} or an inline if): reaching it raises TemplateRuntimeError.
  bool missing = false;
};

struct UnaryExpr : Expr {
  UnaryExpr(int l, std::string o, ExprPtr x)
      : Expr(ExprKind::kUnary, l), op(std::move(o)), operand(std::move(x)) {}
  std::string op;  // "not", "-", "+"
  ExprPtr operand;
};

struct BinaryExpr : Expr {
  BinaryExpr(int l, std::string o, ExprPtr a, ExprPtr b)
      : Expr(ExprKind::kBinary, l), op(std::move(o)), left(std::move(a)), right(std::move(b)) {}
  std::string op;  // + - * / // % ** ~ and or
  ExprPtr left, right;
};

struct CompareExpr : Expr {
  CompareExpr(int l, ExprPtr f) : Expr(ExprKind::kCompare, l), first(std::move(f)) {}
  ExprPtr first;
  std::vector<std::pair<std::string, ExprPtr>>
      rest;  // op ("==", "!=", "<", "<=", ">", ">=", "in", "not in"), operand
};

struct ConditionExpr : Expr {
  explicit ConditionExpr(int l) : Expr(ExprKind::kCondition, l) {}
  ExprPtr test, then_value, else_value;  // else_value may be null
};

// ---- Statements -----------------------------------------------------------------------------

enum class NodeKind {
  kData,         // template text
  kOutput,       // {{ expr }}
  kIf,           // {% if %}{% elif %}{% else %}{% endif %}
  kFor,          // {% for x in xs if c %}{% else %}{% endfor %}
  kSet,          // {% set x = v %}, {% set a, b = v %}, {% set ns.attr = v %}
  kSetBlock,     // {% set x | filter %}...{% endset %}
  kMacro,        // {% macro name(args) %}...{% endmacro %}
  kCallBlock,    // {% call(args) macro(...) %}...{% endcall %}
  kFilterBlock,  // {% filter name %}...{% endfilter %}
  kWith,         // {% with a = 1 %}...{% endwith %}
  kBreak,
  kContinue,
  kScope,  // {% generation %}...{% endgeneration %} (transformers' assistant-mask tag)
};

struct Node {
  Node(NodeKind k, int l) : kind(k), line(l) {}
  virtual ~Node() = default;
  NodeKind kind;
  int line;
};
using NodePtr = std::unique_ptr<Node>;
using Body = std::vector<NodePtr>;

struct DataNode : Node {
  DataNode(int l, std::string t) : Node(NodeKind::kData, l), text(std::move(t)) {}
  std::string text;
};

struct OutputNode : Node {
  OutputNode(int l, ExprPtr e) : Node(NodeKind::kOutput, l), expr(std::move(e)) {}
  ExprPtr expr;
};

struct IfNode : Node {
  explicit IfNode(int l) : Node(NodeKind::kIf, l) {}
  std::vector<std::pair<ExprPtr, Body>> branches;  // if, then each elif
  Body else_body;
};

// Where a value goes: names (several for `a, b = ...`), or `ns.attribute`.
struct Target {
  std::vector<std::string> names;
  bool unpack = false;    // a tuple target: the value is unpacked into names
  std::string attribute;  // non-empty: names[0] is a namespace and this its attribute
};

struct ForNode : Node {
  explicit ForNode(int l) : Node(NodeKind::kFor, l) {}
  Target target;
  ExprPtr iterable;
  ExprPtr filter;  // `if` condition; may be null
  Body body, else_body;
};

struct SetNode : Node {
  explicit SetNode(int l) : Node(NodeKind::kSet, l) {}
  Target target;
  ExprPtr value;
};

struct SetBlockNode : Node {
  explicit SetBlockNode(int l) : Node(NodeKind::kSetBlock, l) {}
  Target target;
  std::vector<std::unique_ptr<FilterExpr>> filters;  // applied in order, input null
  Body body;
};

struct MacroParam {
  std::string name;
  ExprPtr default_value;  // may be null
};

// A macro, or the body of a {% call %} block (the `caller` it hands the macro).
struct MacroNode : Node {
  MacroNode(NodeKind k, int l) : Node(k, l) {}
  std::string name;
  std::vector<MacroParam> params;
  Body body;
  bool uses_varargs = false;  // the body names `varargs`: extra positional arguments allowed
  bool uses_kwargs = false;   // the body names `kwargs`: extra keyword arguments allowed
};

struct CallBlockNode : MacroNode {
  explicit CallBlockNode(int l) : MacroNode(NodeKind::kCallBlock, l) {}
  std::unique_ptr<CallExpr> call;
};

struct FilterBlockNode : Node {
  explicit FilterBlockNode(int l) : Node(NodeKind::kFilterBlock, l) {}
  std::vector<std::unique_ptr<FilterExpr>> filters;
  Body body;
};

struct WithNode : Node {
  explicit WithNode(int l) : Node(NodeKind::kWith, l) {}
  std::vector<std::pair<std::string, ExprPtr>> assignments;
  Body body;
};

struct ScopeNode : Node {
  ScopeNode(NodeKind k, int l) : Node(k, l) {}
  Body body;
};

struct Template {
  std::string name;
  Body body;
};

}  // namespace tunedeck::jinja
