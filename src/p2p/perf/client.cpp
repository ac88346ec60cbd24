#include "p2p/perf/client.hpp"

#include <algorithm>
#include <stdexcept>

namespace meshchat::p2p::perf {

Client::Client(std::uint64_t upload_bytes, std::uint64_t download_bytes, TimePoint start)
    : upload_target_(upload_bytes), download_target_(download_bytes), start_(start) {
  for (std::size_t i = 0; i < kRequestSize; ++i) {
    request_[i] = static_cast<std::uint8_t>(download_bytes >> (8 * (kRequestSize - 1 - i)));
  }
}

ByteView Client::next_send(std::size_t max) const {
  if (state_ != State::uploading) return {};
  if (request_sent_ < kRequestSize) {
    return ByteView(request_).subspan(request_sent_, std::min(max, kRequestSize - request_sent_));
  }
  std::uint64_t remaining = upload_target_ - result_.uploaded;
  return zero_chunk().first(
      static_cast<std::size_t>(std::min<std::uint64_t>(remaining, std::min(max, kSendChunkBytes))));
}

void Client::on_sent(std::size_t n, TimePoint now) {
  if (state_ != State::uploading || n > next_send(n).size()) {
    throw std::logic_error("perf client: sent bytes that were not offered");
  }
  if (request_sent_ < kRequestSize) {
    request_sent_ += n;
  } else {
    result_.uploaded += n;
  }
  finish_upload_if_complete(now);
}

void Client::stop_upload(TimePoint now) {
  if (state_ != State::uploading) return;
  upload_target_ = result_.uploaded;
  finish_upload_if_complete(now);
}

void Client::finish_upload_if_complete(TimePoint now) {
  if (request_sent_ < kRequestSize || result_.uploaded < upload_target_) return;
  state_ = State::downloading;
  upload_end_ = now;
  result_.upload_time = now - start_;
}

tl::unexpected<std::error_code> Client::fail_with(Error e) {
  state_ = State::failed;
  error_ = e;
  return fail(e);
}

Result<void> Client::on_bytes(ByteView in, TimePoint) {
  switch (state_) {
    case State::failed:
      return fail(error_);
    case State::uploading:
      return in.empty() ? Result<void>{} : fail_with(Error::early_response);
    case State::downloading:
      if (in.size() > download_target_ - result_.downloaded) return fail_with(Error::too_much_data);
      result_.downloaded += in.size();
      return {};
    case State::done:
      break;
  }
  throw std::logic_error("perf client: bytes after EOF");
}

Result<ClientResult> Client::on_eof(TimePoint now) {
  switch (state_) {
    case State::failed:
      return fail(error_);
    case State::uploading:
      return fail_with(Error::early_response);
    case State::downloading:
      if (result_.downloaded < download_target_) return fail_with(Error::short_response);
      state_ = State::done;
      result_.download_time = now - upload_end_;
      return result_;
    case State::done:
      break;
  }
  throw std::logic_error("perf client: EOF reported twice");
}

ClientResult Client::progress(TimePoint now) const {
  ClientResult r = result_;
  if (state_ == State::uploading) r.upload_time = now - start_;
  if (state_ == State::downloading) r.download_time = now - upload_end_;
  return r;
}

}  // namespace meshchat::p2p::perf
