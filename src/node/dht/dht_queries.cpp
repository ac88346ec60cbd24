// The DHT's client side: the iterative lookup (spec "Peer routing") with up to `concurrency`
// queries in flight, and the operations built on it: find peer, get/put value, provide, find
// providers.
#include <spdlog/spdlog.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>

#include "node/dht/dht.hpp"
#include "node/dht/error.hpp"
#include "p2p/kad/record_validator.hpp"

namespace meshchat::node::dht {

namespace kad = p2p::kad;

namespace {

asio::awaitable<Result<std::optional<kad::Message>>> exchange(p2p::Host* host, crypto::PeerId peer,
                                                              kad::Message message,
                                                              bool expect_answer) {
  auto connection = co_await host->connect(peer);
  if (!connection) co_return fail(connection.error());
  std::vector<std::string> protocols{std::string(kad::kProtocolId)};
  auto opened = co_await host->new_stream(*connection, std::move(protocols));
  if (!opened) co_return fail(opened.error());
  auto stream = std::move(*opened);
  if (auto written = co_await write_message(*stream, message); !written) {
    stream->reset();
    co_return fail(written.error());
  }
  stream->close_write();
  if (!expect_answer) co_return std::optional<kad::Message>{};
  MessageReader reader(stream);
  auto answer = co_await reader.read();
  if (!answer) {
    stream->reset();
    co_return fail(answer.error());
  }
  if (!*answer) co_return fail(Error::closed_early);
  if ((*answer)->type != message.type) co_return fail(Error::wrong_answer);
  co_return std::move(*answer);
}

}  // namespace

// Several one-shot requests at once (PUT_VALUE, ADD_PROVIDER to the closest peers).
struct Dht::Fanout {
  explicit Fanout(const asio::any_io_executor& executor)
      : wake(executor, asio::steady_timer::time_point::max()) {}
  std::size_t pending = 0;
  std::size_t accepted = 0;
  asio::steady_timer wake;
};

struct Dht::LookupRun {
  LookupRun(kad::Lookup lookup, kad::Message request, AnswerSink on_answer,
            const asio::any_io_executor& executor)
      : lookup(std::move(lookup)),
        request(std::move(request)),
        on_answer(std::move(on_answer)),
        wake(executor) {}
  kad::Lookup lookup;
  kad::Message request;
  AnswerSink on_answer;
  asio::steady_timer wake;
  bool stop = false;  // the caller has what it wanted, or the DHT stops
  bool done = false;  // the caller returned: answers are no longer wanted
};

Dht::~Dht() {
  if (started_) host_.remove_observer(this);
  // Queries still in flight must not touch this object when they complete.
  for (auto& weak : running_) {
    if (auto run = weak.lock()) run->done = true;
  }
}

void Dht::stop() {
  stopped_ = true;
  for (auto& weak : running_) {
    if (auto run = weak.lock()) {
      run->stop = true;
      run->wake.cancel();
    }
  }
}

asio::awaitable<Result<std::optional<kad::Message>>> Dht::request(crypto::PeerId peer,
                                                                  kad::Message message,
                                                                  bool expect_answer) {
  auto exchanged = exchange(&host_, std::move(peer), std::move(message), expect_answer);
  co_return co_await p2p::with_timeout(std::move(exchanged), config_.request_timeout);
}

std::vector<crypto::PeerId> Dht::learn(const std::vector<kad::PeerEntry>& entries) {
  std::vector<crypto::PeerId> out;
  for (auto& entry : parse_entries(entries)) {
    if (entry.peer == host_.peer_id()) continue;
    if (!entry.addresses.empty()) host_.peer_store().add_addresses(entry.peer, entry.addresses);
    out.push_back(std::move(entry.peer));
  }
  return out;
}

asio::awaitable<void> Dht::query(Dht* self, std::shared_ptr<LookupRun> run, crypto::PeerId peer) {
  auto message = run->request;
  auto answer = co_await self->request(peer, std::move(message), true);
  if (run->done) co_return;
  if (!answer || !*answer) {
    spdlog::debug("dht: {} did not answer: {}", peer.to_base58(),
                  answer ? "no message" : answer.error().message());
    run->lookup.on_failure(peer);
  } else {
    auto closer = self->learn((*answer)->closer_peers);
    if (run->on_answer && run->on_answer(peer, **answer)) run->stop = true;
    run->lookup.on_response(peer, closer);
  }
  run->wake.cancel();
}

asio::awaitable<Result<std::vector<crypto::PeerId>>> Dht::lookup(kad::Message request,
                                                                 AnswerSink on_answer) {
  if (stopped_) co_return fail(Error::stopped);
  auto target = kad::KadKey::of(request.key);
  auto seeds = table_.closest(target, config_.bucket_size);
  if (seeds.empty()) co_return fail(Error::no_peers);
  kad::Lookup state(target, std::move(seeds), config_.bucket_size, config_.concurrency);
  state.exclude(host_.peer_id());
  auto run = std::make_shared<LookupRun>(std::move(state), std::move(request), std::move(on_answer),
                                         host_.executor());
  std::erase_if(running_, [](const std::weak_ptr<LookupRun>& weak) { return weak.expired(); });
  running_.push_back(run);
  // However this coroutine ends (a caller's timeout cancels it with an exception), queries that
  // answer later must not reach `on_answer`, whose captures live in the caller's frame.
  struct MarkDone {
    LookupRun& run;
    ~MarkDone() { run.done = true; }
  } mark_done{*run};

  auto deadline = Clock::now() + config_.lookup_timeout;
  while (!run->stop && !run->lookup.finished() && Clock::now() < deadline) {
    for (auto& peer : run->lookup.next_queries()) {
      asio::co_spawn(host_.executor(), query(this, run, std::move(peer)), asio::detached);
    }
    if (run->lookup.in_flight() == 0) break;
    // Woken by each answer (query() cancels the timer) or by the deadline.
    run->wake.expires_at(deadline);
    co_await run->wake.async_wait(p2p::use_nothrow);
  }
  if (stopped_) co_return fail(Error::stopped);
  co_return run->lookup.closest_responded();
}

asio::awaitable<std::size_t> Dht::send_to_all(std::vector<crypto::PeerId> peers,
                                              kad::Message message, bool expect_answer) {
  auto fanout = std::make_shared<Fanout>(host_.executor());
  fanout->pending = peers.size();
  for (auto& peer : peers) {
    asio::co_spawn(host_.executor(), deliver(this, fanout, std::move(peer), message, expect_answer),
                   asio::detached);
  }
  while (fanout->pending > 0) co_await fanout->wake.async_wait(p2p::use_nothrow);
  co_return fanout->accepted;
}

asio::awaitable<void> Dht::deliver(Dht* self, std::shared_ptr<Fanout> fanout, crypto::PeerId peer,
                                   kad::Message message, bool expect_answer) {
  auto sent = co_await self->request(peer, std::move(message), expect_answer);
  if (sent) {
    ++fanout->accepted;
  } else {
    spdlog::debug("dht: {} refused or missed a request: {}", peer.to_base58(),
                  sent.error().message());
  }
  --fanout->pending;
  fanout->wake.cancel();
}

asio::awaitable<Result<PeerAddresses>> Dht::find_peer(crypto::PeerId peer) {
  if (peer == host_.peer_id()) co_return PeerAddresses{peer, own_addresses()};
  if (host_.connection_to(peer) != nullptr) {
    const auto* record = host_.peer_store().find(peer);
    if (record != nullptr && !record->addresses.empty()) {
      co_return PeerAddresses{peer, record->addresses};
    }
  }
  auto wanted = peer;
  std::optional<PeerAddresses> found;
  AnswerSink sink = [&found, &wanted](const crypto::PeerId&, const kad::Message& answer) {
    for (auto& entry : parse_entries(answer.closer_peers)) {
      if (entry.peer == wanted && !entry.addresses.empty()) {
        found = std::move(entry);
        return true;
      }
    }
    return false;
  };
  kad::Message request;
  request.type = kad::MessageType::find_node;
  request.key = peer.bytes();
  auto searched = lookup(std::move(request), std::move(sink));
  auto closest = co_await std::move(searched);
  if (found) co_return std::move(*found);
  if (!closest) co_return fail(closest.error());
  co_return fail(Error::not_found);
}

asio::awaitable<Result<std::vector<crypto::PeerId>>> Dht::closest_peers(Bytes key) {
  if (key.empty()) co_return fail(Error::invalid_key);
  kad::Message request;
  request.type = kad::MessageType::find_node;
  request.key = std::move(key);
  auto searched = lookup(std::move(request), AnswerSink{});
  co_return co_await std::move(searched);
}

asio::awaitable<Result<Bytes>> Dht::get_value(Bytes key) {
  if (key.empty()) co_return fail(Error::invalid_key);
  if (auto local = records_.get(key, Clock::now())) co_return std::move(*local);
  auto wanted = key;
  std::optional<Bytes> found;
  AnswerSink sink = [&found, &wanted](const crypto::PeerId& from, const kad::Message& answer) {
    if (!answer.record || answer.record->key != wanted) return false;
    if (auto valid = kad::validate_record(wanted, answer.record->value); !valid) {
      spdlog::debug("dht: invalid record from {}: {}", from.to_base58(), valid.error().message());
      return false;
    }
    found = answer.record->value;
    return true;
  };
  kad::Message request;
  request.type = kad::MessageType::get_value;
  request.key = std::move(key);
  auto searched = lookup(std::move(request), std::move(sink));
  auto closest = co_await std::move(searched);
  if (found) co_return std::move(*found);
  if (!closest) co_return fail(closest.error());
  co_return fail(Error::not_found);
}

asio::awaitable<Result<void>> Dht::put_value(Bytes key, Bytes value) {
  if (key.empty()) co_return fail(Error::invalid_key);
  if (auto valid = kad::validate_record(key, value); !valid) co_return fail(valid.error());
  records_.put(key, value, Clock::now());
  auto closest = co_await closest_peers(key);
  if (!closest) co_return fail(closest.error());
  kad::Message put;
  put.type = kad::MessageType::put_value;
  put.key = key;
  put.record = kad::Record{std::move(key), std::move(value), {}};
  auto accepted = co_await send_to_all(std::move(*closest), std::move(put), true);
  if (accepted == 0) co_return fail(Error::not_found);
  co_return Result<void>{};
}

asio::awaitable<Result<void>> Dht::provide(Bytes key) {
  if (key.empty()) co_return fail(Error::invalid_key);
  providers_.add(key, host_.peer_id(), Clock::now());
  auto closest = co_await closest_peers(key);
  if (!closest) co_return fail(closest.error());
  kad::Message add;
  add.type = kad::MessageType::add_provider;
  add.key = std::move(key);
  add.provider_peers.push_back(entry_of(host_.peer_id(), own_addresses(), true));
  co_await send_to_all(std::move(*closest), std::move(add), false);
  co_return Result<void>{};
}

asio::awaitable<Result<std::vector<PeerAddresses>>> Dht::find_providers(Bytes key,
                                                                        std::size_t count) {
  if (key.empty()) co_return fail(Error::invalid_key);
  std::vector<PeerAddresses> found;
  for (auto& peer : providers_.providers(key, Clock::now(), count)) {
    auto addresses = addresses_of(peer);
    found.push_back(PeerAddresses{std::move(peer), std::move(addresses)});
  }
  if (found.size() >= count) co_return found;
  auto* self = this;
  AnswerSink sink = [&found, count, self](const crypto::PeerId&, const kad::Message& answer) {
    for (auto& provider : parse_entries(answer.provider_peers)) {
      bool known = std::any_of(found.begin(), found.end(),
                               [&](const PeerAddresses& p) { return p.peer == provider.peer; });
      if (known) continue;
      if (!provider.addresses.empty() && provider.peer != self->host_.peer_id()) {
        self->host_.peer_store().add_addresses(provider.peer, provider.addresses);
      }
      found.push_back(std::move(provider));
      if (found.size() >= count) return true;
    }
    return false;
  };
  kad::Message request;
  request.type = kad::MessageType::get_providers;
  request.key = std::move(key);
  auto searched = lookup(std::move(request), std::move(sink));
  auto closest = co_await std::move(searched);
  if (!closest && found.empty()) co_return fail(closest.error());
  co_return found;
}

}  // namespace meshchat::node::dht
