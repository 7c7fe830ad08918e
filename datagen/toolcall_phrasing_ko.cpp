// Korean questions and answers for the synthetic date conversations (see toolcall_phrasing.h).
// Particles follow the sound of the word before them (2026년 2월 20일은, 2026-02-22는); numbers
// are read in Sino-Korean for that (…20 = 이십 ends in a consonant).
#include <string>
#include <vector>

#include "datagen/toolcall_phrasing.h"

namespace tunedeck {
namespace {

using P = Politeness;

// ---- Sounds and particles ---------------------------------------------------------------------

// The final consonant (jongseong index; 0 = none, 8 = ㄹ) of the syllable that ends `text` read
// aloud: a Hangul syllable's own; an Arabic digit read in Sino-Korean (…0 십/백/천, 3 삼, 6 육 end
// in a consonant; 1 일, 7 칠, 8 팔 in ㄹ; 2 이, 4 사, 5 오, 9 구 in a vowel). Trailing spaces and
// punctuation are skipped; anything else (Latin letters) counts as ending in a vowel.
int final_consonant(const std::string& text) {
  size_t end = text.size();
  while (end > 0 && std::string(" .?!,)").find(text[end - 1]) != std::string::npos) end--;
  if (end == 0) return 0;
  const unsigned char last = static_cast<unsigned char>(text[end - 1]);
  if (last >= '0' && last <= '9') {
    static const int kDigitFinal[10] = {17, 8, 0, 16, 0, 0, 1, 8, 8, 0};
    return kDigitFinal[last - '0'];
  }
  if (last < 0x80 || end < 3) return 0;
  const auto byte = [&](size_t i) {
    return static_cast<unsigned>(static_cast<unsigned char>(text[i]));
  };
  const unsigned code =
      ((byte(end - 3) & 0x0F) << 12) | ((byte(end - 2) & 0x3F) << 6) | (byte(end - 1) & 0x3F);
  if ((byte(end - 3) & 0xF0) != 0xE0 || code < 0xAC00 || code > 0xD7A3) return 0;
  return static_cast<int>((code - 0xAC00) % 28);
}

bool ends_in_consonant(const std::string& word) { return final_consonant(word) != 0; }

std::string particle(const std::string& word, const char* after_consonant,
                     const char* after_vowel) {
  return word + (ends_in_consonant(word) ? after_consonant : after_vowel);
}
std::string eun(const std::string& word) { return particle(word, "은", "는"); }  // topic
std::string ga(const std::string& word) { return particle(word, "이", "가"); }   // subject
std::string eul(const std::string& word) { return particle(word, "을", "를"); }  // object
// 으로 after a consonant other than ㄹ, 로 otherwise.
std::string ro(const std::string& word) {
  const int final = final_consonant(word);
  return word + (final == 0 || final == 8 ? "로" : "으로");
}

// The word with 은/는, 이/가, or (a small slip) no particle at all.
std::string marked(const std::string& word, SeededRandom& r) {
  switch (r.weighted({6, 3, 1})) {
    case 0:
      return eun(word);
    case 1:
      return ga(word);
    default:
      return word;
  }
}

// ---- Sentence endings by politeness -------------------------------------------------------------

// noun + "is it?": 언제야? / 며칠이에요? / 언제입니까?
std::string ask_is(const std::string& noun, P p, SeededRandom& r) {
  const bool c = ends_in_consonant(noun);
  switch (p) {
    case P::kPlain:
      return noun + (c ? r.pick({"이야?", "이야?", "이지?", "일까?", "이냐?", "?"})
                       : r.pick({"야?", "야?", "지?", "일까?", "냐?", "?"}));
    case P::kPolite:
      return noun + (c ? r.pick({"이에요?", "이에요?", "인가요?", "일까요?", "이죠?", "이요?"})
                       : r.pick({"예요?", "예요?", "인가요?", "일까요?", "죠?", "요?"}));
    case P::kFormal:
      return noun + r.pick({"입니까?", "입니까?", "인지요?", "인가요?"});
  }
  return noun + "?";
}

// noun + "was it?": 며칠이었어? / 언제였어요? / 언제였습니까?
std::string ask_was(const std::string& noun, P p, SeededRandom& r) {
  const bool c = ends_in_consonant(noun);
  switch (p) {
    case P::kPlain:
      return noun + (c ? r.pick({"이었어?", "이었지?", "이었더라?"})
                       : r.pick({"였어?", "였지?", "였더라?"}));
    case P::kPolite:
      return noun + (c ? r.pick({"이었어요?", "이었나요?", "이었죠?"})
                       : r.pick({"였어요?", "였나요?", "였죠?"}));
    case P::kFormal:
      return noun + (c ? "이었습니까?" : "였습니까?");
  }
  return noun + "?";
}

// The ending that says "(noun) is": 이야 / 이에요 / 입니다 (after a vowel: 야 / 예요 / 입니다).
std::string is_ending(const std::string& noun, P p) {
  const bool c = ends_in_consonant(noun);
  switch (p) {
    case P::kPlain:
      return c ? "이야" : "야";
    case P::kPolite:
      return c ? "이에요" : "예요";
    case P::kFormal:
      return "입니다";
  }
  return "";
}
// "(noun) is, I see": 이네 / 이네요 / 입니다.
std::string seen_ending(const std::string& noun, P p) {
  const bool c = ends_in_consonant(noun);
  switch (p) {
    case P::kPlain:
      return c ? "이네" : "네";
    case P::kPolite:
      return c ? "이네요" : "네요";
    case P::kFormal:
      return "입니다";
  }
  return "";
}
// "(noun) was": 이었어 / 이었어요 / 이었습니다.
std::string was_ending(const std::string& noun, P p) {
  const bool c = ends_in_consonant(noun);
  switch (p) {
    case P::kPlain:
      return c ? "이었어" : "였어";
    case P::kPolite:
      return c ? "이었어요" : "였어요";
    case P::kFormal:
      return c ? "이었습니다" : "였습니다";
  }
  return "";
}

const char* please_tell(P p, SeededRandom& r) {
  switch (p) {
    case P::kPlain:
      return r.pick({"알려줘", "알려줘", "알려 줘", "알려줄래?", "좀 알려줘", "가르쳐줘", "말해줘",
                     "알려줘!", "알려 줄래?"});
    case P::kPolite:
      return r.pick({"알려주세요", "알려주세요", "알려 주세요", "알려줄래요?", "알려주실래요?",
                     "가르쳐 주세요", "좀 알려주세요", "알려주시겠어요?", "알 수 있을까요?"});
    case P::kFormal:
      return r.pick({"알려주십시오", "알려 주시겠습니까?", "말씀해 주십시오", "확인 부탁드립니다",
                     "알려주시면 감사하겠습니다", "알려 주시기 바랍니다"});
  }
  return "";
}

const char* please_calculate(P p, SeededRandom& r) {
  switch (p) {
    case P::kPlain:
      return r.pick({"계산해줘", "계산해 줘", "계산 좀 해줘", "구해줘", "계산해줄래?"});
    case P::kPolite:
      return r.pick({"계산해 주세요", "구해 주세요", "계산해줄래요?", "계산 부탁해요"});
    case P::kFormal:
      return r.pick({"계산해 주십시오", "계산 부탁드립니다", "계산해 주시겠습니까?"});
  }
  return "";
}

const char* i_wonder(P p, SeededRandom& r) {
  switch (p) {
    case P::kPlain:
      return r.pick({"궁금해", "궁금하네", "궁금해!"});
    case P::kPolite:
      return r.pick({"궁금해요", "궁금하네요", "궁금해요!"});
    case P::kFormal:
      return "궁금합니다";
  }
  return "";
}

const char* do_you_know(P p, SeededRandom& r) {
  switch (p) {
    case P::kPlain:
      return r.pick({"알아?", "알고 있어?", "알려줄 수 있어?"});
    case P::kPolite:
      return r.pick({"아세요?", "알 수 있을까요?", "아시나요?"});
    case P::kFormal:
      return r.pick({"아십니까?", "알 수 있겠습니까?"});
  }
  return "";
}

// "what is it?" after a subject: 뭐야? / 어떻게 되나요? / 무엇입니까?
const char* what_is_it(P p, SeededRandom& r) {
  switch (p) {
    case P::kPlain:
      return r.pick({"뭐야?", "뭐지?", "어떻게 돼?", "뭔데?"});
    case P::kPolite:
      return r.pick({"뭐예요?", "어떻게 되나요?", "어떻게 돼요?", "뭔가요?"});
    case P::kFormal:
      return r.pick({"무엇입니까?", "어떻게 됩니까?", "어떻게 되는지요?"});
  }
  return "";
}

// A clause that asks and ends the question: "…인지 알려줘", "…인지 궁금해요", "…인지 아세요?".
std::string wonder_or_ask(P p, SeededRandom& r) {
  switch (r.below(3)) {
    case 0:
      return please_tell(p, r);
    case 1:
      return i_wonder(p, r);
    default:
      return do_you_know(p, r);
  }
}

// ---- Dates and counts ---------------------------------------------------------------------------

std::string two_digits(int value) { return (value < 10 ? "0" : "") + std::to_string(value); }

// `hard`: the rarer spellings more often (QuestionSpec::hard_dates); without it, exactly the
// draws of the default mix.
std::string korean_date_text(const CalendarDate& d, bool hard, SeededRandom& r) {
  const std::string y = std::to_string(d.year), m = std::to_string(d.month),
                    day = std::to_string(d.day);
  const std::string mm = two_digits(d.month), dd = two_digits(d.day);
  const int spelling = hard ? r.weighted({18, 6, 8, 14, 11, 11, 11, 7, 6})
                            : r.weighted({32, 5, 5, 18, 8, 6, 6, 3, 3});
  switch (spelling) {
    case 0:
      return y + "년 " + m + "월 " + day + "일";
    case 1:
      return y + "년 " + mm + "월 " + dd + "일";
    case 2:
      return y + "년" + m + "월" + day + "일";
    case 3:
      return d.iso();
    case 4:
      return y + "." + (r.chance(50) ? m + "." + day : mm + "." + dd);
    case 5:
      return y + ". " + m + ". " + day + (r.chance(60) ? "." : "");
    case 6:
      return y + "/" + (r.chance(50) ? mm + "/" + dd : m + "/" + day);
    case 7:
      return y + "-" + m + "-" + day;
    default:
      return y + mm + dd;
  }
}

// 1..9999 in Sino-Korean words: 100 -> 백, 35 -> 삼십오, 1000 -> 천.
std::string sino_korean(long long n) {
  static const char* kDigit[] = {"", "일", "이", "삼", "사", "오", "육", "칠", "팔", "구"};
  static const char* kPlace[] = {"천", "백", "십", ""};
  std::string out;
  long long place = 1000;
  for (int i = 0; i < 4; i++, place /= 10) {
    const int digit = static_cast<int>((n / place) % 10);
    if (digit == 0) continue;
    if (!(digit == 1 && i < 3)) out += kDigit[digit];
    out += kPlace[i];
  }
  return out;
}

// The native-Korean word for a day count, or nullptr: 하루, 이틀, 사흘, 나흘, 열흘, 보름.
const char* native_days(long long n) {
  switch (n) {
    case 1:
      return "하루";
    case 2:
      return "이틀";
    case 3:
      return "사흘";
    case 4:
      return "나흘";
    case 10:
      return "열흘";
    case 15:
      return "보름";
    default:
      return nullptr;
  }
}

struct CountText {
  std::string text;  // "100일", "3주", "열흘"
  bool in_weeks = false;
};

// `hard`: weeks and words more often (QuestionSpec::hard_counts).
CountText korean_count(long long n, bool hard, SeededRandom& r) {
  if (n % 7 == 0 && n / 7 <= 52 && r.chance(hard ? 80 : 55)) {
    const long long weeks = n / 7;
    if (weeks == 1) return {r.pick({"일주일", "일주일", "1주", "1주일", "한 주"}), true};
    if (weeks <= 4 && r.chance(hard ? 40 : 25)) {
      static const char* kNative[] = {"", "", "두", "세", "네"};
      return {std::string(kNative[weeks]) + " 주", true};
    }
    return {std::to_string(weeks) + r.pick({"주", "주", "주", "주일", " 주"}), true};
  }
  const char* native = native_days(n);
  if (native && r.chance(hard ? 60 : 40)) return {native, false};
  // Round numbers only: "백 일", "삼십 일" read naturally, "삼백사십이 일" does not.
  // Spaced ("이십 일"): unspaced "이십일" would also read as 21. 백일 and 천일 are set words.
  if (n % 10 == 0 && n <= 1000 && r.chance(hard ? 30 : 15)) {
    const bool set_word = (n == 100 || n == 1000) && r.chance(50);
    return {sino_korean(n) + (set_word ? "일" : " 일"), false};
  }
  return {std::to_string(n) + (r.chance(90) ? "일" : " 일"), false};
}

// "100일 후", "3주 뒤", "10일 전".
std::string offset_text(const std::string& count, bool after, SeededRandom& r) {
  const char* direction =
      after ? r.pick({"후", "후", "후", "뒤", "뒤", "이후"}) : r.pick({"전", "전", "전", "이전"});
  return count + (r.chance(88) ? " " : "") + direction;
}

const char* when_word(SeededRandom& r) {
  static const char* kWords[] = {"언제",      "며칠",      "몇 월 며칠", "몇월 며칠",
                                 "무슨 날짜", "어느 날짜", "무슨 날",    "몇 년 몇 월 며칠"};
  return kWords[r.weighted({30, 25, 15, 5, 6, 4, 3, 4})];
}

const char* which_weekday(SeededRandom& r) {
  static const char* kWords[] = {"무슨 요일", "무슨요일",  "몇 요일",
                                 "몇요일",    "어느 요일", "어떤 요일"};
  return kWords[r.weighted({40, 10, 8, 4, 5, 3})];
}

// "2026년 2월 20일부터", "2026-02-20으로부터", "2026.2.20 기준으로" ...
std::string counted_from(const std::string& date, SeededRandom& r) {
  switch (r.weighted({30, 15, 15, 10, 5, 6, 4})) {
    case 0:
      return date + "부터";
    case 1:
      return ro(date) + "부터";
    case 2:
      return date + "에서";
    case 3:
      return date + " 기준으로";
    case 4:
      return eul(date) + " 기준으로";
    case 5:
      return date + " 기준";
    default:
      return date + "에서부터";
  }
}

// ---- Whole-question touches: fillers and typos
// ----------------------------------------------------

std::string with_fillers(std::string q, P p, SeededRandom& r) {
  if (r.chance(12) && q.rfind("혹시", 0) != 0) {
    switch (p) {
      case P::kPlain:
        q = r.pick({"저기, ", "혹시 ", "궁금한 게 있는데 ", "하나만 물어볼게. ", "음.. ",
                    "있잖아, "}) +
            q;
        break;
      case P::kPolite:
        q = r.pick({"안녕하세요. ", "저기요, ", "혹시 ", "질문 하나 할게요. ", "궁금한 게 있어요. ",
                    "실례지만 "}) +
            q;
        break;
      case P::kFormal:
        q = r.pick({"안녕하십니까. ", "문의드립니다. ", "질문이 있습니다. ", "실례합니다만, "}) + q;
        break;
    }
  }
  if (r.chance(5)) {
    switch (p) {
      case P::kPlain:
        q += r.pick({" 고마워", " ㅎㅎ", " 부탁해", " 빨리!"});
        break;
      case P::kPolite:
        q += r.pick({" 감사합니다", " 부탁해요", " 고마워요"});
        break;
      case P::kFormal:
        q += r.pick({" 감사합니다.", " 부탁드립니다."});
        break;
    }
  }
  return q;
}

bool is_ascii_digit(char c) { return c >= '0' && c <= '9'; }

// Removes one space, but never one that would glue two numbers together ("2026-02-20 100일").
std::string drop_one_space(const std::string& q, SeededRandom& r) {
  std::vector<size_t> spaces;
  for (size_t i = 1; i + 1 < q.size(); i++) {
    if (q[i] != ' ') continue;
    const char before = q[i - 1];
    if ((is_ascii_digit(before) || before == '.' || before == '-' || before == '/') &&
        is_ascii_digit(q[i + 1]))
      continue;
    spaces.push_back(i);
  }
  if (spaces.empty()) return q;
  std::string out = q;
  out.erase(spaces[r.below(spaces.size())], 1);
  return out;
}

// Common slips of Korean typing, applied to one word if the question has it.
std::string misspell_one_word(const std::string& q, SeededRandom& r) {
  static const char* kSlips[][2] = {
      {"며칠", "몇일"},         {"알려줘", "알려죠"}, {"알려줘", "알랴줘"},
      {"언제", "언재"},         {"주세요", "주세여"}, {"뭐야", "모야"},
      {"무슨 요일", "먼 요일"}, {"궁금해", "궁굼해"}, {"계산해", "계산헤"}};
  const size_t start = r.below(sizeof(kSlips) / sizeof(kSlips[0]));
  for (size_t k = 0; k < sizeof(kSlips) / sizeof(kSlips[0]); k++) {
    const auto& slip = kSlips[(start + k) % (sizeof(kSlips) / sizeof(kSlips[0]))];
    const size_t at = q.find(slip[0]);
    if (at != std::string::npos)
      return q.substr(0, at) + slip[1] + q.substr(at + std::string(slip[0]).size());
  }
  return q;
}

std::string with_typos(std::string q, SeededRandom& r) {
  if (r.chance(10)) q = drop_one_space(q, r);
  if (r.chance(7)) q = misspell_one_word(q, r);
  if (!q.empty() && q.back() == '?') {
    if (r.chance(10))
      q.pop_back();
    else if (r.chance(3))
      q += "?";
  }
  while (!q.empty() && q.back() == ' ') q.pop_back();  // "… = ?" without its "?"
  return q;
}

// ---- Questions
// ------------------------------------------------------------------------------------ Every phrase
// that draws from `r` more than once is built with Words() << ... (see Words).

PhrasedQuestion weekday_question(const QuestionSpec& s, SeededRandom& r) {
  const P p = s.politeness;
  PhrasedQuestion out;
  const std::string d = korean_date_text(s.date, s.hard_dates, r);
  const std::string which = which_weekday(r);
  std::string q;
  switch (r.weighted({22, 9, 8, 5, 6, 4, 6, 3, 5, 5, 3, 3, 3, 2})) {
    case 0:
      q = Words() << marked(d, r) << " " << ask_is(which, p, r);
      break;
    case 1:
      q = Words() << d << r.pick({"의 ", " "}) << "요일" << r.pick({"을 ", " "})
                  << please_tell(p, r);
      break;
    case 2:
      q = Words() << (r.chance(70) ? ga(d) : d) << " " << which << "인지 " << wonder_or_ask(p, r);
      break;
    case 3:
      q = r.chance(50) ? Words() << ask_is(which, p, r) << " " << d
                       : Words() << d << ", " << ask_is(which, p, r);
      break;
    case 4:
      q = Words() << eun(d) << " 요일이 " << what_is_it(p, r);
      break;
    case 5:
      q = Words() << d << " "
                  << (p == P::kPlain ? r.pick({"무슨 요일?", "요일?", "요일은?", "무슨요일?"})
                      : p == P::kPolite ? r.pick({"요일은요?", "무슨 요일이요?", "요일이요?"})
                                        : r.pick({"요일은 무엇입니까?", "무슨 요일입니까?"}));
      break;
    case 6:
      q = Words() << eun(d) << " "
                  << (r.chance(60) ? ask_was(which, p, r)
                                   : which + (p == P::kPlain ? "일까?" : "일까요?"));
      break;
    case 7:
      q = Words() << d << " 요일 "
                  << (p == P::kPlain ? r.pick({"확인해줘", "확인 좀 해줘", "확인 부탁해"})
                      : p == P::kPolite
                          ? r.pick({"확인해 주세요", "확인 부탁드려요", "확인 부탁해요"})
                          : r.pick({"확인 부탁드립니다", "확인해 주시겠습니까?"}));
      break;
    case 8: {
      const int kind = 1 + static_cast<int>(r.below(3));
      out.form.weekend_question = kind;
      if (kind == 1) {
        q = Words() << marked(d, r) << " " << ask_is("주말", p, r);
      } else if (kind == 2) {
        q = Words() << marked(d, r) << " " << ask_is("평일", p, r);
      } else {
        q = Words() << eun(d) << " "
                    << (p == P::kPlain ? r.pick({"주말이야 평일이야?", "평일이야 주말이야?",
                                                 "주말이야, 평일이야?"})
                        : p == P::kPolite
                            ? r.pick({"주말이에요, 평일이에요?", "평일인가요 주말인가요?"})
                            : "주말입니까, 평일입니까?");
      }
      break;
    }
    case 9: {
      const int truth = s.date.iso_weekday();
      const int guess = r.chance(45) ? truth : 1 + (truth + static_cast<int>(r.below(6))) % 7;
      out.form.guessed_weekday = guess;
      const std::string g = weekday_name_korean(guess);
      if (r.chance(60)) {
        q = Words() << marked(d, r) << " " << ask_is(g, p, r);
      } else {
        q = Words() << eun(d) << " " << g << " "
                    << (p == P::kPlain    ? r.pick({"맞아?", "맞지?"})
                        : p == P::kPolite ? r.pick({"맞아요?", "맞나요?"})
                                          : "맞습니까?");
      }
      break;
    }
    case 10:
      q = Words() << "혹시 " << ga(d) << " " << which << "인지 " << do_you_know(p, r);
      break;
    case 11:
      q = Words() << d << "에 해당하는 요일" << r.pick({"은 ", "이 ", " "}) << what_is_it(p, r);
      break;
    case 12:
      q = Words() << eun(d) << " " << which << "에 해당"
                  << (p == P::kPlain    ? r.pick({"해?", "하지?", "하는지 알려줘"})
                      : p == P::kPolite ? r.pick({"하나요?", "해요?"})
                                        : r.pick({"합니까?", "하는지요?"}));
      break;
    default:
      q = Words() << "달력 좀 "
                  << (p == P::kPlain    ? r.pick({"봐줘.", "봐 줄래?"})
                      : p == P::kPolite ? r.pick({"봐 주세요.", "봐 주실래요?"})
                                        : "확인해 주시겠습니까?")
                  << " " << eun(d) << " " << ask_is(which, p, r);
      break;
  }
  out.text = q;
  return out;
}

PhrasedQuestion add_days_question(const QuestionSpec& s, SeededRandom& r) {
  const P p = s.politeness;
  const bool after = s.days > 0;
  const long long n = after ? s.days : -s.days;
  PhrasedQuestion out;
  const std::string d = korean_date_text(s.date, s.hard_dates, r);
  const CountText count = korean_count(n, s.hard_counts, r);
  out.form.in_weeks = count.in_weeks;
  const std::string off = offset_text(count.text, after, r);
  const std::string from = counted_from(d, r);
  const bool past = !after && r.chance(40);
  const auto ask = [&](const std::string& noun) {
    return past ? ask_was(noun, p, r) : ask_is(noun, p, r);
  };
  const std::string when = when_word(r);
  std::string q;
  switch (r.weighted({22, 8, 6, 6, 5, 4, 4, 4, 4, 3, 3, 3, 4, 4, 4, 3})) {
    case 0:
      q = Words() << from << " " << marked(off, r) << " " << ask(when);
      break;
    case 1:
      q = Words() << from << " " << off << " 날짜" << r.pick({"를 ", " ", "를 "})
                  << please_tell(p, r);
      break;
    case 2:
      q = Words() << from << " " << (r.chance(70) ? ga(off) : off + " 날짜가") << " "
                  << r.pick({"언제인지 ", "며칠인지 "}) << wonder_or_ask(p, r);
      break;
    case 3:
      q = Words() << d << "에서 " << (r.chance(70) ? eul(count.text) : count.text) << " "
                  << (after ? r.pick({"더하면", "더하면", "더해주면"})
                            : r.pick({"빼면", "빼면", "빼주면"}))
                  << " " << ask(when);
      break;
    case 4:
      if (after) {
        q = Words() << d << r.pick({"에서 ", "부터 "}) << ga(count.text) << " 지나면 " << ask(when);
      } else {
        q = Words() << d << "에서 " << count.text << " "
                    << r.pick({"거슬러 올라가면", "되돌아가면", "거꾸로 가면"}) << " " << ask(when);
      }
      break;
    case 5:
      q = Words() << eun(off) << " " << ask(when) << " " << d << " 기준"
                  << r.pick({"으로", "에서", ""});
      break;
    case 6:
      q = Words() << d << " " << off << " " << ask(when);
      break;
    case 7:
      q = Words() << d << "의 " << marked(off, r) << " " << ask(when);
      break;
    case 8:
      q = Words() << from << " " << marked(off, r) << " " << (r.chance(60) ? "" : "몇 월 며칠 ")
                  << ask(which_weekday(r));
      break;
    case 9:
      q = Words() << "혹시 " << from << " " << ga(off) << " 언제인지 " << do_you_know(p, r);
      break;
    case 10: {
      Words w;
      w << d << (after ? r.pick({" + ", "+", " 더하기 "}) : r.pick({" - ", "-", " 빼기 "}));
      switch (r.below(4)) {
        case 0:
          w << eun(count.text) << "?";
          break;
        case 1:
          w << count.text << " = ?";
          break;
        case 2:
          w << count.text << "?";
          break;
        default:
          w << eun(count.text) << " " << ask(when);
          break;
      }
      q = w;
      break;
    }
    case 11:
      if (after) {
        q = Words() << from << " " << marked(off, r) << " " << ask(when);
      } else {
        out.form.in_weeks = false;  // said as D-n
        const std::string dday = "D-" + std::to_string(n);
        const std::string anchor = r.chance(50) ? Words() << ga(d) << " D-day"
                                                          << r.pick({"면", "라면", "일 때"})
                                                : Words() << d << " 기준";
        q = Words() << anchor << " " << eun(dday) << " " << ask(when);
      }
      break;
    case 12:
      q = Words() << from << " " << (r.chance(60) ? eul(off) : off) << " "
                  << please_calculate(p, r);
      break;
    case 13:
      q = Words() << d << "에서 " << particle(off, "이면", "면") << " " << ask(when);
      break;
    case 14:
      if (r.chance(60)) {
        q = Words() << (after ? r.pick({"기준일이 ", "시작일이 ", "시작한 날이 ", "처음 만난 날이 ",
                                        "입사일이 ", "출발일이 "})
                              : r.pick({"마감일이 ", "시험일이 ", "출국일이 ", "행사일이 ",
                                        "기준일이 ", "결혼식이 "}))
                    << d << "인데 " << eun(off) << " " << ask(when);
      } else if (after) {
        q = Words() << d << "에 " << r.pick({"시작하면 ", "출발하면 ", "시작했는데 "}) << eun(off)
                    << " " << ask(when);
      } else {
        q = Words() << ga(d) << " " << r.pick({"마감", "시험", "행사", "발표"}) << "인데 "
                    << eun(off) << " " << ask(when);
      }
      break;
    default:
      if (after) {
        q = Words() << ro(d) << "부터 " << ga(count.text) << " 지난 날"
                    << r.pick({"은 ", "이 ", " "}) << ask(when);
      } else {
        q = Words() << d << "보다 " << count.text << " 앞선 날" << r.pick({"은 ", "이 ", " "})
                    << ask(when);
      }
      break;
  }
  out.text = q;
  return out;
}

PhrasedQuestion today_question(const QuestionSpec& s, SeededRandom& r) {
  const P p = s.politeness;
  const std::string day = r.pick({"며칠", "며칠", "몇 월 며칠", "몇월 며칠", "몇 일"});
  std::string q;
  switch (r.below(9)) {
    case 0:
      q = Words() << "오늘" << r.pick({"은 ", "이 ", " "}) << ask_is(day, p, r);
      break;
    case 1:
      q = Words() << "오늘 날짜" << r.pick({"가 ", "는 ", " "}) << what_is_it(p, r);
      break;
    case 2:
      q = Words() << "오늘" << r.pick({"은 ", "이 ", " "}) << ask_is(which_weekday(r), p, r);
      break;
    case 3:
      q = Words() << r.pick({"오늘", "지금"}) << " 날짜" << r.pick({"랑 ", "와 ", "하고 "})
                  << "요일 " << please_tell(p, r);
      break;
    case 4:
      q = Words() << "오늘 날짜" << r.pick({"를 ", " ", " "}) << please_tell(p, r);
      break;
    case 5:
      q = Words() << "지금 " << ask_is(r.pick({"몇 월 며칠", "몇 년 몇 월 며칠", "며칠"}), p, r);
      break;
    case 6:
      q = Words() << "오늘 요일" << r.pick({"이 ", " ", "은 "}) << what_is_it(p, r);
      break;
    case 7:
      q = Words() << "오늘이 " << day << "인지 "
                  << (r.chance(50) ? please_tell(p, r) : do_you_know(p, r));
      break;
    default:
      q = Words() << (p == P::kPlain ? r.pick({"날짜 감각이 없네. ", "요즘 정신이 없어서. "})
                      : p == P::kPolite ? r.pick({"요즘 정신이 없어서요. ", "날짜를 깜빡했어요. "})
                                        : "날짜를 확인하고 싶습니다. ")
                  << "오늘 " << ask_is(day, p, r);
      break;
  }
  return {q, {}};
}

// 내일, 모레, 어제 ... for the offsets that have a word of their own; nullptr otherwise.
const char* korean_relative_word(long long days, SeededRandom& r) {
  switch (days) {
    case 1:
      return "내일";
    case 2:
      return r.pick({"모레", "내일모레"});
    case 3:
      return "글피";
    case -1:
      return "어제";
    case -2:
      return r.pick({"그제", "그저께"});
    case 7:
      return r.pick({"다음 주 오늘", "일주일 뒤 오늘"});
    case -7:
      return r.pick({"지난주 오늘", "일주일 전 오늘"});
    default:
      return nullptr;
  }
}

PhrasedQuestion today_add_days_question(const QuestionSpec& s, SeededRandom& r) {
  const P p = s.politeness;
  const bool after = s.days > 0;
  const long long n = after ? s.days : -s.days;
  PhrasedQuestion out;
  std::string q;
  const char* word = korean_relative_word(s.days, r);
  if (word && r.chance(65)) {
    out.form.relative_word = word;
    const std::string w = word;
    const auto ask = [&](const std::string& noun) {
      return after ? ask_is(noun, p, r) : ask_was(noun, p, r);
    };
    switch (r.below(5)) {
      case 0:
        q = Words() << marked(w, r) << " " << ask(r.chance(50) ? when_word(r) : which_weekday(r));
        break;
      case 1:
        q = Words() << w << " 날짜" << r.pick({" ", "를 ", " "}) << please_tell(p, r);
        break;
      case 2:
        q = Words() << w << " 날짜" << r.pick({"가 ", "는 "}) << what_is_it(p, r);
        break;
      case 3:
        q = Words() << ga(w) << " " << r.pick({"며칠", "몇 월 며칠", "무슨 요일"}) << "인지 "
                    << wonder_or_ask(p, r);
        break;
      default:
        q = Words() << w << " 요일" << r.pick({"이 ", " ", "은 "}) << what_is_it(p, r);
        break;
    }
    out.text = q;
    return out;
  }
  const CountText count = korean_count(n, s.hard_counts, r);
  out.form.in_weeks = count.in_weeks;
  const std::string off = offset_text(count.text, after, r);
  const bool past = !after && r.chance(40);
  const auto ask = [&](const std::string& noun) {
    return past ? ask_was(noun, p, r) : ask_is(noun, p, r);
  };
  const std::string now = r.pick({"오늘", "오늘", "지금"});
  const std::string when = when_word(r);
  switch (r.weighted({18, 16, 8, 6, 8, 5, 9, 4, 5, 5, 4})) {
    case 0: {
      Words w;
      switch (r.below(4)) {
        case 0:
          w << now << "부터 ";
          break;
        case 1:
          w << ro(now) << "부터 ";
          break;
        case 2:
          w << now << " 기준으로 ";
          break;
        default:
          w << eul(now) << " 기준으로 ";
          break;
      }
      w << marked(off, r) << " " << ask(when);
      q = w;
      break;
    }
    case 1:
      q = Words() << marked(off, r) << " " << ask(when);
      break;  // "today" left implicit
    case 2:
      q = Words() << (r.chance(50) ? now + "부터 " : ro(now) + "부터 ") << off << " 날짜"
                  << r.pick({"를 ", " "}) << please_tell(p, r);
      break;
    case 3:
      q = Words() << "오늘 기준 " << off << " 날짜" << r.pick({"는 ", "가 ", " "})
                  << what_is_it(p, r);
      break;
    case 4:
      q = Words() << (r.chance(50) ? "오늘부터 " : "") << marked(off, r) << " "
                  << ask(which_weekday(r));
      break;
    case 5:
      q = Words() << "오늘에서 " << (r.chance(70) ? eul(count.text) : count.text) << " "
                  << (after ? "더하면" : "빼면") << " " << ask(when);
      break;
    case 6:
      q = Words() << (r.chance(50) ? particle(off, "이면", "면") : off + "에는") << " "
                  << ask(r.chance(70) ? when_word(r) : which_weekday(r));
      break;
    case 7:
      q = Words() << (p == P::kPlain    ? "오늘이 며칠이더라? "
                      : p == P::kPolite ? "오늘이 며칠이죠? "
                                        : "오늘 날짜를 기준으로 ")
                  << r.pick({"거기서 ", "그날부터 ", ""}) << marked(off, r) << " " << ask(when);
      break;
    case 8:
      if (after) {
        q = Words() << "오늘" << r.pick({"부터 ", "로부터 "}) << ga(count.text) << " 지나면 "
                    << ask(when);
      } else {
        q = Words() << "오늘에서 " << count.text << " 거슬러 올라가면 " << ask(when);
      }
      break;
    case 9:
      q = Words() << (r.chance(50) ? now + "부터 " : ro(now) + "부터 ") << ga(off) << " 언제인지 "
                  << wonder_or_ask(p, r);
      break;
    default:
      q = Words() << (after ? "앞으로 " : "지금으로부터 ") << marked(off, r) << " " << ask(when);
      break;
  }
  out.text = q;
  return out;
}

const char* follow_up_lead(P p, SeededRandom& r) {
  switch (p) {
    case P::kPlain:
      return r.pick(
          {"그럼 ", "그럼 ", "그러면 ", "그리고 ", "", "아 그럼 ", "또 ", "오케이 그럼 "});
    case P::kPolite:
      return r.pick({"그럼 ", "그럼 ", "그러면 ", "그리고 ", "", "아 그럼 ", "그럼 혹시 "});
    case P::kFormal:
      return r.pick({"그렇다면 ", "그러면 ", "그리고 ", ""});
  }
  return "";
}

PhrasedQuestion follow_up_question(const QuestionSpec& s, SeededRandom& r) {
  const P p = s.politeness;
  const bool after = s.days > 0;
  const long long n = after ? s.days : -s.days;
  PhrasedQuestion out;
  const CountText count = korean_count(n, s.hard_counts, r);
  out.form.in_weeks = count.in_weeks;
  const std::string off = offset_text(count.text, after, r);
  const std::string lead = follow_up_lead(p, r);
  const auto ask = [&](const std::string& noun) {
    return !after && r.chance(30) ? ask_was(noun, p, r) : ask_is(noun, p, r);
  };
  // "…후는?", "…후는요?" or "…후는 언제야?"
  const auto short_ask = [&](const std::string& topic) -> std::string {
    if (r.chance(60)) return topic + (p == P::kPolite ? "요?" : "?");
    return Words() << topic << " " << ask(when_word(r));
  };
  std::string q;
  int frame = static_cast<int>(r.weighted({24, 10, 10, 10, 8, 5, 5, 5, 5, 5}));
  if (frame == 4 && s.days != 1 && s.days != -1) frame = 0;
  switch (frame) {
    case 0:
      q = Words() << lead << "그날" << r.pick({"부터 ", "로부터 ", "에서 ", " 기준으로 "})
                  << short_ask(eun(off));
      break;
    case 1:
      q = Words() << lead << "거기서 " << count.text << " "
                  << (after ? r.pick({"더 가면", "더 지나면", "더하면"})
                            : r.pick({"빼면", "전으로 가면", "거슬러 가면", "거슬러 올라가면"}))
                  << (r.chance(50) ? std::string("?") : " " + ask(when_word(r)));
      break;
    case 2:
      q = Words() << lead << "그 날짜" << r.pick({"에서 ", "부터 ", "로부터 ", " 기준으로 "})
                  << marked(off, r) << " " << ask(when_word(r));
      break;
    case 3:
      q = Words() << (lead.empty() ? "그럼 " : lead) << short_ask(eun(off));
      break;
    case 4:
      out.form.in_weeks = false;
      q = Words() << lead
                  << (after ? r.pick({"그 다음 날", "그다음 날", "그 다음날", "다음 날"})
                            : r.pick({"그 전날", "그 전 날", "그 하루 전"}))
                  << (r.chance(50) ? std::string(p == P::kPolite ? "은요?" : "은?")
                                   : "은 " + ask(when_word(r)));
      break;
    case 5:
      q = Words() << lead << "그날 기준으로 " << off << " 날짜도 " << please_tell(p, r);
      break;
    case 6:
      q = Words() << eun(off) << " " << ask(when_word(r)) << " 방금 그 날짜"
                  << r.pick({"부터", "에서", " 기준으로"});
      break;
    case 7:
      q = Words() << lead << "방금 그 날짜에서 " << count.text << " " << (after ? "더하면" : "빼면")
                  << " " << ask(when_word(r));
      break;
    case 8:
      q = Words() << lead << "그날" << r.pick({"로부터 ", "부터 "}) << marked(off, r) << " "
                  << ask(which_weekday(r));
      break;
    default:
      q = Words() << lead << "그로부터 " << marked(off, r) << " " << ask(when_word(r));
      break;
  }
  out.text = q;
  return out;
}

PhrasedQuestion follow_up_same_question(const QuestionSpec& s, SeededRandom& r) {
  const P p = s.politeness;
  const std::string d = korean_date_text(s.date, s.hard_dates, r);
  const std::string lead = follow_up_lead(p, r);
  const std::string short_end = p == P::kPolite ? "요?" : "?";
  std::string q;
  if (s.repeats_weekday) {
    switch (r.below(6)) {
      case 0:
        q = lead + eun(d) + short_end;
        break;
      case 1:
        q = Words() << d << "도 " << please_tell(p, r);
        break;
      case 2:
        q = Words() << lead << eun(d) << " "
                    << (p == P::kPlain    ? r.pick({"어때?", "어떤데?"})
                        : p == P::kPolite ? r.pick({"어때요?", "어떤가요?"})
                                          : "어떻습니까?");
        break;
      case 3:
        q = Words() << lead << eun(d) << " " << ask_is(which_weekday(r), p, r);
        break;
      case 4:
        q = r.chance(50)
                ? Words() << r.pick({"이번엔 ", "이번에는 "}) << d << (d.back() == '.' ? "" : ".")
                : Words() << d << "도" << short_end;
        break;
      default:
        q = "같은 질문인데 " + eun(d) + short_end;
        break;
    }
    return {q, {}};
  }
  std::string from;
  switch (r.below(4)) {
    case 0:
      from = d + "부터";
      break;
    case 1:
      from = d + "에서";
      break;
    case 2:
      from = ro(d) + "부터";
      break;
    default:
      from = d + " 기준으로";
      break;
  }
  switch (r.below(5)) {
    case 0:
      q = lead + from + "는" + short_end;
      break;
    case 1:
      q = Words() << lead << d << r.pick({"부터 ", "에서 "}) << "하면"
                  << (p == P::kPlain    ? r.pick({"?", " 어떻게 돼?"})
                      : p == P::kPolite ? r.pick({"요?", " 어떻게 돼요?"})
                                        : " 어떻게 됩니까?");
      break;
    case 2:
      q = Words() << lead << d << " 기준으로도 " << please_tell(p, r);
      break;
    case 3:
      q = Words() << r.pick({"같은 걸로 ", "똑같이 "}) << from << "는" << short_end;
      break;
    default:
      q = Words() << from << "도 " << (r.chance(50) ? please_tell(p, r) : please_calculate(p, r));
      break;
  }
  return {q, {}};
}

// ---- Answers
// --------------------------------------------------------------------------------------

// A plain-speech question gets a plain or a polite answer; the others are answered in kind.
P answer_politeness(P asked, SeededRandom& r) {
  if (asked == P::kPlain) return r.chance(50) ? P::kPlain : P::kPolite;
  return asked;
}

std::string closing(P p, SeededRandom& r) {
  if (!r.chance(20)) return "";
  switch (p) {
    case P::kPlain:
      return r.pick(
          {" 또 궁금한 거 있어?", " 더 필요한 거 있으면 말해!", " 도움이 됐으면 좋겠어."});
    case P::kPolite:
      return r.pick({" 혹시 더 궁금한 거 있어요?", " 더 궁금한 거 있으면 말씀하세요!",
                     " 그날 무슨 계획 있어요?", " 도움이 되셨으면 좋겠어요."});
    case P::kFormal:
      return r.pick({" 혹시 추가 질문 있으신가요?", " 더 필요하신 것이 있으면 말씀해 주십시오.",
                     " 도움이 되셨기를 바랍니다."});
  }
  return "";
}

struct ResultWords {
  std::string date;     // "2026년 5월 31일", sometimes "2026-05-31"
  std::string weekday;  // "일요일"
  int iso_weekday = 0;
};

ResultWords result_words(const nlohmann::json& result, SeededRandom& r) {
  ResultWords w;
  w.date = result.at(r.chance(85) ? "date_ko" : "date").get<std::string>();
  w.weekday = result.at("weekday").get<std::string>();
  w.iso_weekday = CalendarDate::parse(result.at("date").get<std::string>()).iso_weekday();
  return w;
}

std::string weekday_answer(const QuestionForm& form, const ResultWords& w, P p, SeededRandom& r) {
  const std::string is_wd = w.weekday + is_ending(w.weekday, p);
  if (form.guessed_weekday != 0) {
    const std::string guess = weekday_name_korean(form.guessed_weekday);
    if (form.guessed_weekday == w.iso_weekday) {
      const std::string yes = p == P::kPlain    ? "응, 맞아. "
                              : p == P::kPolite ? r.pick({"네, ", "맞아요. "})
                                                : "네, 맞습니다. ";
      return yes + eun(w.date) + " " + is_wd + ".";
    }
    const std::string no = p == P::kPlain ? "아니, " : p == P::kPolite ? "아니요, " : "아닙니다. ";
    return no + eun(w.date) + " " + ga(guess) + " 아니라 " + is_wd + ".";
  }
  if (form.weekend_question != 0) {
    const bool weekend = w.iso_weekday >= 6;
    const std::string kind = weekend ? "주말" : "평일";
    std::string prefix;
    if (form.weekend_question != 3) {
      const bool yes = (form.weekend_question == 1) == weekend;
      prefix = yes ? (p == P::kPlain ? "응, " : "네, ") : (p == P::kPlain ? "아니, " : "아니요, ");
    }
    if (r.chance(50)) {
      return prefix + eun(w.date) + " " + w.weekday + "이라서 " + kind + is_ending(kind, p) + ".";
    }
    return prefix + kind + is_ending(kind, p) + ". " + eun(w.date) + " " + is_wd + ".";
  }
  switch (r.below(7)) {
    case 0:
      return eun(w.date) + " " + is_wd + ".";
    case 1:
      return Words() << "그날은 " << is_wd << (r.chance(50) ? "!" : ".");
    case 2:
      return is_wd + ".";
    case 3:
      return eun(w.date) + " " + w.weekday + seen_ending(w.weekday, p) + ".";
    case 4:
      return w.date + ", " + is_wd + ".";
    case 5:
      return Words() << r.pick({"확인해 보니 ", "달력을 보니 "}) << eun(w.date) << " " << is_wd
                     << ".";
    default:
      return eun(w.date) + " " + is_wd + "!";
  }
}

// "100일", "3주"
std::string count_words(long long days, bool in_weeks) {
  const long long n = days < 0 ? -days : days;
  if (in_weeks && n % 7 == 0) return std::to_string(n / 7) + "주";
  return std::to_string(n) + "일";
}

// An add_days result told back: `from` is how the start is named ("2026년 2월 20일부터",
// "오늘부터", "그날부터") or "".
std::string offset_answer(const QuestionForm& form, const nlohmann::json& result,
                          const std::string& from, const ResultWords& w, P p, SeededRandom& r) {
  const long long days = result.at("days").get<long long>();
  const std::string offset = Words() << count_words(days, form.in_weeks) << " "
                                     << (days > 0 ? r.pick({"후", "후", "뒤"}) : "전");
  const bool past = days < 0 && r.chance(30);
  const std::string date_is = w.date + (past ? was_ending(w.date, p) : is_ending(w.date, p));
  const std::string wd_is = w.weekday + (past ? was_ending(w.weekday, p) : is_ending(w.weekday, p));
  const std::string lead = from.empty() ? eun(offset) : from + " " + eun(offset);
  switch (r.below(9)) {
    case 0:
      return w.date + " " + wd_is + ".";
    case 1:
      return lead + " " + date_is + ".";
    case 2:
      return lead + " " + date_is + ". 그날은 " + w.weekday + seen_ending(w.weekday, p) + ".";
    case 3:
      return w.date + "(" + w.weekday + ")" + is_ending(w.weekday, p) + ".";
    case 4:
      return date_is + ". " + w.weekday + seen_ending(w.weekday, p) + ".";
    case 5:
      return (p == P::kFormal ? "계산 결과는 " : "정답은 ") + w.date + ", " + wd_is + ".";
    case 6:
      return w.date + "! " + wd_is + ".";
    case 7:
      return "계산해 보니 " + lead + " " + w.date + " " + wd_is + ".";
    default:
      return w.date + " " + w.weekday +
             (p == P::kPlain    ? "인데, 그날 무슨 일 있어?"
              : p == P::kPolite ? "인데, 그날 무슨 이벤트 있어요? 궁금해요!"
                                : "입니다.");
  }
}

std::string today_answer(const ResultWords& w, P p, SeededRandom& r) {
  const std::string wd_is = w.weekday + is_ending(w.weekday, p);
  switch (r.below(5)) {
    case 0:
      return "오늘은 " + w.date + " " + wd_is + ".";
    case 1:
      return "오늘 날짜는 " + w.date + is_ending(w.date, p) + ". " + w.weekday +
             seen_ending(w.weekday, p) + ".";
    case 2:
      return w.date + ", " + wd_is + ".";
    case 3:
      return "오늘은 " + wd_is + ". 날짜는 " + w.date + is_ending(w.date, p) + ".";
    default:
      return "지금 기준으로 " + w.date + " " + wd_is + ".";
  }
}

std::string today_add_days_answer(const QuestionForm& form, const nlohmann::json& result,
                                  const ResultWords& w, P p, SeededRandom& r) {
  const std::string today = CalendarDate::parse(result.at("from").get<std::string>()).korean();
  if (!form.relative_word.empty()) {
    const std::string& word = form.relative_word;
    const std::string wd_is = w.weekday + is_ending(w.weekday, p);
    switch (r.below(3)) {
      case 0:
        return eun(word) + " " + w.date + " " + wd_is + ".";
      case 1:
        return eun(word) + " " + w.date + is_ending(w.date, p) + ". " + w.weekday +
               seen_ending(w.weekday, p) + ".";
      default:
        return "오늘이 " + today + "이니까 " + eun(word) + " " + w.date + " " + wd_is + ".";
    }
  }
  switch (r.below(4)) {
    case 0:
      return offset_answer(form, result, r.pick({"오늘부터", "오늘로부터", "지금부터"}), w, p, r);
    case 1:
      return "오늘이 " + today + "이니까 " + offset_answer(form, result, "", w, p, r);
    case 2:
      return "오늘(" + today + ") 기준으로 " + offset_answer(form, result, "", w, p, r);
    default:
      return offset_answer(form, result, "", w, p, r);
  }
}

// ---- Dates stated first (QuestionSpec::stated_dates)
// ---------------------------------------------

// "내 생일이 2026년 7월 14일인데", "결혼식이 2027년 10월 23일이에요.": the date in a clause
// of its own, before the question about "그날".
std::string stated_date_clause(const std::string& d, P p, SeededRandom& r) {
  // The first ten are scheduled ("…로 잡혔는데" fits them); birthdays are not.
  static const char* kEvents[] = {"시험",    "결혼식",    "회의",     "이사 날짜",   "출국일",
                                  "계약일",  "면접",      "발표",     "여행 출발일", "마감일",
                                  "내 생일", "동생 생일", "엄마 생신"};
  const size_t pick = r.below(13);
  const std::string event = kEvents[pick];
  const std::string date_is = pick < 10 && r.chance(25) ? ro(d) + " 잡혔는데" : d + "인데";
  if (r.chance(55)) return Words() << ga(event) << " " << date_is;
  return Words() << ga(event) << " " << d << is_ending(d, p) << ".";
}

// "이사 날짜가 2027년 2월 27일로 잡혔는데 그날 무슨 요일이야?"
PhrasedQuestion stated_weekday_question(const QuestionSpec& s, SeededRandom& r) {
  const P p = s.politeness;
  const std::string d = korean_date_text(s.date, s.hard_dates, r);
  const std::string clause = stated_date_clause(d, p, r);
  const std::string which = which_weekday(r);
  PhrasedQuestion out;
  out.text = r.chance(70) ? Words() << clause << " " << r.pick({"그날", "그날은", "그 날"}) << " "
                                    << ask_is(which, p, r)
                          : Words() << clause << " " << r.pick({"그날", "그날이"}) << " " << which
                                    << "인지 " << please_tell(p, r);
  return out;
}

// "계약일이 2027년 3월 31일이에요. 그로부터 90일 전은 언제예요?", "2026-03-01에 100일 더하면?"
PhrasedQuestion stated_add_days_question(const QuestionSpec& s, SeededRandom& r) {
  const P p = s.politeness;
  const bool after = s.days > 0;
  const std::string d = korean_date_text(s.date, s.hard_dates, r);
  const CountText count = korean_count(after ? s.days : -s.days, s.hard_counts, r);
  PhrasedQuestion out;
  out.form.in_weeks = count.in_weeks;
  if (r.chance(70)) {
    const std::string clause = stated_date_clause(d, p, r);
    out.text = Words() << clause << " "
                       << r.pick({"그로부터", "그날부터", "그날로부터", "그날 기준으로"}) << " "
                       << marked(offset_text(count.text, after, r), r) << " "
                       << ask_is(when_word(r), p, r);
    return out;
  }
  out.text = Words() << d << "에 " << count.text << " " << (after ? "더하면" : "빼면") << " "
                     << ask_is(when_word(r), p, r);
  return out;
}

}  // namespace

PhrasedQuestion korean_question(const QuestionSpec& spec, SeededRandom& random) {
  PhrasedQuestion q;
  // The stated-date forms draw only when asked for, so other mixes keep their bytes.
  const bool stated = spec.stated_dates && random.chance(30);
  switch (spec.intent) {
    case ToolcallIntent::kWeekday:
      q = stated ? stated_weekday_question(spec, random) : weekday_question(spec, random);
      break;
    case ToolcallIntent::kAddDays:
      q = stated ? stated_add_days_question(spec, random) : add_days_question(spec, random);
      break;
    case ToolcallIntent::kToday:
      q = today_question(spec, random);
      break;
    case ToolcallIntent::kTodayAddDays:
      q = today_add_days_question(spec, random);
      break;
    case ToolcallIntent::kFollowUp:
      q = follow_up_question(spec, random);
      break;
    case ToolcallIntent::kFollowUpSameAs:
      q = follow_up_same_question(spec, random);
      break;
  }
  // Follow-ups are short replies in a conversation: no greetings before them.
  const bool follow_up =
      spec.intent == ToolcallIntent::kFollowUp || spec.intent == ToolcallIntent::kFollowUpSameAs;
  if (!follow_up) q.text = with_fillers(q.text, spec.politeness, random);
  q.text = with_typos(q.text, random);
  return q;
}

std::string korean_answer(const QuestionSpec& spec, const QuestionForm& form,
                          const nlohmann::json& result, SeededRandom& random) {
  const P p = answer_politeness(spec.politeness, random);
  const ResultWords w = result_words(result, random);
  std::string answer;
  switch (spec.intent) {
    case ToolcallIntent::kWeekday:
      answer = weekday_answer(form, w, p, random);
      break;
    case ToolcallIntent::kAddDays:
    case ToolcallIntent::kFollowUpSameAs: {
      if (spec.intent == ToolcallIntent::kFollowUpSameAs && spec.repeats_weekday) {
        answer = weekday_answer(form, w, p, random);
        break;
      }
      const std::string from = CalendarDate::parse(result.at("from").get<std::string>()).korean();
      answer = offset_answer(form, result, random.chance(70) ? from + "부터" : "", w, p, random);
      break;
    }
    case ToolcallIntent::kToday:
      answer = today_answer(w, p, random);
      break;
    case ToolcallIntent::kTodayAddDays:
      answer = today_add_days_answer(form, result, w, p, random);
      break;
    case ToolcallIntent::kFollowUp: {
      const std::string from = CalendarDate::parse(result.at("from").get<std::string>()).korean();
      const std::string named =
          random.pick<std::string>({"그날부터", "그날로부터", "거기서", from + "부터", ""});
      answer = offset_answer(form, result, named, w, p, random);
      break;
    }
  }
  // The seed's chatty style may already end with a question of its own.
  const bool asked_back = answer.back() == '?' || answer.find("궁금해요!") != std::string::npos;
  const std::string close = closing(p, random);
  return asked_back ? answer : answer + close;
}

}  // namespace tunedeck
