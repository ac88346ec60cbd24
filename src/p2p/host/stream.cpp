#include "p2p/host/stream.hpp"

#include <algorithm>
#include <cstring>

#include "p2p/host/connection.hpp"
#include "p2p/host/error.hpp"
#include "p2p/host/negotiate.hpp"

namespace meshchat::p2p {

Stream::Stream(std::shared_ptr<Connection> connection, yamux::StreamId id, Direction direction)
    : connection_(std::move(connection)),
      id_(id),
      direction_(direction),
      readable_(connection_->executor()),
      writable_(connection_->executor()) {}

Stream::~Stream() {
  if (!local_closed_ && !reset_ && !connection_error_) connection_->stream_reset(id_);
}

const crypto::PeerId& Stream::remote_peer() const {
  return connection_->info().remote_peer;
}

std::size_t Stream::buffered() const {
  std::size_t total = unread_.size();
  for (const auto& chunk : inbound_) total += chunk.size();
  return total - front_offset_;
}

std::error_code Stream::broken() const {
  if (reset_) return HostError::stream_reset;
  if (connection_error_) return HostError::connection_closed;
  return {};
}

asio::awaitable<Result<std::size_t>> Stream::read_some(std::span<std::uint8_t> out) {
  if (lazy_) {
    // Moved out first: finish_lazy_negotiation reads through this same function.
    multistream::Dialer dialer = std::move(*lazy_);
    lazy_.reset();
    if (auto confirmed = co_await finish_lazy_negotiation(*this, dialer); !confirmed) {
      reset();
      co_return fail(confirmed.error());
    }
  }
  co_return co_await read_available(out);
}

asio::awaitable<Result<std::size_t>> Stream::read_available(std::span<std::uint8_t> out) {
  if (out.empty()) co_return 0;
  if (!unread_.empty()) {
    std::size_t n = std::min(out.size(), unread_.size());
    std::memcpy(out.data(), unread_.data(), n);
    unread_.erase(unread_.begin(), unread_.begin() + static_cast<std::ptrdiff_t>(n));
    co_return n;
  }
  while (inbound_.empty()) {
    if (auto ec = broken()) co_return fail(ec);
    if (remote_closed_) co_return 0;
    co_await readable_.wait();
  }
  std::size_t copied = 0;
  while (copied < out.size() && !inbound_.empty()) {
    Bytes& front = inbound_.front();
    std::size_t n = std::min(out.size() - copied, front.size() - front_offset_);
    std::memcpy(out.data() + copied, front.data() + front_offset_, n);
    copied += n;
    front_offset_ += n;
    if (front_offset_ == front.size()) {
      inbound_.pop_front();
      front_offset_ = 0;
    }
  }
  connection_->stream_consumed(id_, copied);
  co_return copied;
}

asio::awaitable<Result<void>> Stream::write(ByteView data) {
  while (!data.empty()) {
    if (auto ec = broken()) co_return fail(ec);
    if (local_closed_) co_return fail(HostError::write_after_close);
    if (connection_->output_full()) {
      co_await connection_->wait_output_drained();
      continue;
    }
    std::size_t n = connection_->stream_write(id_, data);
    if (n == 0) {
      co_await writable_.wait();
      continue;
    }
    data = data.subspan(n);
  }
  co_return Result<void>{};
}

void Stream::unread(Bytes bytes) {
  bytes.insert(bytes.end(), unread_.begin(), unread_.end());
  unread_ = std::move(bytes);
}

void Stream::close_write() {
  if (local_closed_ || broken()) return;
  local_closed_ = true;
  connection_->stream_close_write(id_);
}

void Stream::reset() {
  if (reset_ || connection_error_) return;
  reset_ = true;
  connection_->stream_reset(id_);
  readable_.notify();
  writable_.notify();
}

void Stream::on_data(Bytes data) {
  inbound_.push_back(std::move(data));
  readable_.notify();
}

void Stream::on_remote_close() {
  remote_closed_ = true;
  readable_.notify();
}

void Stream::on_reset() {
  reset_ = true;
  readable_.notify();
  writable_.notify();
}

void Stream::on_writable() {
  writable_.notify();
}

void Stream::on_connection_closed(std::error_code reason) {
  connection_error_ = reason ? reason : make_error_code(HostError::connection_closed);
  readable_.notify();
  writable_.notify();
}

}  // namespace meshchat::p2p
