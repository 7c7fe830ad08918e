#include "train/csv_reader.h"

#include <gtest/gtest.h>

namespace tunedeck {
namespace {

using Fields = std::vector<std::string>;

TEST(CsvReader, SplitsPlainRecordsAndCountsLines) {
  const auto records = csv_parse("a,b,c\n1,2,3\n");
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].fields, (Fields{"a", "b", "c"}));
  EXPECT_EQ(records[0].line, 1);
  EXPECT_EQ(records[1].fields, (Fields{"1", "2", "3"}));
  EXPECT_EQ(records[1].line, 2);
  EXPECT_EQ(records[1].error, "");
}

TEST(CsvReader, QuotedFieldsKeepCommasQuotesAndLineBreaks) {
  const auto records =
      csv_parse("\"x, y\",\"say \"\"hi\"\"\",\"two\r\nlines\"\r\nnext,row,here\r\n");
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].fields, (Fields{"x, y", "say \"hi\"", "two\nlines"}));
  EXPECT_EQ(records[0].line, 1);
  EXPECT_EQ(records[1].fields, (Fields{"next", "row", "here"}));
  EXPECT_EQ(records[1].line, 3);  // the record after a two-line field starts on physical line 3
}

TEST(CsvReader, SkipsBomAndBlankLinesAndKeepsEmptyFields) {
  const auto records = csv_parse("\xEF\xBB\xBFh1,h2\n\n,\n\"\",last");
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[0].fields, (Fields{"h1", "h2"}));
  EXPECT_EQ(records[1].fields, (Fields{"", ""}));
  EXPECT_EQ(records[1].line, 3);
  EXPECT_EQ(records[2].fields, (Fields{"", "last"}));  // no final line break
  EXPECT_EQ(records[2].line, 4);
}

TEST(CsvReader, KeepsUtf8Bytes) {
  const auto records = csv_parse("2026년 2월 20일이 무슨 요일이야?,금요일\n");
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].fields, (Fields{"2026년 2월 20일이 무슨 요일이야?", "금요일"}));
}

TEST(CsvReader, ReportsUnterminatedQuoteAtTheLineItOpened) {
  const auto records = csv_parse("a,b\nok,1\n\"never closed,2\nmore\n");
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[2].line, 3);
  EXPECT_EQ(records[2].error,
            "unterminated quoted field (opened on line 3, runs to the end of the file)");
}

TEST(CsvReader, ReportsTextAfterClosingQuoteAndContinuesWithTheNextLine) {
  const auto records = csv_parse("\"ab\"c,d\nnext,row\n");
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].error, "text after the closing quote of field 1");
  EXPECT_EQ(records[0].fields, (Fields{"abc", "d"}));
  EXPECT_EQ(records[1].error, "");
  EXPECT_EQ(records[1].fields, (Fields{"next", "row"}));
  EXPECT_EQ(records[1].line, 2);
}

TEST(CsvReader, EmptyTextHasNoRecords) { EXPECT_TRUE(csv_parse("").empty()); }

}  // namespace
}  // namespace tunedeck
