// Cuts a Jinja template into tokens the way jinja2's lexer does with transformers' settings:
// trim_blocks (the newline after a block or comment tag goes), lstrip_blocks (spaces before a
// block or comment tag on its own line go), `-` and `+` whitespace control, {# comments #},
// {% raw %}, newlines normalised to \n and one trailing newline dropped. Not the parser.
// Pure; thread-safe.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace tunedeck::jinja {

enum class TokenType {
  kData,           // template text outside tags (text)
  kVariableBegin,  // {{
  kVariableEnd,    // }}
  kBlockBegin,     // {%
  kBlockEnd,       // %}
  kName,           // identifier (text)
  kString,         // string literal, escapes resolved (text)
  kInteger,        // integer literal (integer)
  kFloat,          // float literal (number)
  kOperator,       // + - * / // % ** ~ == != < <= > >= = . , : | ( ) [ ] { } ; (text)
  kEnd,            // end of the template
};

struct Token {
  TokenType type = TokenType::kEnd;
  std::string text;
  int64_t integer = 0;
  double number = 0;
  int line = 1;
};

// Throws JinjaError (TemplateSyntaxError, naming `template_name` and the line) for an unclosed
// tag, comment or string, an unexpected character, or unbalanced brackets.
std::vector<Token> tokenize(const std::string& source, const std::string& template_name);

// How a token reads in an error message: "end of statement block", "'}'", "name 'foo'".
std::string describe_token(const Token& token);

}  // namespace tunedeck::jinja
