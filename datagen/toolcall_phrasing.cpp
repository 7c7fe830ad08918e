#include "datagen/toolcall_phrasing.h"

namespace tunedeck {

const char* toolcall_language_name(ToolcallLanguage language) {
  return language == ToolcallLanguage::kKorean ? "ko" : "en";
}

const char* toolcall_intent_name(ToolcallIntent intent) {
  switch (intent) {
    case ToolcallIntent::kWeekday:
      return "weekday";
    case ToolcallIntent::kAddDays:
      return "add_days";
    case ToolcallIntent::kToday:
      return "today";
    case ToolcallIntent::kTodayAddDays:
      return "today_add_days";
    case ToolcallIntent::kFollowUp:
      return "follow_up";
    case ToolcallIntent::kFollowUpSameAs:
      return "follow_up_same";
  }
  return "?";
}

PhrasedQuestion phrase_question(ToolcallLanguage language, const QuestionSpec& spec,
                                SeededRandom& random) {
  return language == ToolcallLanguage::kKorean ? korean_question(spec, random)
                                               : english_question(spec, random);
}

std::string phrase_answer(ToolcallLanguage language, const QuestionSpec& spec,
                          const QuestionForm& form, const nlohmann::json& result,
                          SeededRandom& random) {
  return language == ToolcallLanguage::kKorean ? korean_answer(spec, form, result, random)
                                               : english_answer(spec, form, result, random);
}

}  // namespace tunedeck
