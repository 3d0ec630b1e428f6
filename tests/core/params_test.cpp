// The one integer-list parser (whole decimal integers only, nothing half-parsed), the shortening of echoed
// values, and the memory check that sizes from a recipe go through before anything is allocated.
#include <gtest/gtest.h>

#include "siamese/core/error.h"
#include "siamese/core/text.h"
#include "siamese/core/memory.h"
#include "siamese/core/params.h"

namespace siamese {
namespace {

std::string list_error(const std::string& text, int64_t lo = INT64_MIN) {
  try {
    parse_int_list(text, "model.hidden", lo);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

TEST(ParseIntList, ReadsWholeIntegersWithSpaces) {
  EXPECT_EQ(parse_int_list("256,128", "k"), (std::vector<int64_t>{256, 128}));
  EXPECT_EQ(parse_int_list(" 32 , 16 ", "k"), (std::vector<int64_t>{32, 16}));
  EXPECT_EQ(parse_int_list("-6,-3,3,6", "k"), (std::vector<int64_t>{-6, -3, 3, 6}));
  EXPECT_EQ(parse_int_list("9223372036854775807", "k"), (std::vector<int64_t>{INT64_MAX}));
  EXPECT_TRUE(parse_int_list("", "k").empty());
  EXPECT_TRUE(parse_int_list("  ", "k").empty());
}

TEST(ParseIntList, RejectsAnythingHalfParsable) {
  for (const char* bad : {"32x", "1e3", "32,,16", "32,", ",32", "3.0", "+5", "0x10", "32 16", "9223372036854775808", "-"}) {
    std::string e = list_error(bad);
    EXPECT_NE(e.find("model.hidden"), std::string::npos) << bad << ": " << e;
    EXPECT_NE(e.find(std::string("\"") + bad + "\""), std::string::npos) << bad << ": " << e;  // echoes the value
  }
  EXPECT_NE(list_error("32x").find("item 1 '32x' is not a whole number"), std::string::npos) << list_error("32x");
  EXPECT_NE(list_error("32,,16").find("item 2 is empty"), std::string::npos) << list_error("32,,16");
  EXPECT_NE(list_error("9223372036854775808").find("too large"), std::string::npos);
  EXPECT_NE(list_error("64,0", 1).find("item 2 '0' is out of range (must be >= 1)"), std::string::npos)
      << list_error("64,0", 1);
}

TEST(ShortenValue, KeepsShortValuesAndCutsLongOnesToOneLine) {
  EXPECT_EQ(shorten_value("abc"), "abc");
  EXPECT_EQ(shorten_value(std::string(80, 'a')), std::string(80, 'a'));
  const std::string s = shorten_value(std::string(1000, 'b'));
  EXPECT_EQ(s, std::string(60, 'b') + "... (1000 characters)");
  EXPECT_EQ(shorten_value("a\nb"), "a?b");  // a newline would break the one-line message
  // A long list value echoed by the parser stays short.
  std::string long_list(5000, '7');
  long_list += "x";
  std::string e = list_error(long_list);
  EXPECT_LT(e.size(), 300u) << e;
  EXPECT_NE(e.find("(5001 characters)"), std::string::npos) << e;
}

TEST(Params, EchoedValuesAreShortened) {
  Schema schema = {integer("count", 1, "a count")};
  try {
    resolve_params(schema, {{"count", RawValue{std::string(500, 'z'), "r.toml:3"}}}, "[x]");
    FAIL() << "no error";
  } catch (const ConfigError& e) {
    EXPECT_LT(std::string(e.what()).size(), 200u) << e.what();
    EXPECT_NE(std::string(e.what()).find("(502 characters)"), std::string::npos) << e.what();  // with quotes
  }
}

TEST(Memory, ChecksAgainstPhysicalMemory) {
  const double memory = static_cast<double>(physical_memory_bytes());
  ASSERT_GT(memory, 0);
  EXPECT_NO_THROW(check_fits_in_memory(memory / 2, "model.hidden = \"8\"", "a net"));
  try {
    check_fits_in_memory(memory * 4, "model.hidden = \"8\"", "a net");
    FAIL() << "no error";
  } catch (const ConfigError& e) {
    EXPECT_EQ(std::string(e.what()).rfind("model.hidden = \"8\": needs ", 0), 0u) << e.what();
  }
  EXPECT_EQ(format_bytes(512), "512 bytes");
  EXPECT_EQ(format_bytes(1536), "1.5 KB");
  EXPECT_EQ(format_bytes(3.0 * 1024 * 1024 * 1024), "3.0 GB");
  EXPECT_EQ(format_bytes(20.0 * 1024 * 1024), "20 MB");
}

}  // namespace
}  // namespace siamese
