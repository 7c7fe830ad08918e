// The v7 phrase tables (Korean, then English) and the slot filler. Korean patterns carry their
// particles as {slot:J} so one pattern fits every value; English needs none.
#include "datagen/toolcall_phrasing_v7.h"

#include <stdexcept>

namespace tunedeck {
namespace {

V7Language korean() {
  V7Language k;
  k.language = ToolcallLanguage::kKorean;
  k.relative_days = {{"내일", 1},  {"낼", 1},    {"모레", 2},   {"글피", 3},
                     {"어제", -1}, {"그제", -2}, {"그저께", -2}};
  k.weekday_rules = {
      {"after", {"돌아오는 {wd}", "다가오는 {wd}", "오는 {wd}"}},
      {"before", {"지난 {wd}"}},
      {"this_week", {"이번 주 {wd}", "이번주 {wd}"}},
      {"next_week", {"다음 주 {wd}", "다음주 {wd}", "담주 {wd}"}},
      {"last_week", {"지난주 {wd}", "저번 주 {wd}", "저번주 {wd}"}},
  };
  k.holidays = {{1, 1, {"신정", "새해 첫날"}},
                {2, 14, {"밸런타인데이", "발렌타인데이"}},
                {3, 1, {"삼일절", "3.1절"}},
                {5, 5, {"어린이날"}},
                {6, 6, {"현충일"}},
                {8, 15, {"광복절"}},
                {10, 3, {"개천절"}},
                {10, 9, {"한글날"}},
                {10, 31, {"핼러윈", "할로윈"}},
                {12, 24, {"크리스마스 이브", "크리스마스이브"}},
                {12, 25, {"크리스마스", "성탄절", "크리스마스 날"}},
                {12, 31, {"연말 마지막 날", "12월 31일"}}};
  k.lunar_holidays = {"설날", "추석", "설", "음력 설", "정월 대보름"};
  k.contexts = {"친구랑 약속 잡으려고 하는데, ",
                "여행 계획 중이야. ",
                "회의 날짜 정하는 중인데 ",
                "궁금한 게 있어요. ",
                "안녕! ",
                "저기, ",
                "택배가 오기로 했는데 ",
                "시험 준비 때문에 그러는데 ",
                "잠깐만, ",
                "휴가 쓰려고 하는데 "};
  k.relative_day = {"p{rel:은} 며칠이야?",
                    "p{rel} 날짜 알려줘",
                    "p{rel:이} 몇 월 며칠이지?",
                    "p{rel:은} 무슨 요일이야?",
                    "p{rel} 며칠임?",
                    "p{rel:은} 무슨 요일?",
                    "y{rel:은} 며칠이에요?",
                    "y{rel} 날짜가 어떻게 되나요?",
                    "y{rel:은} 무슨 요일인가요?",
                    "y{rel:이} 몇 월 며칠인지 알려주세요",
                    "y{rel} 날짜 좀 알려주시겠어요?",
                    "y{rel:은} 몇 월 며칠입니까?"};
  k.relative_weekday = {"p{wdp:은} 며칠이야?",         "p{wdp} 날짜 알려줘",
                        "p{wdp:이} 몇 월 며칠이지?",   "p{wdp} 며칠?",
                        "p{wdp:은} 몇 일이야?",        "y{wdp:은} 며칠이에요?",
                        "y{wdp:이} 몇 월 며칠인가요?", "y{wdp} 날짜 좀 알려주세요",
                        "y{wdp:은} 며칠입니까?",       "y{wdp:이} 며칠인지 궁금해요"};
  k.chain = {
      "p{start:으로}부터 {dur} 뒤는 며칠이야?",      "p{start}부터 {dur} 후 날짜 알려줘",
      "p{start}에서 {dur} 지나면 며칠이야?",         "y{start:으로}부터 {dur} 후는 며칠이에요?",
      "y{start}부터 {dur} 뒤 날짜가 어떻게 되나요?", "y{start}에서 {dur} 뒤는 몇 월 며칠인가요?"};
  k.months_from_date = {"p{date:으로}부터 {mon} 뒤는 며칠이야?", "p{date}에서 {mon} 후 날짜는?",
                        "y{date:으로}부터 {mon} 후는 며칠이에요?",
                        "y{date}에서 {mon} 지나면 몇 월 며칠인가요?"};
  k.months_before_date = {"p{date}에서 {mon} 전은 며칠이야?", "p{date:으로}부터 {mon} 전 날짜는?",
                          "y{date}보다 {mon} 앞선 날은 며칠이에요?",
                          "y{date}에서 {mon} 전은 언제인가요?"};
  k.months_from_today = {
      "p오늘부터 {mon} 뒤는 며칠이야?",     "p오늘부터 {mon} 후면 며칠이지?",
      "p지금부터 {mon} 후 날짜 알려줘",     "y오늘부터 {mon} 뒤는 몇 월 며칠이에요?",
      "y오늘로부터 {mon} 후는 며칠인가요?", "y지금부터 {mon} 뒤 날짜가 궁금해요"};
  k.months_bare = {"p{mon} 뒤는 며칠이야?", "p{mon} 후 날짜 알려줘",
                   "y{mon} 뒤는 몇 월 며칠이에요?", "y{mon} 후는 며칠인가요?"};
  k.no_year_weekday = {"p{md:은} 무슨 요일이야?",         "p{md} 무슨 요일?",
                       "p{md:이} 무슨 요일인지 알려줘",   "p{md:은} 무슨요일이지?",
                       "y{md:은} 무슨 요일이에요?",       "y{md:은} 무슨 요일인가요?",
                       "y{md:이} 무슨 요일인지 궁금해요", "y{md:은} 몇 요일입니까?"};
  k.holiday_weekday = {"p{hol:은} 무슨 요일이야?",           "p이번 {hol:은} 무슨 요일?",
                       "p다가오는 {hol:은} 무슨 요일이야?",  "p{hol} 무슨 요일이지?",
                       "y{hol:은} 무슨 요일이에요?",         "y이번 {hol:은} 무슨 요일인가요?",
                       "y{hol:이} 무슨 요일인지 알려주세요", "y{hol:은} 무슨 요일입니까?"};
  k.holiday_date = {"p{hol:은} 며칠이야?",   "p{hol:은} 언제야?",   "p{hol} 날짜 알려줘",
                    "y{hol:은} 며칠이에요?", "y{hol:은} 언제예요?", "y{hol} 날짜가 어떻게 되나요?"};
  k.holiday_year = {"p{year}년 {hol:은} 무슨 요일이야?", "p{year}년 {hol} 무슨 요일?",
                    "y{year}년 {hol:은} 무슨 요일이에요?", "y{year}년 {hol:은} 무슨 요일이었나요?"};
  k.days_until = {"p{target}까지 며칠 남았어?",         "p{target}까지 몇 일 남았지?",
                  "p오늘부터 {target}까지 며칠이야?",   "p{target}까지 며칠 남음?",
                  "y{target}까지 며칠 남았어요?",       "y{target}까지 며칠 남았나요?",
                  "y오늘부터 {target}까지 며칠이에요?", "y{target}까지 남은 날이 며칠인가요?"};
  k.days_since = {"p{date}부터 오늘까지 며칠이야?", "p{date}부터 며칠 지났어?",
                  "p{date} 이후로 며칠 지났지?",    "y{date}부터 오늘까지 며칠이에요?",
                  "y{date}부터 며칠이 지났나요?",   "y{date} 이후 며칠 지났는지 알려주세요"};
  k.days_between = {"p{a}부터 {b}까지 며칠이야?",     "p{a:과} {b} 사이는 며칠이야?",
                    "p{a}에서 {b}까지 며칠 차이나?",  "y{a}부터 {b}까지 며칠이에요?",
                    "y{a:과} {b} 사이는 며칠인가요?", "y{a}에서 {b}까지 며칠인지 알려주세요"};
  k.lunar = {"p{hol:은} 무슨 요일이야?",        "p{hol}까지 며칠 남았어?",
             "p내년 {hol:은} 며칠이야?",        "y{hol:은} 며칠이에요?",
             "y올해 {hol:은} 무슨 요일인가요?", "y{hol}까지 며칠 남았어요?"};
  k.greeting = {"p안녕!", "p안녕", "pㅎㅇ", "p하이~", "y안녕하세요", "y안녕하세요!", "y반가워요"};
  k.thanks = {"p고마워!",    "p고마워",    "p땡큐",          "p오 고마워 ㅎㅎ",       "p굿 고마워",
              "y감사합니다", "y고마워요!", "y감사해요 ㅎㅎ", "y알려주셔서 감사합니다"};
  k.identity = {"p너 누구야?", "p넌 뭐야?",           "p이름이 뭐야?",  "p안녕, 너 누구야?",
                "y누구세요?",  "y당신은 누구인가요?", "y이름이 뭐예요?"};
  k.capability = {"p뭐 할 수 있어?",          "p너 뭐 해줄 수 있어?",
                  "p어떤 걸 물어볼 수 있어?", "y무엇을 도와줄 수 있나요?",
                  "y뭘 할 수 있어요?",        "y어떤 질문을 할 수 있나요?"};
  k.off_topic = {"p오늘 날씨 어때?",
                 "p점심 뭐 먹을까?",
                 "p파이썬 코드 좀 짜줘",
                 "p재밌는 얘기 해줘",
                 "p지금 몇 시야?",
                 "p환율 알려줘",
                 "y오늘 날씨 어때요?",
                 "y서울 인구가 몇 명인가요?",
                 "y이메일 하나 써 줄 수 있어요?",
                 "y주식 추천해 주세요",
                 "y지금 몇 시예요?",
                 "y번역 좀 해주실 수 있나요?"};
  k.follow_add = {"p그로부터 {dur} 뒤는?", "p거기서 {dur} 후는 며칠이야?",
                  "p그날부터 {dur} 뒤는?", "y그로부터 {dur} 후는 며칠이에요?",
                  "y거기서 {dur} 뒤는요?", "y그날에서 {dur} 지나면 언제예요?"};
  k.follow_subtract = {"p그날부터 {dur} 전은?", "p거기서 {dur} 전은 며칠이야?",
                       "y그로부터 {dur} 전은 며칠이에요?", "y그날보다 {dur} 전은요?"};
  k.follow_next_day = {"p그 다음 날은?", "p그 다음날은 며칠이야?", "y그 다음 날은 며칠이에요?"};
  k.follow_previous_day = {"p그 전날은?", "p그 전날은 며칠이야?", "y그 전날은 며칠이에요?"};
  k.follow_weekday = {"p그날은 무슨 요일이야?", "p그게 무슨 요일이야?", "p무슨 요일이야 그날?",
                      "y그날은 무슨 요일이에요?", "y그날이 무슨 요일인가요?"};
  k.follow_months = {"p거기서 {mon} 뒤는?", "p그로부터 {mon} 후는 며칠이야?",
                     "y그날부터 {mon} 후는 며칠이에요?", "y거기서 {mon} 뒤는요?"};
  k.follow_until = {"p그날까지 며칠 남았어?", "p오늘부터 그날까지 며칠이야?",
                    "y그날까지 며칠 남았어요?", "y오늘부터 그날까지 며칠인가요?"};
  k.follow_since = {"p그날부터 오늘까지 며칠 지났어?", "p그게 며칠 전이야?",
                    "y그날부터 오늘까지 며칠 지났어요?", "y그게 며칠 전이에요?"};
  k.follow_next_weekday = {"p그 뒤 첫 {wd:은} 며칠이야?", "p그날 이후 첫 {wd:은}?",
                           "y그날 다음에 오는 {wd:은} 며칠이에요?"};
  k.answer_date = {"p{date}({wd})이야.",     "p{date}, {wd}이야.",   "p{date:이고} {wd}이야.",
                   "p{date} {wd}!",          "y{date}({wd})이에요.", "y{date}, {wd}입니다.",
                   "y{date}이고 {wd}이에요."};
  k.answer_weekday = {"p{date:은} {wd}이야.",   "p{wd}이야. ({date})",   "p{date:은} {wd}!",
                      "y{date:은} {wd}이에요.", "y{wd}입니다. ({date})", "y{date:은} {wd}입니다."};
  k.answer_holiday = {"p{hol:은} {date}, {wd}이야.", "p이번 {hol:은} {date}({wd})이야.",
                      "y{hol:은} {date}, {wd}이에요.", "y{hol:은} {date}({wd})입니다."};
  k.answer_until = {"p{target}까지 {n}일 남았어.", "p{n}일 남았어! ({target})",
                    "y{target}까지 {n}일 남았어요.", "y{target}까지 {n}일 남았습니다."};
  k.answer_since = {"p{target}부터 오늘까지 {n}일 지났어.", "p{n}일 지났어. ({target}부터)",
                    "y{target}부터 오늘까지 {n}일 지났어요.",
                    "y{n}일이 지났습니다. ({target}부터)"};
  k.answer_between = {"p{n}일 차이야.", "p{n}일이야.", "y{n}일 차이예요.",
                      "y두 날짜 사이는 {n}일입니다."};
  k.answer_greeting = {"p안녕! 날짜나 요일이 궁금하면 물어봐.",
                       "y안녕하세요! 날짜와 요일에 관한 질문을 도와드릴게요."};
  k.answer_thanks = {"p천만에! 또 궁금한 날짜 있으면 물어봐.",
                     "y천만에요. 또 필요하면 물어보세요!"};
  k.answer_identity = {"p나는 datebot이야. 날짜와 요일을 계산해 주는 작은 도우미야.",
                       "y저는 datebot이에요. 날짜와 요일을 계산해 드리는 작은 도우미예요."};
  k.answer_capability = {
      "p날짜 질문을 도와줄 수 있어: 어떤 날의 요일, 며칠·몇 주·몇 달 전후의 날짜, 두 날짜 사이의 "
      "날 수, 공휴일까지 남은 날.",
      "y날짜 질문을 도와드려요: 어떤 날의 요일, 며칠·몇 주·몇 달 전후의 날짜, 두 날짜 사이의 날 "
      "수, 공휴일까지 남은 날을 계산해요."};
  k.answer_off_topic = {"p미안, 나는 날짜에 관한 질문만 도와줄 수 있어.",
                        "y죄송해요, 저는 날짜에 관한 질문만 도와드릴 수 있어요."};
  k.answer_lunar = {
      "p설날이나 추석 같은 음력 명절은 내가 계산할 수 없어. 양력 날짜를 알려주면 "
      "요일이나 날짜 계산은 도와줄게.",
      "y설날이나 추석 같은 음력 명절은 제가 계산할 수 없어요. 양력 날짜를 알려주시면 "
      "요일이나 날짜 계산은 도와드릴게요."};
  return k;
}

V7Language english() {
  V7Language e;
  e.language = ToolcallLanguage::kEnglish;
  e.relative_days = {{"tomorrow", 1},
                     {"tmrw", 1},
                     {"the day after tomorrow", 2},
                     {"yesterday", -1},
                     {"the day before yesterday", -2}};
  e.weekday_rules = {
      {"after", {"next {wd}"}},
      {"on_or_after", {"this {wd}"}},
      {"before", {"last {wd}"}},
      {"this_week", {"this week's {wd}", "{wd} this week"}},
      {"next_week", {"next week's {wd}", "{wd} next week", "{wd} of next week"}},
      {"last_week", {"last week's {wd}", "{wd} last week", "{wd} of last week"}},
  };
  e.holidays = {{1, 1, {"New Year's Day", "new years day"}},
                {2, 14, {"Valentine's Day", "valentines day"}},
                {3, 1, {"March 1st Movement Day", "Independence Movement Day"}},
                {5, 5, {"Children's Day"}},
                {6, 6, {"Memorial Day in Korea", "Korean Memorial Day"}},
                {8, 15, {"Liberation Day"}},
                {10, 3, {"National Foundation Day"}},
                {10, 9, {"Hangul Day"}},
                {10, 31, {"Halloween"}},
                {12, 24, {"Christmas Eve"}},
                {12, 25, {"Christmas", "Christmas Day", "xmas"}},
                {12, 31, {"New Year's Eve"}}};
  e.lunar_holidays = {"Chuseok", "Seollal", "Lunar New Year", "Korean Thanksgiving"};
  e.contexts = {"I'm planning a trip. ",
                "Quick question: ",
                "hey, ",
                "Hi! ",
                "I'm setting up a meeting. ",
                "My package is due then. ",
                "ok so ",
                "I'm trying to plan a party. ",
                "Sorry to bother you, ",
                "hmm, "};
  e.relative_day = {"-What's the date {rel}?",
                    "-what date is it {rel}",
                    "-What day of the week is it {rel}?",
                    "-Which date is {rel}?",
                    "-{rel}: what date?",
                    "-what day is {rel}?",
                    "-Can you tell me the date {rel}?",
                    "-date {rel}?"};
  e.relative_weekday = {"-What's the date {wdp}?",
                        "-What date is {wdp}?",
                        "-When is {wdp}?",
                        "-{wdp}: what's the date?",
                        "-Which date is {wdp}?",
                        "-date of {wdp}?",
                        "-Could you tell me what date {wdp} is?"};
  e.chain = {"-What's the date {dur} from {start}?", "-{dur} after {start}: what date?",
             "-what date is {dur} after {start}", "-Which date is {dur} after {start}?",
             "-Can you tell me the date {dur} from {start}?"};
  e.months_from_date = {"-What's the date {mon} after {date}?", "-What date is {mon} from {date}?",
                        "-{mon} after {date}: which date?", "-add {mon} to {date}"};
  e.months_before_date = {"-What was the date {mon} before {date}?",
                          "-What date is {mon} before {date}?", "-{mon} before {date}?"};
  e.months_from_today = {"-What's the date {mon} from today?", "-what date will it be in {mon}?",
                         "-Which date is {mon} from now?", "-date {mon} from today?"};
  e.months_bare = {"-What's the date in {mon}?", "-what date will it be in {mon}",
                   "-Which date is it in {mon}?"};
  e.no_year_weekday = {"-What day of the week is {md}?", "-What day is {md}?",
                       "-{md}: which weekday?",          "-what day does {md} fall on?",
                       "-Which weekday is {md}?",        "-Can you tell me what day {md} is?"};
  e.holiday_weekday = {"-What day of the week is {hol}?", "-What day does {hol} fall on?",
                       "-which weekday is {hol}?", "-What day is {hol} on?",
                       "-what day is {hol} this time?"};
  e.holiday_date = {"-When is {hol}?", "-What's the date of {hol}?", "-when's {hol}",
                    "-What date is {hol}?"};
  e.holiday_year = {"-What day of the week is {hol} {year}?", "-What day was {hol} in {year}?",
                    "-Which weekday is {hol} in {year}?"};
  e.days_until = {"-How many days until {target}?",          "-how many days till {target}",
                  "-How many days are left until {target}?", "-days until {target}?",
                  "-How many days to go until {target}?",    "-How long until {target}, in days?"};
  e.days_since = {"-How many days since {date}?", "-How many days have passed since {date}?",
                  "-how many days ago was {date}?", "-Days since {date}?"};
  e.days_between = {"-How many days between {a} and {b}?",
                    "-How many days are there from {a} to {b}?", "-days from {a} to {b}?",
                    "-Count the days from {a} to {b}."};
  e.lunar = {"-When is {hol} this year?", "-What day is {hol}?", "-How many days until {hol}?"};
  e.greeting = {"-hi", "-Hi!", "-Hello", "-hey there", "-Good morning!"};
  e.thanks = {"-thanks!", "-Thank you", "-thx", "-cool, thanks", "-Great, thank you!"};
  e.identity = {"-who are you?", "-What are you?", "-what's your name?", "-Hi, who are you?"};
  e.capability = {"-what can you do?", "-How can you help me?", "-What can I ask you?",
                  "-what are you good at?"};
  e.off_topic = {"-What's the weather like today?",
                 "-Tell me a joke",
                 "-What's the capital of France?",
                 "-Can you write an email for me?",
                 "-What time is it?",
                 "-Recommend a movie",
                 "-how do I cook pasta?",
                 "-Translate 'hello' into Spanish"};
  e.follow_add = {"-And {dur} after that?", "-what about {dur} later?", "-{dur} after that?",
                  "-And {dur} from then?"};
  e.follow_subtract = {"-{dur} before that?", "-And {dur} earlier?",
                       "-what about {dur} before that?"};
  e.follow_next_day = {"-And the day after that?", "-the next day?"};
  e.follow_previous_day = {"-And the day before?", "-the day before that?"};
  e.follow_weekday = {"-What day of the week is that?", "-which weekday is that?",
                      "-and what day is that?"};
  e.follow_months = {"-And {mon} after that?", "-what about {mon} later?"};
  e.follow_until = {"-How many days from today is that?", "-how many days until then?"};
  e.follow_since = {"-How many days ago was that?", "-how many days since then?"};
  e.follow_next_weekday = {"-And the {wd} after that?", "-what's the next {wd} after that?"};
  e.answer_date = {"-That's {wd}, {date}.", "-It's {wd}, {date}.", "-{date} ({wd}).",
                   "-{date}, a {wd}."};
  e.answer_weekday = {"-{date} is a {wd}.", "-That's a {wd}: {date}.", "-It's a {wd} ({date})."};
  e.answer_holiday = {"-{hol} is on {wd}, {date}.", "-{hol} falls on {wd}, {date}."};
  e.answer_until = {"-{n} days until {target}.", "-There are {n} days left until {target}.",
                    "-{n} days to go ({target})."};
  e.answer_since = {"-{n} days have passed since {target}.", "-It's been {n} days since {target}."};
  e.answer_between = {"-{n} days.", "-There are {n} days between them.", "-That's {n} days."};
  e.answer_greeting = {"-Hi! Ask me anything about dates and weekdays."};
  e.answer_thanks = {"-You're welcome!", "-Anytime. Ask me if you need another date."};
  e.answer_identity = {"-I'm datebot, a small assistant that works out dates and weekdays."};
  e.answer_capability = {
      "-I answer date questions: the weekday of a date, the date some days, weeks or months "
      "before or after another, and the number of days between dates or until a holiday."};
  e.answer_off_topic = {"-Sorry, I can only help with dates.",
                        "-I can only help with date questions, sorry."};
  e.answer_lunar = {
      "-I can't compute lunar holidays like Seollal or Chuseok. Give me the solar date and I can "
      "find its weekday or count the days."};
  return e;
}

// Hangul syllables: (code - 0xAC00) % 28 is the final consonant (0: none, 8: ㄹ).
int final_consonant(const std::string& word) {
  if (word.empty()) return 0;
  const unsigned char last = static_cast<unsigned char>(word.back());
  if (last >= '0' && last <= '9') {
    // Sino-Korean readings: 영 일 이 삼 사 오 육 칠 팔 구
    static const int kDigitFinal[10] = {21, 8, 0, 16, 0, 0, 1, 8, 8, 0};
    return kDigitFinal[last - '0'];
  }
  if (word.size() < 3) return 0;
  const unsigned char* p = reinterpret_cast<const unsigned char*>(word.data() + word.size() - 3);
  if ((p[0] & 0xF0) != 0xE0) return 0;
  const int code = ((p[0] & 0x0F) << 12) | ((p[1] & 0x3F) << 6) | (p[2] & 0x3F);
  if (code < 0xAC00 || code > 0xD7A3) return 0;
  return (code - 0xAC00) % 28;
}

std::string slot_value(const V7Slots& slots, const std::string& name, const std::string& pattern) {
  for (const auto& [key, value] : slots)
    if (key == name) return value;
  throw std::logic_error("v7 phrasing: pattern '" + pattern + "' uses slot {" + name +
                         "}, which was not given");
}

}  // namespace

const V7Language& v7_language(ToolcallLanguage language) {
  static const V7Language kKorean = korean();
  static const V7Language kEnglish = english();
  return language == ToolcallLanguage::kKorean ? kKorean : kEnglish;
}

std::string korean_particle(const std::string& word, const std::string& j) {
  const int final = final_consonant(word);
  if (j == "은") return final ? "은" : "는";
  if (j == "이") return final ? "이" : "가";
  if (j == "을") return final ? "을" : "를";
  if (j == "과") return final ? "과" : "와";
  if (j == "으로") return final && final != 8 ? "으로" : "로";
  if (j == "이고") return final ? "이고" : "고";
  throw std::logic_error("v7 phrasing: unknown particle '" + j + "'");
}

std::string v7_fill(const std::string& pattern, const V7Slots& slots) {
  std::string out;
  size_t i = 1;  // after the register letter
  while (i < pattern.size()) {
    if (pattern[i] != '{') {
      out += pattern[i++];
      continue;
    }
    const size_t close = pattern.find('}', i);
    if (close == std::string::npos)
      throw std::logic_error("v7 phrasing: unclosed slot in '" + pattern + "'");
    const std::string inside = pattern.substr(i + 1, close - i - 1);
    const size_t colon = inside.find(':');
    const std::string value = slot_value(slots, inside.substr(0, colon), pattern);
    out += value;
    if (colon != std::string::npos) out += korean_particle(value, inside.substr(colon + 1));
    i = close + 1;
  }
  if (!out.empty() && out[0] >= 'a' && out[0] <= 'z' && pattern.size() > 1 && pattern[1] == '{')
    out[0] = static_cast<char>(out[0] - 'a' + 'A');  // "{rel}: what date?" -> "Tomorrow: ..."
  return out;
}

std::string v7_phrase(const V7Patterns& patterns, bool plain, const V7Slots& slots,
                      SeededRandom& random) {
  std::vector<const char*> fitting;
  for (const char* p : patterns)
    if (p[0] == '-' || p[0] == (plain ? 'p' : 'y')) fitting.push_back(p);
  if (fitting.empty()) throw std::logic_error("v7 phrasing: an empty pattern table");
  return v7_fill(fitting[random.below(fitting.size())], slots);
}

std::string v7_date_text(ToolcallLanguage language, const CalendarDate& d, SeededRandom& r) {
  const std::string y = std::to_string(d.year), m = std::to_string(d.month),
                    day = std::to_string(d.day);
  if (language == ToolcallLanguage::kKorean) {
    switch (r.weighted({55, 20, 10, 10, 5})) {
      case 0:
        return d.korean();
      case 1:
        return d.iso();
      case 2:
        return y + "." + m + "." + day;
      case 3:
        return y + "년 " + m + "월 " + day + "일";
      default:
        return y + "/" + m + "/" + day;
    }
  }
  const std::string month = month_name_english(d.month);
  switch (r.weighted({40, 20, 15, 15, 10})) {
    case 0:
      return d.english();
    case 1:
      return d.iso();
    case 2:
      return month.substr(0, 3) + " " + day + ", " + y;
    case 3:
      return m + "/" + day + "/" + y;
    default:
      return day + " " + month + " " + y;
  }
}

std::string v7_month_day_text(ToolcallLanguage language, int month, int day, SeededRandom& r) {
  const std::string m = std::to_string(month), d = std::to_string(day);
  if (language == ToolcallLanguage::kKorean) {
    switch (r.weighted({75, 15, 10})) {
      case 0:
        return m + "월 " + d + "일";
      case 1:
        return m + "월" + d + "일";
      default:
        return m + "/" + d;
    }
  }
  const std::string name = month_name_english(month);
  const char* suffix = day % 10 == 1 && day != 11   ? "st"
                       : day % 10 == 2 && day != 12 ? "nd"
                       : day % 10 == 3 && day != 13 ? "rd"
                                                    : "th";
  switch (r.weighted({45, 15, 15, 10, 10, 5})) {
    case 0:
      return name + " " + d;
    case 1:
      return name.substr(0, 3) + " " + d;
    case 2:
      return name + " " + d + suffix;
    case 3:
      return d + " " + name;
    case 4:
      return "the " + d + suffix + " of " + name;
    default:
      return m + "/" + d;
  }
}

std::string v7_days_text(ToolcallLanguage language, long long days, bool weeks, SeededRandom& r) {
  const long long n = weeks ? days / 7 : days;
  if (language == ToolcallLanguage::kKorean) {
    if (weeks)
      return n == 1 && r.chance(50) ? "일주일" : std::to_string(n) + r.pick({"주", "주일"});
    return std::to_string(n) + "일";
  }
  static const char* kWords[] = {"", "one", "two", "three", "four", "five", "six"};
  const std::string count = n <= 6 && r.chance(30) ? kWords[n] : std::to_string(n);
  if (weeks) return n == 1 ? r.pick({"a week", "one week", "1 week"}) : count + " weeks";
  return n == 1 ? "a day" : count + " days";
}

std::string v7_months_text(ToolcallLanguage language, long long months, bool years,
                           SeededRandom& r) {
  const long long n = years ? months / 12 : months;
  if (language == ToolcallLanguage::kKorean) {
    if (years) return std::to_string(n) + "년";
    static const char* kNative[] = {"", "한", "두", "세", "네"};
    if (n <= 4 && r.chance(40)) return std::string(kNative[n]) + " 달";
    return std::to_string(n) + r.pick({"개월", "달"});
  }
  if (n == 1) return years ? r.pick({"a year", "one year"}) : r.pick({"a month", "one month"});
  return std::to_string(n) + (years ? " years" : " months");
}

std::string v7_weekday_text(ToolcallLanguage language, int iso_weekday, SeededRandom& r) {
  if (language == ToolcallLanguage::kKorean) return weekday_name_korean(iso_weekday);
  std::string name = weekday_name_english(iso_weekday);
  if (r.chance(15)) name[0] = static_cast<char>(name[0] - 'A' + 'a');
  return name;
}

std::string v7_informal(std::string text, ToolcallLanguage language, SeededRandom& r) {
  const auto replace_first = [&text](const std::string& from, const std::string& to) {
    const size_t at = text.find(from);
    if (at != std::string::npos) text.replace(at, from.size(), to);
  };
  if (language == ToolcallLanguage::kKorean) {
    switch (r.below(6)) {
      case 0:
        replace_first("며칠", "몇일");
        break;
      case 1:
        replace_first("모레", "모래");
        break;
      case 2:
        replace_first("무슨 요일", "무슨요일");
        break;
      case 3:
        replace_first("?", r.pick({"??", " ㅋㅋ", "?ㅎㅎ"}));
        break;
      case 4:
        replace_first(" ", "");
        break;
      default:
        if (!text.empty() && text.back() == '?') text.pop_back();
    }
    return text;
  }
  switch (r.below(6)) {
    case 0:
      for (char& c : text)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
      break;
    case 1:
      replace_first("tomorrow", r.pick({"tomorow", "tmrw", "tommorow"}));
      break;
    case 2:
      replace_first("What's", r.pick({"whats", "wats", "What is"}));
      replace_first("what's", r.pick({"whats", "wat's"}));
      break;
    case 3:
      replace_first("Wednesday", "wendsday");
      replace_first("Christmas", "chrismas");
      replace_first("the", "teh");
      break;
    case 4:
      replace_first("you", "u");
      replace_first("How many", "how many");
      break;
    default:
      if (!text.empty() && text.back() == '?') text.pop_back();
  }
  return text;
}

}  // namespace tunedeck
