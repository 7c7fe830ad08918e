#include "datagen/toolcall_data.h"

#include <stdexcept>

#include "agent/builtin_tools.h"
#include "agent/calendar_date.h"
#include "agent/tool_call_parser.h"
#include "agent/tool_registry.h"
#include "datagen/seeded_random.h"
#include "datagen/toolcall_data_v7.h"

namespace tunedeck {
namespace {

using nlohmann::json;

// Compact JSON exactly as the agent loop writes tool results (agent/agent_loop.cpp).
std::string compact_json(const json& value) {
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

// JSON with Python json.dumps spacing: ", " between items, ": " after keys.
std::string readable_json(const json& value) {
  if (value.is_object() || value.is_array()) {
    const bool object = value.is_object();
    std::string out = object ? "{" : "[";
    bool first = true;
    for (auto it = value.begin(); it != value.end(); ++it) {
      if (!first) out += ", ";
      first = false;
      if (object) out += compact_json(json(it.key())) + ": ";
      out += readable_json(it.value());
    }
    return out + (object ? "}" : "]");
  }
  return compact_json(value);
}

// ---- Sampling
// -------------------------------------------------------------------------------------

CalendarDate edge_date(SeededRandom& r) {
  const int year = static_cast<int>(r.between(2000, 2030));
  switch (r.below(6)) {
    case 0:
      return CalendarDate::from_parts(year, 1, 1);
    case 1:
      return CalendarDate::from_parts(year, 12, 31);
    case 2:
      return CalendarDate::from_parts(year, 2, 28);
    case 3:
      return CalendarDate::from_parts(year - year % 4, 2, 29);  // 2000..2028: all leap years
    case 4:
      return CalendarDate::from_parts(year, 3, 1);
    default: {
      const int month = static_cast<int>(r.between(1, 12));
      return CalendarDate::from_parts(year, month, days_in_month(year, month));
    }
  }
}

// Mostly near now, sometimes decades away, sometimes a month or year edge.
CalendarDate sample_date(SeededRandom& r) {
  int year = 0;
  switch (r.weighted({55, 25, 12, 8})) {
    case 0:
      year = static_cast<int>(r.between(2020, 2030));
      break;
    case 1:
      year = static_cast<int>(r.between(1990, 2045));
      break;
    case 2:
      year = static_cast<int>(r.between(1900, 2100));
      break;
    default:
      return edge_date(r);
  }
  const int month = static_cast<int>(r.between(1, 12));
  const int day = static_cast<int>(r.between(1, days_in_month(year, month)));
  return CalendarDate::from_parts(year, month, day);
}

// The "today" of one conversation.
CalendarDate sample_today(SeededRandom& r) {
  const long long first = CalendarDate::from_parts(2024, 1, 1).days_since_epoch();
  const long long last = CalendarDate::from_parts(2028, 12, 31).days_since_epoch();
  return CalendarDate::from_days_since_epoch(r.between(first, last));
}

// A day count (> 0): small numbers, round numbers, whole weeks, and the occasional large one.
// The hard mix draws whole weeks twice as often.
long long sample_day_count(bool hard, SeededRandom& r) {
  switch (hard ? r.weighted({24, 14, 14, 6, 34, 8}) : r.weighted({34, 18, 18, 8, 16, 6})) {
    case 0:
      return r.between(1, 31);
    case 1:
      return r.pick({10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 100, 100, 200, 300, 365, 500, 1000});
    case 2:
      return r.between(32, 400);
    case 3:
      return r.between(401, 3000);
    case 4:
      return 7 * (r.chance(75) ? r.between(1, 8) : r.between(9, 52));
    default:
      return r.pick({1, 2, 3, 4, 10, 15});  // counts with a word of their own (이틀, 열흘)
  }
}

long long sample_offset(bool hard, SeededRandom& r, int percent_after) {
  const long long count = sample_day_count(hard, r);
  return r.chance(percent_after) ? count : -count;
}

// Today-relative offsets: a quarter are tomorrow/yesterday-like words.
long long sample_today_offset(bool hard, SeededRandom& r) {
  if (r.chance(25)) return r.pick({1, 2, 3, -1, -2, 7, -7});
  return sample_offset(hard, r, 65);
}

// Follow-ups are mostly short hops: the next/previous day, a week, a few days.
long long sample_follow_up_offset(bool hard, SeededRandom& r) {
  switch (hard ? r.weighted({20, 25, 55}) : r.weighted({20, 10, 70})) {
    case 0:
      return r.chance(60) ? 1 : -1;
    case 1:
      return r.chance(60) ? 7 : -7;
    default: {
      const long long count = r.chance(70) ? r.between(2, 60) : sample_day_count(hard, r);
      return r.chance(65) ? count : -count;
    }
  }
}

Politeness sample_politeness(SeededRandom& r) {
  switch (r.weighted({40, 40, 20})) {
    case 0:
      return Politeness::kPlain;
    case 1:
      return Politeness::kPolite;
    default:
      return Politeness::kFormal;
  }
}

// ---- Turns
// ----------------------------------------------------------------------------------------

struct StepResult {
  ToolcallStep step;
  json result;
};

StepResult run_tool(const ToolRegistry& tools, const std::string& name, const json& arguments) {
  const ToolResult run = tools.run(ToolCall{name, arguments});
  if (!run.ok()) {
    throw std::logic_error("toolcall data: " + name + " " + compact_json(arguments) +
                           " failed: " + run.error);
  }
  StepResult out;
  out.step.name = name;
  out.step.arguments = arguments;
  out.step.call_text = toolcall_data_call_text(name, arguments);
  out.step.result_text = compact_json(run.for_model());
  out.result = run.result;
  return out;
}

// The today tool's result in a conversation whose today is `today`: the tool with its clock
// pinned there.
StepResult today_step(const CalendarDate& today) {
  ToolRegistry pinned;
  pinned.add(make_today_tool(fixed_today_clock(today)));
  return run_tool(pinned, "today", json::object());
}

struct TurnContext {
  ToolcallLanguage language;
  CalendarDate today;
  std::string anchor;  // kFollowUp: the previous answer's date
};

ToolcallTurn make_turn(const ToolRegistry& tools, const TurnContext& context,
                       const QuestionSpec& spec, SeededRandom& r) {
  ToolcallTurn turn;
  turn.intent = spec.intent;
  const PhrasedQuestion question = phrase_question(context.language, spec, r);
  turn.user = question.text;
  std::vector<StepResult> steps;
  switch (spec.intent) {
    case ToolcallIntent::kWeekday:
      steps.push_back(run_tool(tools, "weekday", {{"date", spec.date.iso()}}));
      break;
    case ToolcallIntent::kAddDays:
      steps.push_back(
          run_tool(tools, "add_days", {{"date", spec.date.iso()}, {"days", spec.days}}));
      break;
    case ToolcallIntent::kToday:
      steps.push_back(today_step(context.today));
      break;
    case ToolcallIntent::kTodayAddDays:
      steps.push_back(today_step(context.today));
      steps.push_back(
          run_tool(tools, "add_days", {{"date", context.today.iso()}, {"days", spec.days}}));
      break;
    case ToolcallIntent::kFollowUp:
      steps.push_back(run_tool(tools, "add_days", {{"date", context.anchor}, {"days", spec.days}}));
      break;
    case ToolcallIntent::kFollowUpSameAs:
      if (spec.repeats_weekday) {
        steps.push_back(run_tool(tools, "weekday", {{"date", spec.date.iso()}}));
      } else {
        steps.push_back(
            run_tool(tools, "add_days", {{"date", spec.date.iso()}, {"days", spec.days}}));
      }
      break;
  }
  for (const StepResult& step : steps) turn.steps.push_back(step.step);
  const json& last = steps.back().result;
  turn.answer = phrase_answer(context.language, spec, question.form, last, r);
  turn.answer_date = last.at("date").get<std::string>();
  return turn;
}

// Which odds and forms the conversations draw with (ToolcallDataOptions::hard_counts,
// hard_dates, stated_dates).
struct Mix {
  bool hard_counts = false;
  bool hard_dates = false;
  bool stated_dates = false;
};

// The question of a single-turn intent, its values drawn.
QuestionSpec first_question(ToolcallIntent intent, Politeness politeness, const Mix& mix,
                            SeededRandom& r) {
  const bool hard = mix.hard_counts;
  QuestionSpec spec;
  spec.intent = intent;
  spec.politeness = politeness;
  spec.hard_counts = mix.hard_counts;
  spec.hard_dates = mix.hard_dates;
  spec.stated_dates = mix.stated_dates;
  switch (intent) {
    case ToolcallIntent::kWeekday:
      spec.date = sample_date(r);
      break;
    case ToolcallIntent::kAddDays:
      spec.date = sample_date(r);
      spec.days = sample_offset(hard, r, 60);
      break;
    case ToolcallIntent::kTodayAddDays:
      spec.days = sample_today_offset(hard, r);
      break;
    default:
      break;
  }
  return spec;
}

bool can_repeat(const QuestionSpec& spec) {
  return spec.intent == ToolcallIntent::kWeekday || spec.intent == ToolcallIntent::kAddDays ||
         spec.intent == ToolcallIntent::kFollowUpSameAs;
}

// "…and what about <new date>?": the previous question again.
QuestionSpec same_question_again(const QuestionSpec& previous, SeededRandom& r) {
  QuestionSpec spec;
  spec.intent = ToolcallIntent::kFollowUpSameAs;
  spec.politeness = previous.politeness;
  spec.hard_counts = previous.hard_counts;
  spec.hard_dates = previous.hard_dates;
  spec.repeats_weekday =
      previous.intent == ToolcallIntent::kWeekday ||
      (previous.intent == ToolcallIntent::kFollowUpSameAs && previous.repeats_weekday);
  spec.date = sample_date(r);
  spec.days = previous.days;
  return spec;
}

QuestionSpec relative_question(Politeness politeness, const Mix& mix, SeededRandom& r) {
  QuestionSpec spec;
  spec.intent = ToolcallIntent::kFollowUp;
  spec.politeness = politeness;
  spec.hard_counts = mix.hard_counts;
  spec.hard_dates = mix.hard_dates;
  spec.days = sample_follow_up_offset(mix.hard_counts, r);
  return spec;
}

ToolcallConversation make_conversation(const ToolRegistry& tools, ToolcallIntent intent,
                                       ToolcallLanguage language, const Mix& mix, SeededRandom& r) {
  ToolcallConversation conversation;
  conversation.intent = intent;
  conversation.language = language;
  const Politeness politeness = sample_politeness(r);
  TurnContext context{language, sample_today(r), ""};
  if (intent != ToolcallIntent::kFollowUp) {
    conversation.turns.push_back(
        make_turn(tools, context, first_question(intent, politeness, mix, r), r));
    return conversation;
  }
  static const ToolcallIntent kFirst[] = {ToolcallIntent::kWeekday, ToolcallIntent::kAddDays,
                                          ToolcallIntent::kTodayAddDays, ToolcallIntent::kToday};
  QuestionSpec previous = first_question(kFirst[r.weighted({35, 40, 15, 10})], politeness, mix, r);
  conversation.turns.push_back(make_turn(tools, context, previous, r));
  // Then: [the same question for another date,] a relative hop, [another relative hop].
  std::vector<bool> relative;
  if (can_repeat(previous) && r.chance(25)) {
    relative = {false, true};
  } else {
    relative = {true};
    if (r.chance(30)) relative.push_back(true);
  }
  for (const bool is_relative : relative) {
    const QuestionSpec spec =
        is_relative ? relative_question(politeness, mix, r) : same_question_again(previous, r);
    context.anchor = conversation.turns.back().answer_date;
    conversation.turns.push_back(make_turn(tools, context, spec, r));
    previous = spec;
  }
  return conversation;
}

ToolcallLanguage sample_language(const std::string& languages, SeededRandom& r) {
  if (languages == "ko") return ToolcallLanguage::kKorean;
  if (languages == "en") return ToolcallLanguage::kEnglish;
  return r.chance(60) ? ToolcallLanguage::kKorean : ToolcallLanguage::kEnglish;
}

// The hard mix has more follow-ups and today-relative questions (two calls).
ToolcallIntent sample_intent(bool single_call_only, bool hard, SeededRandom& r) {
  if (single_call_only) {
    return r.weighted({45, 55}) == 0 ? ToolcallIntent::kWeekday : ToolcallIntent::kAddDays;
  }
  static const ToolcallIntent kIntents[] = {ToolcallIntent::kWeekday, ToolcallIntent::kAddDays,
                                            ToolcallIntent::kToday, ToolcallIntent::kTodayAddDays,
                                            ToolcallIntent::kFollowUp};
  return kIntents[hard ? r.weighted({18, 26, 4, 20, 32}) : r.weighted({26, 30, 6, 16, 22})];
}

// ---- Writing
// --------------------------------------------------------------------------------------

std::string csv_field(const std::string& text) {
  if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

}  // namespace

std::vector<ToolcallConversation> toolcall_data_generate(const ToolcallDataOptions& options) {
  if (options.count < 1) {
    throw std::invalid_argument("toolcall data: count must be >= 1, got " +
                                std::to_string(options.count));
  }
  if (options.languages != "ko" && options.languages != "en" && options.languages != "mix") {
    throw std::invalid_argument("toolcall data: languages must be ko, en or mix, got '" +
                                options.languages + "'");
  }
  if (options.mix == "v7") return toolcall_data_v7_generate(options);
  if (options.mix != "v6")
    throw std::invalid_argument("toolcall data: mix must be v6 or v7, got '" + options.mix + "'");
  ToolRegistry tools;
  register_builtin_tools(tools);
  SeededRandom random(options.seed);
  std::vector<ToolcallConversation> conversations;
  conversations.reserve(static_cast<size_t>(options.count));
  for (int i = 0; i < options.count; i++) {
    const ToolcallLanguage language = sample_language(options.languages, random);
    const ToolcallIntent intent =
        sample_intent(options.single_call_only, options.hard_counts, random);
    const Mix mix{options.hard_counts, options.hard_dates, options.stated_dates};
    conversations.push_back(make_conversation(tools, intent, language, mix, random));
  }
  return conversations;
}

std::string toolcall_data_call_text(const std::string& name, const nlohmann::json& arguments) {
  const ToolCallSyntax tags;
  return tags.open + "{\"name\": " + compact_json(json(name)) +
         ", \"arguments\": " + readable_json(arguments) + "}" + tags.close;
}

ChatMessages toolcall_data_messages(const ToolcallConversation& conversation,
                                    const std::string& system_prompt) {
  ChatMessages messages;
  if (!system_prompt.empty()) messages.push_back({"system", system_prompt, ""});
  for (const ToolcallTurn& turn : conversation.turns) {
    messages.push_back({"user", turn.user, ""});
    for (const ToolcallStep& step : turn.steps) {
      messages.push_back({"assistant", step.call_text, ""});
      messages.push_back({"tool", step.result_text, step.name});
    }
    messages.push_back({"assistant", turn.answer, ""});
  }
  return messages;
}

std::string toolcall_data_csv(const std::vector<ToolcallConversation>& conversations) {
  std::string out = "user_input,tool_call_output,tool_call_result,final_output\n";
  for (size_t i = 0; i < conversations.size(); i++) {
    const ToolcallConversation& c = conversations[i];
    if (c.turns.size() != 1 || c.turns[0].steps.size() != 1) {
      throw std::invalid_argument(
          "toolcall CSV: conversation " + std::to_string(i) + " (" +
          toolcall_intent_name(c.intent) + ") has " + std::to_string(c.turns.size()) +
          " turn(s) and " + std::to_string(c.turns.empty() ? 0 : c.turns[0].steps.size()) +
          " call(s); a CSV row holds one call: generate with single_call_only, or write JSONL");
    }
    const ToolcallTurn& turn = c.turns[0];
    out += csv_field(turn.user) + "," + csv_field(turn.steps[0].call_text) + "," +
           csv_field(turn.steps[0].result_text) + "," + csv_field(turn.answer) + "\n";
  }
  return out;
}

std::string toolcall_data_jsonl(const std::vector<ToolcallConversation>& conversations,
                                const std::string& system_prompt) {
  std::string out;
  for (const ToolcallConversation& conversation : conversations) {
    nlohmann::ordered_json messages = nlohmann::ordered_json::array();
    for (const ChatMessage& message : toolcall_data_messages(conversation, system_prompt)) {
      nlohmann::ordered_json m;
      m["role"] = message.role;
      m["content"] = message.content;
      if (!message.name.empty()) m["name"] = message.name;
      messages.push_back(m);
    }
    nlohmann::ordered_json line;
    line["messages"] = messages;
    const bool v7 = !conversation.today.empty();
    line["intent"] = !v7                              ? toolcall_intent_name(conversation.intent)
                     : conversation.turns.size() == 1 ? conversation.turns[0].kind
                                                      : std::string("conversation");
    line["language"] = toolcall_language_name(conversation.language);
    if (v7) {
      line["today"] = conversation.today;
      nlohmann::ordered_json kinds = nlohmann::ordered_json::array();
      for (const ToolcallTurn& turn : conversation.turns) kinds.push_back(turn.kind);
      line["kinds"] = kinds;
    }
    out += line.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
  }
  return out;
}

}  // namespace tunedeck
