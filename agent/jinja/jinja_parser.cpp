#include "agent/jinja/jinja_parser.h"

#include <algorithm>
#include <set>

#include "agent/jinja/jinja_error.h"
#include "agent/jinja/jinja_filters.h"
#include "agent/jinja/jinja_lexer.h"
#include "agent/jinja/jinja_tests.h"

namespace tunedeck::jinja {
namespace {

constexpr int kMaxNesting = 200;  // expressions and blocks; deeper templates are refused

// jinja2 tags (and extension tags) a self-contained chat template has no use for.
const char* const kUnsupportedTags[] = {"include", "import", "from",       "extends",
                                        "block",   "do",     "autoescape", "trans"};

std::string quote_list(const std::vector<std::string>& names) {
  std::string out;
  for (size_t i = 0; i < names.size(); ++i) out += (i ? " or '" : "'") + names[i] + "'";
  return out;
}

class Parser {
 public:
  Parser(std::vector<Token> tokens, std::string name)
      : tokens_(std::move(tokens)), name_(std::move(name)) {}

  std::shared_ptr<const Template> run() {
    auto tmpl = std::make_shared<Template>();
    tmpl->name = name_;
    tmpl->body = parse_body({});
    for (const Missing& m : missing_)
      if (!m.soft)
        throw JinjaError("TemplateAssertionError", "No " + m.what + " named '" + m.name + "'.",
                         name_, m.line);
    return tmpl;
  }

 private:
  // ---- token cursor ---------------------------------------------------------------------------

  const Token& current() const { return tokens_[pos_]; }
  const Token& peek() const { return tokens_[std::min(pos_ + 1, tokens_.size() - 1)]; }
  const Token& advance() {
    const Token& token = tokens_[pos_];
    if (pos_ + 1 < tokens_.size()) ++pos_;
    return token;
  }
  bool is_op(const char* op) const {
    return current().type == TokenType::kOperator && current().text == op;
  }
  bool is_name(const char* name) const {
    return current().type == TokenType::kName && current().text == name;
  }
  bool skip_op(const char* op) {
    if (!is_op(op)) return false;
    advance();
    return true;
  }
  bool skip_name(const char* name) {
    if (!is_name(name)) return false;
    advance();
    return true;
  }

  [[noreturn]] void fail(const std::string& message, int line = 0) const {
    throw JinjaError("TemplateSyntaxError", message, name_, line ? line : current().line);
  }

  void expect_op(const char* op) {
    if (!skip_op(op))
      fail("expected token '" + std::string(op) + "', got '" + describe_token(current()) + "'");
  }
  std::string expect_name() {
    if (current().type != TokenType::kName)
      fail("expected token 'name', got '" + describe_token(current()) + "'");
    return advance().text;
  }
  void expect_block_end() {
    if (current().type != TokenType::kBlockEnd)
      fail("expected token 'end of statement block', got '" + describe_token(current()) + "'");
    advance();
  }
  // After the tag name of an end tag ({% endfor %}).
  void expect_end_tag(const char* tag) {
    if (!skip_name(tag)) fail("expected '" + std::string(tag) + "'");
    expect_block_end();
  }

  // Guards the C++ stack against absurdly nested templates.
  struct Nesting {
    explicit Nesting(Parser& p) : parser(p) {
      if (++parser.depth_ > kMaxNesting)
        parser.fail("template nested too deeply (over 200 levels)");
    }
    ~Nesting() { --parser.depth_; }
    Parser& parser;
  };

  // Inside an {% if %} (its test and branches) or an inline if, an unknown filter or test is an
  // error only when reached, as in jinja2.
  struct Soft {
    Soft(Parser& p, bool soft) : parser(p), saved(p.soft_) { parser.soft_ = soft; }
    ~Soft() { parser.soft_ = saved; }
    Parser& parser;
    bool saved;
  };
  struct Missing {
    std::string what, name;  // "filter" or "test", its name
    int line;
    bool soft;
  };

  // ---- statements ---------------------------------------------------------------------------

  // Nodes up to a {% tag %} named in `end_tags` (the cursor is left on that name) or, with no
  // end tags, to the end of the template.
  Body parse_body(const std::vector<std::string>& end_tags) {
    Body body;
    while (true) {
      const Token& token = current();
      switch (token.type) {
        case TokenType::kData:
          body.push_back(std::make_unique<DataNode>(token.line, token.text));
          advance();
          break;
        case TokenType::kVariableBegin: {
          advance();
          const int line = current().line;
          ExprPtr expr = parse_tuple(false, true, {}, false);
          if (current().type != TokenType::kVariableEnd)
            fail("expected token 'end of print statement', got '" + describe_token(current()) +
                 "'");
          advance();
          body.push_back(std::make_unique<OutputNode>(line, std::move(expr)));
          break;
        }
        case TokenType::kBlockBegin: {
          advance();
          if (current().type == TokenType::kName &&
              std::find(end_tags.begin(), end_tags.end(), current().text) != end_tags.end())
            return body;
          body.push_back(parse_statement());
          break;
        }
        case TokenType::kEnd:
          if (!end_tags.empty())
            fail("Unexpected end of template. Jinja was looking for the following tags: " +
                     quote_list(end_tags) + ". The innermost block that needs to be closed is '" +
                     open_blocks_.back().first + "' (opened on line " +
                     std::to_string(open_blocks_.back().second) + ").",
                 token.line);
          return body;
        default:
          fail("unexpected '" + describe_token(token) + "'");
      }
    }
  }

  // A block's body up to one of `end_tags`, remembering which block is open for error messages.
  // Only an {% if %}'s branches share its scope (and its leniency about unknown filters).
  Body parse_block_body(const std::string& block, int line,
                        const std::vector<std::string>& end_tags) {
    Soft soft(*this, block == "if" && soft_);
    open_blocks_.emplace_back(block, line);
    open_end_tags_.push_back(end_tags);
    Body body = parse_body(end_tags);
    open_end_tags_.pop_back();
    open_blocks_.pop_back();
    return body;
  }

  [[noreturn]] void fail_unknown_tag(const std::string& tag, int line) const {
    std::string message = "Encountered unknown tag '" + tag + "'.";
    if (std::find(std::begin(kUnsupportedTags), std::end(kUnsupportedTags), tag) !=
        std::end(kUnsupportedTags))
      message =
          "the '" + tag + "' tag is not supported by this engine (one template, no extensions).";
    for (auto it = open_end_tags_.rbegin(); it != open_end_tags_.rend(); ++it) {
      if (std::find(it->begin(), it->end(), tag) == it->end()) continue;
      message += " You probably made a nesting mistake: '" + tag + "' closes an outer block.";
      break;
    }
    if (!open_blocks_.empty())
      message += " Jinja was looking for the following tags: " + quote_list(open_end_tags_.back()) +
                 ". The innermost block that needs to be closed is '" + open_blocks_.back().first +
                 "'.";
    fail(message, line);
  }

  NodePtr parse_statement() {
    Nesting nesting(*this);
    const int line = current().line;
    if (current().type != TokenType::kName)
      fail("tag name expected, got '" + describe_token(current()) + "'");
    const std::string tag = advance().text;
    if (tag == "if") return parse_if(line);
    if (tag == "for") return parse_for(line);
    if (tag == "set") return parse_set(line);
    if (tag == "macro") return parse_macro(line);
    if (tag == "call") return parse_call_block(line);
    if (tag == "filter") return parse_filter_block(line);
    if (tag == "with") return parse_with(line);
    if (tag == "generation") {
      auto node = std::make_unique<ScopeNode>(NodeKind::kScope, line);
      expect_block_end();
      node->body = parse_block_body("generation", line, {"endgeneration"});
      expect_end_tag("endgeneration");
      return node;
    }
    if (tag == "break" || tag == "continue") {
      if (loop_depth_ == 0) fail("'" + tag + "' outside of a for loop", line);
      expect_block_end();
      return std::make_unique<Node>(tag == "break" ? NodeKind::kBreak : NodeKind::kContinue, line);
    }
    fail_unknown_tag(tag, line);
  }

  NodePtr parse_if(int line) {
    auto node = std::make_unique<IfNode>(line);
    Soft soft(*this, true);
    ExprPtr test = parse_tuple(false, false, {}, false);
    expect_block_end();
    while (true) {
      Body body = parse_block_body("if", line, {"elif", "else", "endif"});
      node->branches.emplace_back(std::move(test), std::move(body));
      if (skip_name("elif")) {
        test = parse_tuple(false, false, {}, false);
        expect_block_end();
        continue;
      }
      if (skip_name("else")) {
        expect_block_end();
        node->else_body = parse_block_body("if", line, {"endif"});
      }
      expect_end_tag("endif");
      return node;
    }
  }

  NodePtr parse_for(int line) {
    auto node = std::make_unique<ForNode>(line);
    node->target = parse_target({"in"}, false);
    if (!skip_name("in")) fail("expected token 'in', got '" + describe_token(current()) + "'");
    node->iterable = parse_tuple(false, false, {"recursive"}, false);
    if (skip_name("if")) node->filter = parse_expression(true);
    if (is_name("recursive")) fail("recursive for loops are not supported");
    expect_block_end();
    ++loop_depth_;
    node->body = parse_block_body("for", line, {"endfor", "else"});
    --loop_depth_;
    if (skip_name("else")) {
      expect_block_end();
      node->else_body = parse_block_body("for", line, {"endfor"});
    }
    expect_end_tag("endfor");
    return node;
  }

  NodePtr parse_set(int line) {
    Target target = parse_target({}, true);
    if (skip_op("=")) {
      auto node = std::make_unique<SetNode>(line);
      node->target = std::move(target);
      node->value = parse_tuple(false, true, {}, false);
      expect_block_end();
      return node;
    }
    if (target.unpack) fail("a {% set %} block takes one name");
    auto node = std::make_unique<SetBlockNode>(line);
    node->target = std::move(target);
    while (skip_op("|")) node->filters.push_back(parse_filter(nullptr));
    expect_block_end();
    node->body = parse_block_body("set", line, {"endset"});
    expect_end_tag("endset");
    return node;
  }

  // Names (a, b / (a, b)) or ns.attribute (with_namespace), ending before `end_names`.
  Target parse_target(const std::vector<std::string>& end_names, bool with_namespace) {
    Target target;
    if (with_namespace && current().type == TokenType::kName &&
        peek().type == TokenType::kOperator && peek().text == ".") {
      target.names.push_back(advance().text);
      advance();
      target.attribute = expect_name();
      return target;
    }
    const bool parenthesized = skip_op("(");
    while (true) {
      const std::string name = expect_name();
      static const std::set<std::string> kConstants = {"true", "false", "none",
                                                       "True", "False", "None"};
      if (kConstants.count(name)) fail("can't assign to '" + name + "'");
      target.names.push_back(name);
      if (!skip_op(",")) break;
      target.unpack = true;
      if (current().type != TokenType::kName ||
          std::find(end_names.begin(), end_names.end(), current().text) != end_names.end())
        break;
    }
    if (parenthesized) {
      expect_op(")");
      target.unpack = true;
    }
    return target;
  }

  // "(a, b=1)" of a macro or a call block.
  std::vector<MacroParam> parse_signature() {
    std::vector<MacroParam> params;
    expect_op("(");
    while (!is_op(")")) {
      if (!params.empty()) expect_op(",");
      if (is_op(")")) break;
      MacroParam param;
      param.name = expect_name();
      if (skip_op("="))
        param.default_value = parse_expression(true);
      else if (!params.empty() && params.back().default_value)
        fail("non-default argument follows default argument");
      params.push_back(std::move(param));
    }
    expect_op(")");
    return params;
  }

  // A macro's body, with loop controls reset and the names it uses recorded.
  void parse_macro_body(MacroNode& node, const std::string& block, int line, const char* end_tag) {
    const int saved_loop_depth = loop_depth_;
    loop_depth_ = 0;
    names_seen_.emplace_back();
    node.body = parse_block_body(block, line, {end_tag});
    node.uses_varargs = names_seen_.back().count("varargs") > 0;
    node.uses_kwargs = names_seen_.back().count("kwargs") > 0;
    names_seen_.pop_back();
    loop_depth_ = saved_loop_depth;
    expect_end_tag(end_tag);
  }

  NodePtr parse_macro(int line) {
    auto node = std::make_unique<MacroNode>(NodeKind::kMacro, line);
    node->name = expect_name();
    node->params = parse_signature();
    expect_block_end();
    parse_macro_body(*node, "macro", line, "endmacro");
    return node;
  }

  NodePtr parse_call_block(int line) {
    auto node = std::make_unique<CallBlockNode>(line);
    node->name = "caller";
    if (is_op("(")) node->params = parse_signature();
    ExprPtr call = parse_expression(true);
    if (call->kind != ExprKind::kCall) fail("expected a call after {% call %}", line);
    node->call.reset(static_cast<CallExpr*>(call.release()));
    expect_block_end();
    parse_macro_body(*node, "call", line, "endcall");
    return node;
  }

  NodePtr parse_filter_block(int line) {
    auto node = std::make_unique<FilterBlockNode>(line);
    do node->filters.push_back(parse_filter(nullptr));
    while (skip_op("|"));
    expect_block_end();
    node->body = parse_block_body("filter", line, {"endfilter"});
    expect_end_tag("endfilter");
    return node;
  }

  NodePtr parse_with(int line) {
    auto node = std::make_unique<WithNode>(line);
    while (current().type != TokenType::kBlockEnd) {
      if (!node->assignments.empty()) expect_op(",");
      std::string name = expect_name();
      expect_op("=");
      node->assignments.emplace_back(std::move(name), parse_expression(true));
    }
    expect_block_end();
    node->body = parse_block_body("with", line, {"endwith"});
    expect_end_tag("endwith");
    return node;
  }

  // ---- expressions --------------------------------------------------------------------------

  bool is_tuple_end(const std::vector<std::string>& extra_end_names) const {
    const Token& token = current();
    if (token.type == TokenType::kVariableEnd || token.type == TokenType::kBlockEnd ||
        token.type == TokenType::kEnd)
      return true;
    if (token.type == TokenType::kOperator && token.text == ")") return true;
    return token.type == TokenType::kName &&
           std::find(extra_end_names.begin(), extra_end_names.end(), token.text) !=
               extra_end_names.end();
  }

  // One expression, or several separated by commas as a tuple.
  ExprPtr parse_tuple(bool simplified, bool with_condexpr,
                      const std::vector<std::string>& extra_end_names, bool explicit_parentheses) {
    const int line = current().line;
    std::vector<ExprPtr> items;
    bool is_tuple = false;
    while (true) {
      if (!items.empty()) expect_op(",");
      if (is_tuple_end(extra_end_names)) break;
      items.push_back(simplified ? parse_primary() : parse_expression(with_condexpr));
      if (is_op(","))
        is_tuple = true;
      else
        break;
    }
    if (!is_tuple) {
      if (!items.empty()) return std::move(items[0]);
      if (!explicit_parentheses)
        fail("expected an expression, got '" + describe_token(current()) + "'");
    }
    auto tuple = std::make_unique<ListExpr>(line, true);
    tuple->items = std::move(items);
    return tuple;
  }

  ExprPtr parse_expression(bool with_condexpr) {
    Nesting nesting(*this);
    return with_condexpr ? parse_condition() : parse_or();
  }

  ExprPtr parse_condition() {
    const size_t missing_before = missing_.size();
    ExprPtr expr = parse_or();
    if (is_name("if"))
      for (size_t i = missing_before; i < missing_.size(); ++i) missing_[i].soft = true;
    while (is_name("if")) {
      Soft soft(*this, true);
      auto cond = std::make_unique<ConditionExpr>(advance().line);
      cond->test = parse_or();
      if (skip_name("else")) cond->else_value = parse_condition();
      cond->then_value = std::move(expr);
      expr = std::move(cond);
    }
    return expr;
  }

  ExprPtr parse_or() {
    ExprPtr left = parse_and();
    while (is_name("or")) {
      const int line = advance().line;
      left = std::make_unique<BinaryExpr>(line, "or", std::move(left), parse_and());
    }
    return left;
  }

  ExprPtr parse_and() {
    ExprPtr left = parse_not();
    while (is_name("and")) {
      const int line = advance().line;
      left = std::make_unique<BinaryExpr>(line, "and", std::move(left), parse_not());
    }
    return left;
  }

  ExprPtr parse_not() {
    if (is_name("not")) {
      Nesting nesting(*this);
      const int line = advance().line;
      return std::make_unique<UnaryExpr>(line, "not", parse_not());
    }
    return parse_compare();
  }

  ExprPtr parse_compare() {
    const int line = current().line;
    ExprPtr first = parse_math1();
    std::unique_ptr<CompareExpr> compare;
    while (true) {
      std::string op;
      const Token& token = current();
      if (token.type == TokenType::kOperator &&
          (token.text == "==" || token.text == "!=" || token.text == "<" || token.text == "<=" ||
           token.text == ">" || token.text == ">=")) {
        op = token.text;
        advance();
      } else if (is_name("in")) {
        op = "in";
        advance();
      } else if (is_name("not") && peek().type == TokenType::kName && peek().text == "in") {
        op = "not in";
        advance();
        advance();
      } else {
        break;
      }
      if (!compare) compare = std::make_unique<CompareExpr>(line, std::move(first));
      compare->rest.emplace_back(op, parse_math1());
    }
    if (compare) return compare;
    return first;
  }

  // Left-associative binary operators of one precedence level.
  template <typename Next>
  ExprPtr parse_binary(std::initializer_list<const char*> ops, Next next) {
    ExprPtr left = (this->*next)();
    while (true) {
      const char* matched = nullptr;
      for (const char* op : ops)
        if (is_op(op)) matched = op;
      if (!matched) return left;
      const int line = advance().line;
      left = std::make_unique<BinaryExpr>(line, matched, std::move(left), (this->*next)());
    }
  }

  ExprPtr parse_math1() { return parse_binary({"+", "-"}, &Parser::parse_concat); }
  ExprPtr parse_concat() { return parse_binary({"~"}, &Parser::parse_math2); }
  ExprPtr parse_math2() { return parse_binary({"*", "/", "//", "%"}, &Parser::parse_pow); }
  ExprPtr parse_pow() { return parse_binary({"**"}, &Parser::parse_unary_with_filters); }
  ExprPtr parse_unary_with_filters() { return parse_unary(true); }

  ExprPtr parse_unary(bool with_filters) {
    Nesting nesting(*this);
    ExprPtr node;
    if (is_op("-") || is_op("+")) {
      const Token& token = advance();
      node = std::make_unique<UnaryExpr>(token.line, token.text, parse_unary(false));
    } else {
      node = parse_primary();
    }
    node = parse_postfix(std::move(node));
    if (with_filters) node = parse_filter_expr(std::move(node));
    return node;
  }

  ExprPtr parse_primary() {
    Nesting nesting(*this);
    const Token& token = current();
    const int line = token.line;
    switch (token.type) {
      case TokenType::kName: {
        const std::string name = advance().text;
        if (name == "true" || name == "True")
          return std::make_unique<ConstExpr>(line, Value::from_bool(true));
        if (name == "false" || name == "False")
          return std::make_unique<ConstExpr>(line, Value::from_bool(false));
        if (name == "none" || name == "None")
          return std::make_unique<ConstExpr>(line, Value::none());
        for (auto& names : names_seen_) names.insert(name);
        return std::make_unique<NameExpr>(line, name);
      }
      case TokenType::kString: {
        std::string text;
        while (current().type == TokenType::kString) text += advance().text;  // "a" "b" is "ab"
        return std::make_unique<ConstExpr>(line, Value::from_string(text));
      }
      case TokenType::kInteger:
        return std::make_unique<ConstExpr>(line, Value::from_int(advance().integer));
      case TokenType::kFloat:
        return std::make_unique<ConstExpr>(line, Value::from_float(advance().number));
      case TokenType::kOperator:
        if (token.text == "(") {
          advance();
          ExprPtr expr = parse_tuple(false, true, {}, true);
          expect_op(")");
          return expr;
        }
        if (token.text == "[") return parse_list();
        if (token.text == "{") return parse_dict();
        break;
      default:
        break;
    }
    fail("unexpected '" + describe_token(token) + "'");
  }

  ExprPtr parse_list() {
    auto list = std::make_unique<ListExpr>(advance().line, false);
    while (!is_op("]")) {
      if (!list->items.empty()) expect_op(",");
      if (is_op("]")) break;
      list->items.push_back(parse_expression(true));
    }
    expect_op("]");
    return list;
  }

  ExprPtr parse_dict() {
    auto dict = std::make_unique<DictExpr>(advance().line);
    while (!is_op("}")) {
      if (!dict->items.empty()) expect_op(",");
      if (is_op("}")) break;
      ExprPtr key = parse_expression(true);
      expect_op(":");
      dict->items.emplace_back(std::move(key), parse_expression(true));
    }
    expect_op("}");
    return dict;
  }

  ExprPtr parse_postfix(ExprPtr node) {
    while (true) {
      if (is_op(".") || is_op("["))
        node = parse_subscript(std::move(node));
      else if (is_op("("))
        node = parse_call(std::move(node));
      else
        return node;
    }
  }

  ExprPtr parse_filter_expr(ExprPtr node) {
    while (true) {
      if (skip_op("|"))
        node = parse_filter(std::move(node));
      else if (is_name("is"))
        node = parse_test(std::move(node));
      else if (is_op("("))
        node = parse_call(std::move(node));
      else
        return node;
    }
  }

  ExprPtr parse_subscript(ExprPtr node) {
    const Token& token = advance();
    const int line = token.line;
    if (token.text == ".") {
      const Token& attr = current();
      if (attr.type == TokenType::kName)
        return std::make_unique<AttrExpr>(line, std::move(node), advance().text);
      if (attr.type == TokenType::kInteger)
        return std::make_unique<ItemExpr>(
            line, std::move(node),
            std::make_unique<ConstExpr>(line, Value::from_int(advance().integer)));
      fail("expected name or number after '.'");
    }
    // [key], [a:b:c] or [k1, k2] (a tuple key)
    std::vector<ExprPtr> keys;
    std::unique_ptr<SliceExpr> slice;
    while (!is_op("]")) {
      if (!keys.empty() || slice) expect_op(",");
      if (slice) fail("a slice cannot be combined with other subscripts");
      ExprPtr start;
      if (!is_op(":")) start = parse_expression(true);
      if (!is_op(":")) {
        keys.push_back(std::move(start));
        continue;
      }
      if (!keys.empty()) fail("a slice cannot be combined with other subscripts");
      advance();
      slice = std::make_unique<SliceExpr>(line);
      slice->start = std::move(start);
      if (!is_op("]") && !is_op(",") && !is_op(":")) slice->stop = parse_expression(true);
      if (skip_op(":") && !is_op("]") && !is_op(",")) slice->step = parse_expression(true);
    }
    expect_op("]");
    if (slice) {
      slice->object = std::move(node);
      return slice;
    }
    if (keys.empty()) fail("expected a subscript between '[' and ']'", line);
    if (keys.size() == 1)
      return std::make_unique<ItemExpr>(line, std::move(node), std::move(keys[0]));
    auto tuple = std::make_unique<ListExpr>(line, true);
    tuple->items = std::move(keys);
    return std::make_unique<ItemExpr>(line, std::move(node), std::move(tuple));
  }

  Arguments parse_call_args() {
    Arguments args;
    expect_op("(");
    bool first = true;
    while (!is_op(")")) {
      if (!first) expect_op(",");
      first = false;
      if (is_op(")")) break;
      if (is_op("*") || is_op("**")) fail("*args and **kwargs in calls are not supported");
      if (current().type == TokenType::kName && peek().type == TokenType::kOperator &&
          peek().text == "=") {
        std::string name = advance().text;
        advance();
        args.named.emplace_back(std::move(name), parse_expression(true));
      } else {
        if (!args.named.empty())
          fail(
              "invalid syntax for function call expression: a positional argument follows a "
              "keyword argument");
        args.positional.push_back(parse_expression(true));
      }
    }
    expect_op(")");
    return args;
  }

  ExprPtr parse_call(ExprPtr callee) {
    auto call = std::make_unique<CallExpr>(current().line, std::move(callee));
    call->args = parse_call_args();
    return call;
  }

  std::string dotted_name() {
    std::string name = expect_name();
    while (is_op(".") && peek().type == TokenType::kName) {
      advance();
      name += "." + advance().text;
    }
    return name;
  }

  // After the "|": name(args).
  std::unique_ptr<FilterExpr> parse_filter(ExprPtr input) {
    const int line = current().line;
    const std::string name = dotted_name();
    auto filter = std::make_unique<FilterExpr>(ExprKind::kFilter, line, std::move(input), name);
    if (!filter_exists(name)) {
      filter->missing = true;
      missing_.push_back({"filter", name, line, soft_});
    }
    if (is_op("(")) filter->args = parse_call_args();
    return filter;
  }

  ExprPtr parse_test(ExprPtr input) {
    const int line = advance().line;  // "is"
    const bool negated = skip_name("not");
    const std::string name = dotted_name();
    auto test = std::make_unique<FilterExpr>(ExprKind::kTest, line, std::move(input), name);
    if (!test_exists(name)) {
      test->missing = true;
      missing_.push_back({"test", name, line, soft_});
    }
    const Token& token = current();
    const bool argument_follows =
        token.type == TokenType::kName || token.type == TokenType::kString ||
        token.type == TokenType::kInteger || token.type == TokenType::kFloat ||
        (token.type == TokenType::kOperator && (token.text == "[" || token.text == "{"));
    if (is_op("(")) {
      test->args = parse_call_args();
    } else if (argument_follows && !is_name("else") && !is_name("or") && !is_name("and")) {
      if (is_name("is")) fail("you cannot chain multiple tests with is");
      test->args.positional.push_back(parse_postfix(parse_primary()));
    }
    if (!negated) return test;
    return std::make_unique<UnaryExpr>(line, "not", std::move(test));
  }

  std::vector<Token> tokens_;
  std::string name_;
  size_t pos_ = 0;
  int depth_ = 0;
  int loop_depth_ = 0;
  std::vector<std::pair<std::string, int>> open_blocks_;  // block tag, line
  std::vector<std::vector<std::string>> open_end_tags_;   // what closes each open block
  std::vector<std::set<std::string>> names_seen_;         // names used inside each open macro
  bool soft_ = false;                                     // inside an if: see Soft
  std::vector<Missing> missing_;                          // unknown filters and tests met
};

}  // namespace

std::shared_ptr<const Template> parse_template(const std::string& source, const std::string& name) {
  return Parser(tokenize(source, name), name).run();
}

}  // namespace tunedeck::jinja
