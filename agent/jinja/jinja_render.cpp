#include "agent/jinja/jinja_render.h"

#include <memory>

#include "agent/jinja/jinja_error.h"
#include "agent/jinja/jinja_filters.h"
#include "agent/jinja/jinja_methods.h"
#include "agent/jinja/jinja_operators.h"
#include "agent/jinja/jinja_tests.h"

namespace tunedeck::jinja {
namespace {

constexpr int kMaxCallDepth = 256;     // nested macro calls
constexpr int64_t kMaxRange = 100000;  // jinja2's sandbox MAX_RANGE

// One scope: a loop iteration, a macro call, a block; the root holds globals and variables.
struct Frame {
  explicit Frame(std::shared_ptr<Frame> p) : parent(std::move(p)) {}
  const Value* find(const std::string& name) const {
    for (const Frame* f = this; f; f = f->parent.get())
      for (const auto& var : f->vars)
        if (var.first == name) return &var.second;
    return nullptr;
  }
  void set(const std::string& name, Value value) {
    for (auto& var : vars)
      if (var.first == name) {
        var.second = std::move(value);
        return;
      }
    vars.emplace_back(name, std::move(value));
  }
  std::shared_ptr<Frame> parent;
  std::vector<std::pair<std::string, Value>> vars;
};
using FramePtr = std::shared_ptr<Frame>;

FramePtr child_of(const FramePtr& parent) { return std::make_shared<Frame>(parent); }

// ---- globals --------------------------------------------------------------------------------

Value global_range(const CallArgs& args) {
  if (!args.named.empty()) throw JinjaError("TypeError", "range() takes no keyword arguments");
  const auto& p = args.positional;
  if (p.empty() || p.size() > 3)
    throw JinjaError("TypeError",
                     "range expected 1 to 3 arguments, got " + std::to_string(p.size()));
  for (const Value& v : p)
    if (!v.is_int())
      throw JinjaError("TypeError",
                       "'" + type_name(v) + "' object cannot be interpreted as an integer");
  const int64_t start = p.size() == 1 ? 0 : p[0].as_int();
  const int64_t stop = p.size() == 1 ? p[0].as_int() : p[1].as_int();
  const int64_t step = p.size() == 3 ? p[2].as_int() : 1;
  if (step == 0) throw JinjaError("ValueError", "range() arg 3 must not be zero");
  const int64_t count = step > 0 ? (stop > start ? (stop - start + step - 1) / step : 0)
                                 : (start > stop ? (start - stop - step - 1) / -step : 0);
  if (count > kMaxRange)
    throw JinjaError("OverflowError",
                     "Range too big. The sandbox blocks ranges larger than MAX_RANGE (100000).");
  List items;
  for (int64_t i = 0; i < count; ++i) items.push_back(Value::from_int(start + i * step));
  return Value::from_list(std::move(items));
}

// namespace(dict?, key=value, ...): an object whose attributes `set ns.key = ...` may change.
Value global_namespace(const CallArgs& args) {
  auto ns = std::make_shared<Object>();
  ns->type_name = "Namespace";
  ns->assignable = true;
  for (const Value& v : args.positional) {
    if (!v.is_dict())
      throw JinjaError("TypeError", "namespace() takes a dict and keyword arguments");
    for (const auto& [key, value] : v.dict->entries) ns->set(to_str(key), value);
  }
  for (const auto& [key, value] : args.named) ns->set(key, value);
  return Value::from_object(ns);
}

Value global_dict(const CallArgs& args) {
  Dict d;
  for (const Value& v : args.positional) {
    if (v.is_dict()) {
      for (const auto& [key, value] : v.dict->entries) d.set(key, value);
      continue;
    }
    for (const Value& pair : iterate(v)) {
      if (!pair.is_list() || pair.list->size() != 2)
        throw JinjaError("ValueError",
                         "dictionary update sequence element has the wrong length; 2 is required");
      d.set((*pair.list)[0], (*pair.list)[1]);
    }
  }
  for (const auto& [key, value] : args.named) d.set(Value::from_string(key), value);
  return Value::from_dict(std::move(d));
}

// joiner(sep=", "): a function that returns "" the first time and `sep` afterwards.
Value global_joiner(const CallArgs& args) {
  const BoundArgs bound(args, "joiner", {"sep"});
  const std::string sep = bound.has(0) ? to_str(bound.get(0)) : ", ";
  auto used = std::make_shared<bool>(false);
  return Value::from_callable("joiner", [sep, used](const CallArgs&) {
    const bool was_used = *used;
    *used = true;
    return Value::from_string(was_used ? sep : "");
  });
}

// ---- the renderer ---------------------------------------------------------------------------

enum class Flow { kNormal, kBreak, kContinue };

class Renderer {
 public:
  explicit Renderer(const Template& tmpl) : tmpl_(tmpl) {}

  std::string run(const std::vector<std::pair<std::string, Value>>& variables) {
    auto root = std::make_shared<Frame>(nullptr);
    root->set("range", Value::from_callable("range", global_range));
    root->set("namespace", Value::from_callable("namespace", global_namespace));
    root->set("dict", Value::from_callable("dict", global_dict));
    root->set("joiner", Value::from_callable("joiner", global_joiner));
    for (const auto& [name, value] : variables) root->set(name, value);
    std::string out;
    render_body(tmpl_.body, root, out);
    return out;
  }

 private:
  // An error without a place gets this line of the template.
  JinjaError located(const JinjaError& e, int line) const {
    return e.located() ? e : e.at(tmpl_.name, line);
  }

  // ---- statements ---------------------------------------------------------------------------

  Flow render_body(const Body& body, const FramePtr& frame, std::string& out) {
    for (const NodePtr& node : body) {
      const Flow flow = render_node(*node, frame, out);
      if (flow != Flow::kNormal) return flow;
    }
    return Flow::kNormal;
  }

  Flow render_node(const Node& node, const FramePtr& frame, std::string& out) {
    try {
      switch (node.kind) {
        case NodeKind::kData:
          out += static_cast<const DataNode&>(node).text;
          return Flow::kNormal;
        case NodeKind::kOutput:
          out += to_str(eval(*static_cast<const OutputNode&>(node).expr, frame));
          return Flow::kNormal;
        case NodeKind::kIf:
          return render_if(static_cast<const IfNode&>(node), frame, out);
        case NodeKind::kFor:
          render_for(static_cast<const ForNode&>(node), frame, out);
          return Flow::kNormal;
        case NodeKind::kSet: {
          const auto& set = static_cast<const SetNode&>(node);
          assign(set.target, eval(*set.value, frame), frame);
          return Flow::kNormal;
        }
        case NodeKind::kSetBlock: {
          const auto& set = static_cast<const SetBlockNode&>(node);
          assign(
              set.target,
              apply_block_filters(set.filters, render_to_string(set.body, child_of(frame)), frame),
              frame);
          return Flow::kNormal;
        }
        case NodeKind::kMacro: {
          const auto& macro = static_cast<const MacroNode&>(node);
          frame->set(macro.name, make_macro(macro, frame));
          return Flow::kNormal;
        }
        case NodeKind::kCallBlock:
          out += to_str(call_block(static_cast<const CallBlockNode&>(node), frame));
          return Flow::kNormal;
        case NodeKind::kFilterBlock: {
          const auto& block = static_cast<const FilterBlockNode&>(node);
          out += to_str(apply_block_filters(block.filters,
                                            render_to_string(block.body, child_of(frame)), frame));
          return Flow::kNormal;
        }
        case NodeKind::kWith: {
          const auto& with = static_cast<const WithNode&>(node);
          FramePtr inner = child_of(frame);
          for (const auto& [name, expr] : with.assignments) inner->set(name, eval(*expr, frame));
          return render_body(with.body, inner, out);
        }
        case NodeKind::kScope:
          return render_body(static_cast<const ScopeNode&>(node).body, child_of(frame), out);
        case NodeKind::kBreak:
          return Flow::kBreak;
        case NodeKind::kContinue:
          return Flow::kContinue;
      }
    } catch (const JinjaError& e) {
      throw located(e, node.line);
    }
    return Flow::kNormal;
  }

  std::string render_to_string(const Body& body, const FramePtr& frame) {
    std::string out;
    render_body(body, frame, out);
    return out;
  }

  Flow render_if(const IfNode& node, const FramePtr& frame, std::string& out) {
    for (const auto& [test, body] : node.branches)
      if (truthy(eval(*test, frame))) return render_body(body, frame, out);
    return render_body(node.else_body, frame, out);
  }

  // Binds one loop item (or the value of a set) to the target's names.
  void bind(const Target& target, const Value& value, Frame& frame) {
    if (!target.unpack) {
      frame.set(target.names[0], value);
      return;
    }
    if (!value.is_string() && !value.is_list() && !value.is_dict() && !value.is_undefined())
      throw JinjaError("TypeError", "cannot unpack non-iterable " + type_name(value) + " object");
    const List items = iterate(value);
    const size_t want = target.names.size();
    if (items.size() < want)
      throw JinjaError("ValueError", "not enough values to unpack (expected " +
                                         std::to_string(want) + ", got " +
                                         std::to_string(items.size()) + ")");
    if (items.size() > want)
      throw JinjaError("ValueError",
                       "too many values to unpack (expected " + std::to_string(want) + ")");
    for (size_t i = 0; i < want; ++i) frame.set(target.names[i], items[i]);
  }

  void assign(const Target& target, const Value& value, const FramePtr& frame) {
    if (target.attribute.empty()) {
      bind(target, value, *frame);
      return;
    }
    const Value* ns = frame->find(target.names[0]);
    if (!ns || !ns->is_object() || !ns->object->assignable)
      throw JinjaError("TemplateRuntimeError", "cannot assign attribute on non-namespace object");
    ns->object->set(target.attribute, value);
  }

  // The `loop` of one iteration: index, index0, revindex, revindex0, first, last, length,
  // previtem, nextitem, depth, depth0, cycle(...), changed(...).
  Value loop_object(const List& items, size_t i, const std::shared_ptr<Value>& last_changed) {
    auto loop = std::make_shared<Object>();
    loop->type_name = "LoopContext";
    const int64_t n = static_cast<int64_t>(items.size()), k = static_cast<int64_t>(i);
    loop->set("index", Value::from_int(k + 1));
    loop->set("index0", Value::from_int(k));
    loop->set("revindex", Value::from_int(n - k));
    loop->set("revindex0", Value::from_int(n - k - 1));
    loop->set("first", Value::from_bool(k == 0));
    loop->set("last", Value::from_bool(k == n - 1));
    loop->set("length", Value::from_int(n));
    loop->set("depth", Value::from_int(1));
    loop->set("depth0", Value::from_int(0));
    loop->set("previtem", k > 0 ? items[i - 1] : Value::undefined("there is no previous item"));
    loop->set("nextitem", k + 1 < n ? items[i + 1] : Value::undefined("there is no next item"));
    loop->set("cycle", Value::from_callable("cycle", [k](const CallArgs& args) {
                if (args.positional.empty())
                  throw JinjaError("TypeError", "no items for cycling given");
                return args.positional[k % args.positional.size()];
              }));
    loop->set("changed", Value::from_callable("changed", [last_changed](const CallArgs& args) {
                const Value now = Value::from_list(args.positional, true);
                const bool changed = last_changed->is_undefined() || !equals(*last_changed, now);
                *last_changed = now;
                return Value::from_bool(changed);
              }));
    return Value::from_object(loop);
  }

  void render_for(const ForNode& node, const FramePtr& frame, std::string& out) {
    List items = iterate(eval(*node.iterable, frame));
    if (node.filter) {
      List kept;
      for (const Value& item : items) {
        FramePtr scope = child_of(frame);
        bind(node.target, item, *scope);
        if (truthy(eval(*node.filter, scope))) kept.push_back(item);
      }
      items = std::move(kept);
    }
    if (items.empty()) {
      render_body(node.else_body, child_of(frame), out);
      return;
    }
    auto last_changed = std::make_shared<Value>();
    for (size_t i = 0; i < items.size(); ++i) {
      FramePtr scope = child_of(frame);
      bind(node.target, items[i], *scope);
      scope->set("loop", loop_object(items, i, last_changed));
      if (render_body(node.body, scope, out) == Flow::kBreak) break;
    }
  }

  Value apply_block_filters(const std::vector<std::unique_ptr<FilterExpr>>& filters,
                            std::string text, const FramePtr& frame) {
    Value value = Value::from_string(std::move(text));
    for (const auto& filter : filters)
      value = apply_filter(filter->name, value, eval_args(filter->args, frame));
    return value;
  }

  // ---- macros -------------------------------------------------------------------------------

  // The macro sees `closure` as it is when called. The renderer keeps the frame alive (a frame
  // holding a macro that held the frame would never be freed).
  Value make_macro(const MacroNode& macro, const FramePtr& closure) {
    closures_.push_back(closure);
    std::weak_ptr<Frame> scope = closure;
    return Value::from_callable(macro.name, [this, &macro, scope](const CallArgs& args) {
      return call_macro(macro, scope.lock(), args);
    });
  }

  Value call_macro(const MacroNode& macro, const FramePtr& closure, const CallArgs& args) {
    struct Depth {
      explicit Depth(int& d) : depth(d) {
        if (++depth > kMaxCallDepth)
          throw JinjaError("RecursionError", "maximum recursion depth exceeded in macro calls");
      }
      ~Depth() { --depth; }
      int& depth;
    } depth(call_depth_);
    const std::string who = "macro '" + macro.name + "'";
    if (args.positional.size() > macro.params.size() && !macro.uses_varargs)
      throw JinjaError("TypeError", who + " takes not more than " +
                                        std::to_string(macro.params.size()) + " argument(s)");
    FramePtr frame = child_of(closure);
    Dict extra_named;
    std::vector<const Value*> named_for(macro.params.size(), nullptr);
    for (const auto& [name, value] : args.named) {
      if (name == "caller") {
        frame->set("caller", value);
        continue;
      }
      size_t i = 0;
      while (i < macro.params.size() && macro.params[i].name != name) ++i;
      if (i < macro.params.size() && i >= args.positional.size()) {
        named_for[i] = &value;
        continue;
      }
      // Not a parameter, or one already given by position: jinja2 keeps it as an extra keyword.
      if (!macro.uses_kwargs)
        throw JinjaError("TypeError", who + " takes no keyword argument '" + name + "'");
      extra_named.set(Value::from_string(name), value);
    }
    for (size_t i = 0; i < macro.params.size(); ++i) {
      const MacroParam& param = macro.params[i];
      if (i < args.positional.size())
        frame->set(param.name, args.positional[i]);
      else if (named_for[i])
        frame->set(param.name, *named_for[i]);
      else if (param.default_value)
        frame->set(param.name, eval(*param.default_value, frame));
      else
        frame->set(param.name, Value::undefined("parameter '" + param.name + "' was not provided"));
    }
    if (macro.uses_varargs) {
      List rest;
      for (size_t i = macro.params.size(); i < args.positional.size(); ++i)
        rest.push_back(args.positional[i]);
      frame->set("varargs", Value::from_list(std::move(rest), true));
    }
    if (macro.uses_kwargs) frame->set("kwargs", Value::from_dict(std::move(extra_named)));
    return Value::from_string(render_to_string(macro.body, frame));
  }

  // {% call(params) macro(args) %}body{% endcall %}: the macro gets `caller`, which renders body.
  Value call_block(const CallBlockNode& node, const FramePtr& frame) {
    Value callee = eval(*node.call->callee, frame);
    CallArgs args = eval_args(node.call->args, frame);
    args.named.emplace_back("caller", make_macro(node, frame));
    return call(callee, args);
  }

  Value call(const Value& callee, const CallArgs& args) {
    if (callee.kind == Value::Kind::kCallable) return callee.callable->call(args);
    if (callee.is_undefined()) fail_undefined(callee);
    throw JinjaError("TypeError", "'" + type_name(callee) + "' object is not callable");
  }

  // ---- expressions --------------------------------------------------------------------------

  CallArgs eval_args(const Arguments& args, const FramePtr& frame) {
    CallArgs out;
    for (const ExprPtr& arg : args.positional) out.positional.push_back(eval(*arg, frame));
    for (const auto& [name, arg] : args.named) out.named.emplace_back(name, eval(*arg, frame));
    return out;
  }

  Value eval(const Expr& expr, const FramePtr& frame) {
    try {
      return eval_unlocated(expr, frame);
    } catch (const JinjaError& e) {
      throw located(e, expr.line);
    }
  }

  Value eval_unlocated(const Expr& expr, const FramePtr& frame) {
    switch (expr.kind) {
      case ExprKind::kConst:
        return static_cast<const ConstExpr&>(expr).value;
      case ExprKind::kName: {
        const std::string& name = static_cast<const NameExpr&>(expr).name;
        const Value* found = frame->find(name);
        return found ? *found : Value::undefined("'" + name + "' is undefined");
      }
      case ExprKind::kList: {
        const auto& list = static_cast<const ListExpr&>(expr);
        List items;
        for (const ExprPtr& item : list.items) items.push_back(eval(*item, frame));
        return Value::from_list(std::move(items), list.tuple);
      }
      case ExprKind::kDict: {
        Dict dict;
        for (const auto& [key, value] : static_cast<const DictExpr&>(expr).items)
          dict.set(eval(*key, frame), eval(*value, frame));
        return Value::from_dict(std::move(dict));
      }
      case ExprKind::kAttr: {
        const auto& attr = static_cast<const AttrExpr&>(expr);
        return get_attribute(eval(*attr.object, frame), attr.name);
      }
      case ExprKind::kItem: {
        const auto& item = static_cast<const ItemExpr&>(expr);
        const Value object = eval(*item.object, frame);
        return get_item(object, eval(*item.key, frame));
      }
      case ExprKind::kSlice:
        return eval_slice(static_cast<const SliceExpr&>(expr), frame);
      case ExprKind::kCall: {
        const auto& c = static_cast<const CallExpr&>(expr);
        const Value callee = eval(*c.callee, frame);
        return call(callee, eval_args(c.args, frame));
      }
      case ExprKind::kFilter: {
        const auto& f = static_cast<const FilterExpr&>(expr);
        if (f.missing)
          throw JinjaError("TemplateRuntimeError", "No filter named '" + f.name + "' found.");
        const Value input = eval(*f.input, frame);
        return apply_filter(f.name, input, eval_args(f.args, frame));
      }
      case ExprKind::kTest: {
        const auto& t = static_cast<const FilterExpr&>(expr);
        if (t.missing)
          throw JinjaError("TemplateRuntimeError", "No test named '" + t.name + "' found.");
        const Value input = eval(*t.input, frame);
        return Value::from_bool(apply_test(t.name, input, eval_args(t.args, frame)));
      }
      case ExprKind::kUnary: {
        const auto& u = static_cast<const UnaryExpr&>(expr);
        const Value operand = eval(*u.operand, frame);
        if (u.op == "not") return Value::from_bool(!truthy(operand));
        return u.op == "-" ? unary_minus(operand) : unary_plus(operand);
      }
      case ExprKind::kBinary: {
        const auto& b = static_cast<const BinaryExpr&>(expr);
        Value left = eval(*b.left, frame);
        if (b.op == "and") return truthy(left) ? eval(*b.right, frame) : left;
        if (b.op == "or") return truthy(left) ? left : eval(*b.right, frame);
        return binary_op(b.op, left, eval(*b.right, frame));
      }
      case ExprKind::kCompare:
        return eval_compare(static_cast<const CompareExpr&>(expr), frame);
      case ExprKind::kCondition: {
        const auto& c = static_cast<const ConditionExpr&>(expr);
        if (truthy(eval(*c.test, frame))) return eval(*c.then_value, frame);
        if (c.else_value) return eval(*c.else_value, frame);
        return Value::undefined("the inline if-expression on line " + std::to_string(c.line) +
                                " evaluated to false and no else section was defined.");
      }
    }
    throw JinjaError("TemplateRuntimeError", "unknown expression");
  }

  Value eval_slice(const SliceExpr& s, const FramePtr& frame) {
    const Value object = eval(*s.object, frame);
    const Value start = s.start ? eval(*s.start, frame) : Value::none();
    const Value stop = s.stop ? eval(*s.stop, frame) : Value::none();
    const Value step = s.step ? eval(*s.step, frame) : Value::none();
    return get_slice(object, &start, &stop, &step);
  }

  // a < b < c is (a < b) and (b < c), each side evaluated once.
  Value eval_compare(const CompareExpr& c, const FramePtr& frame) {
    Value left = eval(*c.first, frame);
    for (const auto& [op, operand] : c.rest) {
      Value right = eval(*operand, frame);
      bool holds;
      if (op == "==")
        holds = equals(left, right);
      else if (op == "!=")
        holds = !equals(left, right);
      else if (op == "<" || op == "<=" || op == ">" || op == ">=")
        holds = compare(left, op, right);
      else if (op == "in")
        holds = contains(right, left);
      else
        holds = !contains(right, left);  // "not in"
      if (!holds) return Value::from_bool(false);
      left = std::move(right);
    }
    return Value::from_bool(true);
  }

  const Template& tmpl_;
  int call_depth_ = 0;
  std::vector<FramePtr> closures_;  // frames macros were defined in, alive for the whole render
};

}  // namespace

std::string render_template(const Template& tmpl,
                            const std::vector<std::pair<std::string, Value>>& variables) {
  return Renderer(tmpl).run(variables);
}

}  // namespace tunedeck::jinja
