#include "siamese/core/registry.h"

namespace siamese {

std::vector<std::string> RegistryBase::names() const {
  std::vector<std::string> out;
  for (const auto& i : infos()) out.push_back(i.name);
  return out;
}

bool RegistryBase::contains(const std::string& name) const {
  for (const auto& i : infos())
    if (i.name == name) return true;
  return false;
}

std::string RegistryBase::unknown_message(const std::string& name) const {
  std::string known;
  for (const auto& n : names()) known += (known.empty() ? "" : ", ") + n;
  return str("unknown ", kind_, " '", name, "' (known: ", known, ")");
}

const ComponentInfo& RegistryBase::info(const std::string& name) const {
  infos();
  for (const auto& i : cache_)
    if (i.name == name) return i;
  throw ConfigError(unknown_message(name));
}

}  // namespace siamese
