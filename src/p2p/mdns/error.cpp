#include "p2p/mdns/error.hpp"

namespace meshchat::p2p::mdns {

namespace {
const char* describe(Error e) {
  switch (e) {
    case Error::truncated:
      return "DNS message ends inside a header, name, question or record";
    case Error::bad_label:
      return "DNS name has a label length with a reserved prefix";
    case Error::name_too_long:
      return "DNS name above 255 bytes, or a label empty or above 63 bytes";
    case Error::bad_pointer:
      return "DNS name compression pointer does not point backwards";
    case Error::too_many_records:
      return "DNS message has too many questions and records";
    case Error::message_too_large:
      return "DNS message above 9000 bytes";
    case Error::bad_record:
      return "DNS record data does not match its type";
  }
  return "unknown DNS message error";
}
}  // namespace

MESHCHAT_DEFINE_ERROR_CATEGORY(Error, "mdns", describe)

}  // namespace meshchat::p2p::mdns
