// A std::error_category for a module's `enum class Error`, built from a name and a describe
// function. Each module defines `error_category()` with it and specialises std::is_error_code_enum.
#pragma once

#include <string>
#include <system_error>

namespace meshchat {

template <class E>
class EnumErrorCategory final : public std::error_category {
 public:
  using Describe = const char* (*)(E);
  constexpr EnumErrorCategory(const char* name, Describe describe) noexcept
      : name_(name), describe_(describe) {}
  const char* name() const noexcept override { return name_; }
  std::string message(int value) const override { return describe_(static_cast<E>(value)); }

 private:
  const char* name_;
  Describe describe_;
};

}  // namespace meshchat

// Declares `error_category()` and `make_error_code(Error)` in the current namespace.
#define MESHCHAT_DECLARE_ERROR_CODE(Enum)                   \
  const std::error_category& error_category() noexcept;     \
  inline std::error_code make_error_code(Enum e) noexcept { \
    return {static_cast<int>(e), error_category()};         \
  }

// Registers a module's enum as an error code enum; use at global scope.
#define MESHCHAT_REGISTER_ERROR_CODE(QualifiedEnum) \
  template <>                                       \
  struct std::is_error_code_enum<QualifiedEnum> : std::true_type {};

// Defines `error_category()`; `describe` maps each value to a message.
#define MESHCHAT_DEFINE_ERROR_CATEGORY(Enum, name, describe)                   \
  const std::error_category& error_category() noexcept {                       \
    static const ::meshchat::EnumErrorCategory<Enum> category(name, describe); \
    return category;                                                           \
  }
