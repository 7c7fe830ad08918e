// tui/text_layout: display widths and wrapping of English, Korean, emoji and combining marks.
#include "tui/text_layout.h"

#include <gtest/gtest.h>

#include <clocale>

namespace tunedeck {
namespace {

using Lines = std::vector<std::string>;

class TextLayout : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { ASSERT_NE(std::setlocale(LC_ALL, "C.UTF-8"), nullptr); }
};

TEST_F(TextLayout, WidthCountsHangulAndEmojiAsTwoCells) {
  EXPECT_EQ(text_width("hello"), 5);
  EXPECT_EQ(text_width("안녕하세요"), 10);
  EXPECT_EQ(text_width("날짜 3일"), 8);
  EXPECT_EQ(text_width("🙂"), 2);
  EXPECT_EQ(text_width(""), 0);
}

TEST_F(TextLayout, CombiningMarksTakeNoCell) {
  EXPECT_EQ(text_width("e\xCC\x81"), 1);                             // e + COMBINING ACUTE ACCENT
  EXPECT_EQ(text_width("\xE1\x84\x92\xE1\x85\xA1\xE1\x86\xAB"), 2);  // 한 as conjoining jamo
  EXPECT_EQ(text_char_width(0x0301), 0);
  EXPECT_EQ(text_char_width(0xAC00), 2);
  EXPECT_EQ(text_char_width('a'), 1);
  EXPECT_EQ(text_char_width('\t'), 0);
}

TEST_F(TextLayout, InvalidBytesAreOneCellAndShowAsQuestionMarks) {
  EXPECT_EQ(text_width("a\xFF"
                       "b"),
            3);
  EXPECT_EQ(text_wrap("a\xFF"
                      "b",
                      10),
            Lines{"a?b"});
  EXPECT_EQ(text_wrap("\xE3\x81", 10), Lines{"??"});  // a truncated sequence
}

TEST_F(TextLayout, WrapsEnglishAtSpaces) {
  EXPECT_EQ(text_wrap("the quick brown fox", 10), (Lines{"the quick", "brown fox"}));
  EXPECT_EQ(text_wrap("the quick brown fox", 19), Lines{"the quick brown fox"});
  EXPECT_EQ(text_wrap("abc  def", 4), (Lines{"abc", "def"}));
}

TEST_F(TextLayout, KeepsIndentationAndNewlines) {
  EXPECT_EQ(text_wrap("{\n  \"date\": 1\n}", 20), (Lines{"{", "  \"date\": 1", "}"}));
  EXPECT_EQ(text_wrap("a\n\nb", 5), (Lines{"a", "", "b"}));
  EXPECT_EQ(text_wrap("", 5), Lines{""});
  EXPECT_EQ(text_wrap("a\tb", 5), Lines{"a  b"});
}

TEST_F(TextLayout, CutsAWordLongerThanTheLine) {
  EXPECT_EQ(text_wrap("abcdefghij", 4), (Lines{"abcd", "efgh", "ij"}));
  EXPECT_EQ(text_wrap("ab cdefghij", 4), (Lines{"ab c", "defg", "hij"}));
}

TEST_F(TextLayout, WrapsKoreanByCellsWithoutSplittingASyllable) {
  // 2 + 1 + 4 + 1 + 6 cells: "오 늘날" fills 7 cells exactly.
  EXPECT_EQ(text_wrap("오 늘날 짜를알", 7), (Lines{"오 늘날", "짜를알"}));
  // A word wider than the line fills the current line first.
  EXPECT_EQ(text_wrap("오늘은 며칠이야?", 7), (Lines{"오늘은", "며칠이", "야?"}));
  // A wide syllable never straddles a line end: width 5 holds two syllables, not two and a half.
  EXPECT_EQ(text_wrap("가나다라마", 5), (Lines{"가나", "다라", "마"}));
  for (const std::string& line : text_wrap("가나다라마 바사아자차카타파하", 5))
    EXPECT_LE(text_width(line), 5) << line;
}

TEST_F(TextLayout, MixesKoreanEnglishAndEmoji) {
  EXPECT_EQ(text_wrap("100일 후는 2026-05-31 🙂 입니다", 12),
            (Lines{"100일 후는", "2026-05-31", "🙂 입니다"}));
}

TEST_F(TextLayout, CombiningMarkStaysWithItsBase) {
  // "cafe\u0301 ole\u0301": the accents never start a line.
  EXPECT_EQ(text_wrap("cafe\xCC\x81 ole\xCC\x81", 4), (Lines{"cafe\xCC\x81", "ole\xCC\x81"}));
  EXPECT_EQ(text_wrap("abcde\xCC\x81", 4), (Lines{"abcd", "e\xCC\x81"}));
}

TEST_F(TextLayout, WidthOneStillPlacesAWideCharacter) {
  EXPECT_EQ(text_wrap("가나", 1), (Lines{"가", "나"}));
  EXPECT_EQ(text_wrap("ab", 0), (Lines{"a", "b"}));
}

TEST_F(TextLayout, ClipAndPadByCells) {
  EXPECT_EQ(text_clip("안녕하세요", 5), "안녕");
  EXPECT_EQ(text_clip("hello\nworld", 20), "hello");
  EXPECT_EQ(text_clip("abc", 0), "");
  EXPECT_EQ(text_pad("안녕하세요", 5), "안녕 ");
  EXPECT_EQ(text_pad("ab", 4), "ab  ");
  EXPECT_EQ(text_width(text_pad("🙂🙂🙂", 5)), 5);
}

TEST_F(TextLayout, DropSkipsLeadingCells) {
  EXPECT_EQ(text_drop("hello", 2), "llo");
  EXPECT_EQ(text_drop("안녕하세요", 4), "하세요");
  EXPECT_EQ(text_drop("안녕하세요", 3), "하세요");  // 녕 straddles the cut
  EXPECT_EQ(text_drop("ab", 5), "");
  EXPECT_EQ(text_drop("ab", 0), "ab");
}

TEST_F(TextLayout, WithoutAUtf8LocaleNonAsciiBecomesQuestionMarks) {
  ASSERT_NE(std::setlocale(LC_ALL, "C"), nullptr);
  const std::vector<std::string> wrapped = text_wrap("가나 ok e\xCC\x81", 20);
  const std::string clipped = text_clip("날짜", 5);
  ASSERT_NE(std::setlocale(LC_ALL, "C.UTF-8"), nullptr);
  EXPECT_EQ(wrapped, Lines{"?? ok e?"});  // the C locale cannot tell combining marks either
  EXPECT_EQ(clipped, "??");
}

TEST_F(TextLayout, DropsControlCharacters) {
  EXPECT_EQ(text_wrap("a\x1b[31mb", 10), Lines{"a[31mb"});
  EXPECT_EQ(text_width("\x07"), 0);
}

}  // namespace
}  // namespace tunedeck
