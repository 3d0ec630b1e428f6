// Values echoed in messages. One helper, used wherever an error echoes what a user wrote (recipe values,
// --set texts, list items, CSV fields, subcommand names), so one line stays one readable line.
#pragma once

#include <cstddef>
#include <string>

namespace siamese {

// `value` unchanged up to `max_chars` characters, else its first max_chars - 20 characters (never cutting
// a UTF-8 character), "..." and its length: "aaaa... (1000 characters)". Control characters (a newline in
// a value) are shown as '?'.
inline std::string shorten_value(const std::string& value, std::size_t max_chars = 80) {
  std::string s = value;
  for (char& c : s)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
  if (s.size() <= max_chars) return s;
  std::size_t keep = max_chars > 20 ? max_chars - 20 : max_chars;
  while (keep > 0 && (static_cast<unsigned char>(s[keep]) & 0xC0) == 0x80) --keep;  // not inside a character
  return s.substr(0, keep) + "... (" + std::to_string(value.size()) + " characters)";
}

}  // namespace siamese
