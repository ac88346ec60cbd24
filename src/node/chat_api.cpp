#include "node/chat_api.hpp"

#include <spdlog/spdlog.h>

#include "api/validation.hpp"
#include "chat/conversation.hpp"
#include "crypto/safety_number.hpp"
#include "meshchat/version.hpp"
#include "node/chat/json.hpp"
#include "node/invite.hpp"
#include "p2p/tcp/interfaces.hpp"

namespace meshchat::node {

namespace asio = boost::asio;
using api::Request;
using api::Response;
using boost::beast::http::verb;

namespace {

constexpr std::int64_t kDefaultPageSize = 50;

std::int64_t wall_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Response ok(unsigned status, nlohmann::json body) {
  Response response;
  response.status = status;
  response.body = std::move(body);
  return response;
}

// Maps a failed operation to a status: what the caller named does not exist (404), what it
// sent is unacceptable (400), or something broke here (500).
Response error_response(const std::error_code& error) {
  if (error == chat::StoreError::unknown_message ||
      error == chat::StoreError::unknown_conversation) {
    return Response::error(404, error.message());
  }
  if (error == chat::Error::too_large)
    return Response::error(400, "text too long (64 KiB at most)");
  if (error == chat::StoreError::ambiguous_contact || error == chat::StoreError::not_member) {
    return Response::error(400, error.message());
  }
  if (error == std::errc::operation_in_progress) return Response::error(409, error.message());
  spdlog::error("api: {}", error.message());
  return Response::error(500, error.message());
}

// The addresses others can dial: wildcard listen addresses expanded to the interfaces.
std::vector<Multiaddr> reachable_addresses(p2p::Host& host) {
  std::vector<Multiaddr> out;
  for (const auto& address : host.listen_addresses()) {
    for (auto& expanded : p2p::tcp::expand_wildcard(address)) out.push_back(std::move(expanded));
  }
  return out;
}

// A contact named by PeerId, nickname or name; a PeerId of a stranger we have a conversation
// with also resolves.
asio::awaitable<Result<std::optional<crypto::PeerId>>> resolve_peer(Messenger& messenger,
                                                                    std::string name) {
  auto wanted = name;  // lambdas must not capture a coroutine's parameters (GCC 12)
  auto found_job = messenger.store().run<std::optional<chat::ContactRecord>>(
      [wanted](chat::ChatStore& store) { return store.find_contact(wanted); });
  auto found = co_await std::move(found_job);
  if (!found) co_return fail(found.error());
  if (*found) co_return std::optional<crypto::PeerId>((*found)->peer_id);
  auto parsed = crypto::PeerId::parse(name);
  if (!parsed) co_return std::optional<crypto::PeerId>{};
  co_return std::optional<crypto::PeerId>(std::move(*parsed));
}

// Resolves {contact}; on failure `response` holds the answer to send.
asio::awaitable<std::optional<crypto::PeerId>> contact_param(Messenger& messenger,
                                                             const Request& request,
                                                             Response& response) {
  auto peer = co_await resolve_peer(messenger, request.params.at("contact"));
  if (!peer) {
    response = error_response(peer.error());
    co_return std::nullopt;
  }
  if (!*peer) {
    response = Response::error(404, "unknown contact: " + request.params.at("contact"));
    co_return std::nullopt;
  }
  co_return std::move(*peer);
}

std::optional<chat::MessageId> message_param(const Request& request, Response& response) {
  auto id = id_from_hex(request.params.at("id"));
  if (!id) response = Response::error(400, "a message id is 64 hex digits");
  return id;
}

nlohmann::json contact_of(const Messenger& messenger, const chat::ContactRecord& contact) {
  return contact_json(contact, messenger.online(contact.peer_id),
                      messenger.presence_of(contact.peer_id));
}

asio::awaitable<Response> get_identity(ApiContext* context, Request) {
  auto addresses = reachable_addresses(context->host);
  nlohmann::json listed = nlohmann::json::array();
  auto p2p = Multiaddr::p2p(context->host.peer_id().bytes());
  for (const auto& address : addresses) listed.push_back(address.encapsulate(*p2p).to_string());
  auto created = static_cast<std::uint64_t>(wall_ms());
  co_return ok(200, {{"peer_id", context->host.peer_id().to_base58()},
                     {"nickname", context->nickname},
                     {"addresses", std::move(listed)},
                     {"invite", invite::create_invite(context->host.identity(), addresses,
                                                      context->nickname, created)}});
}

asio::awaitable<Response> get_status(ApiContext* context, Request) {
  auto& messenger = context->messenger;
  struct Counts {
    std::int64_t contacts = 0;
    std::int64_t outbox = 0;
  };
  auto counts_job = messenger.store().run<Counts>([](chat::ChatStore& store) -> Result<Counts> {
    auto contacts = store.contacts();
    if (!contacts) return fail(contacts.error());
    auto outbox = store.outbox_size();
    if (!outbox) return fail(outbox.error());
    return Counts{static_cast<std::int64_t>(contacts->size()), *outbox};
  });
  auto counts = co_await std::move(counts_job);
  if (!counts) co_return error_response(counts.error());
  auto uptime =
      std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - context->started);
  auto stats = messenger.store().stats();
  nlohmann::json dht = {{"mode", "off"}, {"routing_table", 0}};
  if (context->dht != nullptr) {
    dht = {{"mode", context->dht->config().mode == dht::Mode::server ? "server" : "client"},
           {"routing_table", context->dht->routing_table().size()}};
  }
  co_return ok(200, {{"peer_id", context->host.peer_id().to_base58()},
                     {"nickname", context->nickname},
                     {"version", kVersion},
                     {"uptime_ms", uptime.count()},
                     {"connections", context->host.connections().size()},
                     {"contacts", counts->contacts},
                     {"outbox", counts->outbox},
                     {"store", {{"batches", stats.batches}, {"jobs", stats.jobs}}},
                     {"dht", std::move(dht)},
                     {"api_port", context->api_port}});
}

asio::awaitable<Response> get_peers(ApiContext* context, Request) {
  std::map<std::string, nlohmann::json> peers;
  for (const auto& connection : context->host.connections()) {
    const auto& info = connection->info();
    auto key = info.remote_peer.to_base58();
    auto& entry = peers[key];
    if (entry.is_null()) {
      const auto* record = context->host.peer_store().find(info.remote_peer);
      entry = {{"peer_id", key},
               {"agent_version", record ? record->agent_version : ""},
               {"connections", nlohmann::json::array()}};
    }
    entry["connections"].push_back(
        {{"address", info.remote_address.to_string()},
         {"direction", info.direction == p2p::Direction::outbound ? "outbound" : "inbound"}});
  }
  nlohmann::json out = nlohmann::json::array();
  for (auto& [_, entry] : peers) out.push_back(std::move(entry));
  co_return ok(200, std::move(out));
}

asio::awaitable<Response> get_nearby(ApiContext* context, Request) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& found : context->messenger.nearby()) {
    nlohmann::json addresses = nlohmann::json::array();
    for (const auto& address : found.addresses) addresses.push_back(address.to_string());
    out.push_back({{"peer_id", found.peer.to_base58()},
                   {"addresses", std::move(addresses)},
                   {"known", context->messenger.knows(found.peer)},
                   {"online", context->messenger.online(found.peer)}});
  }
  co_return ok(200, std::move(out));
}

asio::awaitable<Response> get_contacts(ApiContext* context, Request) {
  auto contacts_job = context->messenger.store().run<std::vector<chat::ContactRecord>>(
      [](chat::ChatStore& store) { return store.contacts(); });
  auto contacts = co_await std::move(contacts_job);
  if (!contacts) co_return error_response(contacts.error());
  nlohmann::json out = nlohmann::json::array();
  for (const auto& contact : *contacts) out.push_back(contact_of(context->messenger, contact));
  co_return ok(200, std::move(out));
}

asio::awaitable<Response> add_contact(ApiContext* context, Request request) {
  if (auto bad =
          api::reject_unknown_fields(request.body, {"invite", "address", "peer_id", "name"})) {
    co_return *bad;
  }
  std::optional<std::string> invite_text;
  std::optional<std::string> address_text;
  std::optional<std::string> peer_text;
  std::optional<std::string> name;
  if (auto bad = api::optional_string(request.body, "invite", invite_text)) co_return *bad;
  if (auto bad = api::optional_string(request.body, "address", address_text)) co_return *bad;
  if (auto bad = api::optional_string(request.body, "peer_id", peer_text)) co_return *bad;
  if (auto bad = api::optional_string(request.body, "name", name)) co_return *bad;
  const int given =
      int(invite_text.has_value()) + int(address_text.has_value()) + int(peer_text.has_value());
  if (given != 1) {
    co_return Response::error(400, "give one of \"invite\", \"address\" or \"peer_id\"");
  }
  if (name && name->size() > invite::kMaxNicknameBytes) {
    co_return Response::error(400, "name too long (64 bytes at most)");
  }
  std::optional<chat::ContactRecord> contact;
  if (invite_text) {
    auto parsed = invite::parse_invite(*invite_text);
    if (!parsed) co_return Response::error(400, parsed.error().message());
    contact.emplace(
        chat::ContactRecord{parsed->peer_id, parsed->nickname, name, 0, parsed->addresses});
  } else if (peer_text) {
    // No address: the local network (mDNS) or a later invite tells where the peer is.
    auto peer = crypto::PeerId::parse(*peer_text);
    if (!peer) co_return Response::error(400, "bad peer id: " + peer.error().message());
    contact.emplace(chat::ContactRecord{*peer, "", name, 0, {}});
  } else {
    auto address = Multiaddr::parse(*address_text);
    if (!address) co_return Response::error(400, "bad multiaddr: " + address.error().message());
    auto multihash = address->peer_id_multihash();
    if (!multihash) co_return Response::error(400, "the address needs a /p2p/<peer-id> suffix");
    auto peer = crypto::PeerId::from_bytes(*multihash);
    if (!peer) co_return Response::error(400, "bad peer id in address");
    std::vector<Multiaddr> addresses;
    if (auto bare = address->without_peer_id(); !bare.bytes().empty()) addresses.push_back(bare);
    contact.emplace(chat::ContactRecord{*peer, "", name, 0, std::move(addresses)});
  }
  if (contact->peer_id == context->host.peer_id()) {
    co_return Response::error(400, "that is this node's own identity");
  }
  auto added = co_await context->messenger.add_contact(std::move(*contact));
  if (!added) co_return error_response(added.error());
  co_return ok(201, contact_of(context->messenger, *added));
}

asio::awaitable<Response> remove_contact(ApiContext* context, Request request) {
  Response response;
  auto peer = co_await contact_param(context->messenger, request, response);
  if (!peer) co_return response;
  auto removed_job = context->messenger.store().run<bool>(
      [peer = *peer](chat::ChatStore& store) { return store.remove_contact(peer); });
  auto removed = co_await std::move(removed_job);
  if (!removed) co_return error_response(removed.error());
  if (!*removed) co_return Response::error(404, "not a contact: " + request.params.at("contact"));
  co_return ok(200, {{"removed", peer->to_base58()}});
}

asio::awaitable<Response> rename_contact(ApiContext* context, Request request) {
  if (auto bad = api::reject_unknown_fields(request.body, {"name"})) co_return *bad;
  std::optional<std::string> name;
  if (auto bad = api::optional_string(request.body, "name", name)) co_return *bad;
  if (name && name->size() > invite::kMaxNicknameBytes) {
    co_return Response::error(400, "name too long (64 bytes at most)");
  }
  Response response;
  auto peer = co_await contact_param(context->messenger, request, response);
  if (!peer) co_return response;
  auto renamed_job = context->messenger.store().run<std::optional<chat::ContactRecord>>(
      [peer = *peer, name](chat::ChatStore& store) -> Result<std::optional<chat::ContactRecord>> {
        auto done = store.rename_contact(peer, name);
        if (!done) return fail(done.error());
        if (!*done) return std::optional<chat::ContactRecord>{};
        return store.contact(peer);
      });
  auto renamed = co_await std::move(renamed_job);
  if (!renamed) co_return error_response(renamed.error());
  if (!*renamed) co_return Response::error(404, "not a contact: " + request.params.at("contact"));
  co_return ok(200, contact_of(context->messenger, **renamed));
}

// The contact's public key: inlined in its PeerId (Ed25519, as meshchat's own identities are)
// or learned from identify; nullopt until then.
std::optional<crypto::PublicKey> public_key_of(const ApiContext* context,
                                               const crypto::PeerId& peer) {
  if (auto inlined = peer.public_key()) return inlined;
  const auto* record = context->host.peer_store().find(peer);
  if (record != nullptr && record->public_key) return record->public_key;
  return std::nullopt;
}

// {contact}'s record and the safety number of this node's key with the contact's; on failure
// `response` holds the answer.
asio::awaitable<std::optional<std::pair<chat::ContactRecord, std::string>>> safety_number_of(
    ApiContext* context, const Request& request, Response& response) {
  using Found = std::pair<chat::ContactRecord, std::string>;
  auto peer = co_await contact_param(context->messenger, request, response);
  if (!peer) co_return std::optional<Found>{};
  auto contact_job = context->messenger.store().run<std::optional<chat::ContactRecord>>(
      [peer = *peer](chat::ChatStore& store) { return store.contact(peer); });
  auto contact = co_await std::move(contact_job);
  if (!contact) {
    response = error_response(contact.error());
    co_return std::optional<Found>{};
  }
  if (!*contact) {
    response = Response::error(404, "not a contact: " + request.params.at("contact"));
    co_return std::optional<Found>{};
  }
  auto key = public_key_of(context, *peer);
  if (!key) {
    response = Response::error(409, "the contact's key is not known yet: connect to it once");
    co_return std::optional<Found>{};
  }
  auto number = crypto::safety_number(context->host.identity().public_key(), *key);
  co_return Found{std::move(**contact), std::move(number)};
}

asio::awaitable<Response> get_safety_number(ApiContext* context, Request request) {
  Response response;
  auto found = co_await safety_number_of(context, request, response);
  if (!found) co_return response;
  co_return ok(200, {{"peer_id", found->first.peer_id.to_base58()},
                     {"safety_number", found->second},
                     {"verified", found->first.verified}});
}

// Marks {contact} verified (POST, with the number the user compared) or not verified (DELETE).
asio::awaitable<Response> set_verified(ApiContext* context, Request request, bool verify) {
  std::string given;
  if (verify) {
    if (auto bad = api::reject_unknown_fields(request.body, {"safety_number"})) co_return *bad;
    if (auto bad = api::require_string(request.body, "safety_number", given)) co_return *bad;
    given = crypto::normalize_safety_number(given);
    if (given.empty()) co_return Response::error(400, "a safety number is 60 digits");
  }
  Response response;
  auto found = co_await safety_number_of(context, request, response);
  if (!found) co_return response;
  if (verify && given != found->second) {
    co_return Response::error(409,
                              "the safety numbers differ: this is not the key of the person "
                              "you compared with, or a digit was mistyped");
  }
  std::optional<std::string> confirmed;
  if (verify) confirmed = found->second;
  auto peer = found->first.peer_id;
  auto updated_job = context->messenger.store().run<std::optional<chat::ContactRecord>>(
      [peer, confirmed](chat::ChatStore& store) -> Result<std::optional<chat::ContactRecord>> {
        auto done = store.set_contact_verified(peer, confirmed);
        if (!done) return fail(done.error());
        if (!*done) return std::optional<chat::ContactRecord>{};
        return store.contact(peer);
      });
  auto updated = co_await std::move(updated_job);
  if (!updated) co_return error_response(updated.error());
  if (!*updated) co_return Response::error(404, "not a contact: " + request.params.at("contact"));
  co_return ok(200, contact_of(context->messenger, **updated));
}

asio::awaitable<Response> verify_contact(ApiContext* context, Request request) {
  co_return co_await set_verified(context, std::move(request), true);
}

asio::awaitable<Response> unverify_contact(ApiContext* context, Request request) {
  co_return co_await set_verified(context, std::move(request), false);
}

asio::awaitable<Response> get_conversations(ApiContext* context, Request) {
  auto conversations_job = context->messenger.store().run<std::vector<chat::ConversationSummary>>(
      [](chat::ChatStore& store) { return store.conversations(); });
  auto conversations = co_await std::move(conversations_job);
  if (!conversations) co_return error_response(conversations.error());
  nlohmann::json out = nlohmann::json::array();
  for (const auto& conversation : *conversations) {
    out.push_back(
        {{"id", to_hex(conversation.id)},
         {"peer", conversation.peer.to_base58()},
         {"messages", conversation.message_count},
         {"unread", conversation.unread},
         {"last_message", conversation.last_message ? message_json(*conversation.last_message)
                                                    : nlohmann::json()}});
  }
  co_return ok(200, std::move(out));
}

asio::awaitable<Response> get_messages(ApiContext* context, Request request) {
  std::int64_t limit = kDefaultPageSize;
  if (auto bad = api::query_int(request, "limit", 1, chat::kMaxMessagesPerQuery, limit))
    co_return *bad;
  Response response;
  auto peer = co_await contact_param(context->messenger, request, response);
  if (!peer) co_return response;
  chat::MessageQuery query;
  query.conversation = chat::direct_conversation_id(context->host.peer_id(), *peer);
  query.limit = static_cast<std::size_t>(limit);
  if (auto it = request.query.find("before"); it != request.query.end()) {
    auto before = id_from_hex(it->second);
    if (!before) co_return Response::error(400, "before: a message id is 64 hex digits");
    query.before = *before;
  }
  if (auto it = request.query.find("search"); it != request.query.end()) query.search = it->second;
  auto messages_job = context->messenger.store().run<std::vector<chat::MessageRecord>>(
      [query, peer = *peer](chat::ChatStore& store) -> Result<std::vector<chat::MessageRecord>> {
        auto messages = store.messages(query);
        if (messages || messages.error() != chat::StoreError::unknown_conversation) {
          return messages;
        }
        // A contact nobody has written to yet has an empty conversation, not an unknown one.
        auto contact = store.contact(peer);
        if (!contact) return fail(contact.error());
        if (!*contact) return messages;
        return std::vector<chat::MessageRecord>{};
      });
  auto messages = co_await std::move(messages_job);
  if (!messages && messages.error() == chat::StoreError::unknown_conversation) {
    co_return Response::error(404, "unknown contact: " + request.params.at("contact"));
  }
  if (!messages) co_return error_response(messages.error());
  nlohmann::json out = nlohmann::json::array();
  for (const auto& message : *messages) out.push_back(message_json(message));
  co_return ok(200, std::move(out));
}

asio::awaitable<Response> send_message(ApiContext* context, Request request) {
  if (auto bad = api::reject_unknown_fields(request.body, {"text"})) co_return *bad;
  std::string text;
  if (auto bad = api::require_string(request.body, "text", text)) co_return *bad;
  if (text.empty()) co_return Response::error(400, "text is empty");
  Response response;
  auto peer = co_await contact_param(context->messenger, request, response);
  if (!peer) co_return response;
  if (*peer == context->host.peer_id()) co_return Response::error(400, "cannot message yourself");
  auto sent = co_await context->messenger.send_text(*peer, std::move(text));
  if (!sent) co_return error_response(sent.error());
  co_return ok(201, message_json(*sent));
}

asio::awaitable<Response> get_message(ApiContext* context, Request request) {
  Response response;
  auto id = message_param(request, response);
  if (!id) co_return response;
  auto message_job = context->messenger.store().run<std::optional<chat::MessageRecord>>(
      [id = *id](chat::ChatStore& store) { return store.message(id); });
  auto message = co_await std::move(message_job);
  if (!message) co_return error_response(message.error());
  if (!*message) co_return Response::error(404, "unknown message");
  co_return ok(200, message_json(**message));
}

asio::awaitable<Response> edit_message(ApiContext* context, Request request) {
  if (auto bad = api::reject_unknown_fields(request.body, {"text"})) co_return *bad;
  std::string text;
  if (auto bad = api::require_string(request.body, "text", text)) co_return *bad;
  if (text.empty()) co_return Response::error(400, "text is empty (DELETE removes a message)");
  Response response;
  auto id = message_param(request, response);
  if (!id) co_return response;
  auto edited = co_await context->messenger.edit(*id, std::move(text));
  if (!edited) co_return error_response(edited.error());
  co_return ok(200, message_json(*edited));
}

asio::awaitable<Response> delete_message(ApiContext* context, Request request) {
  Response response;
  auto id = message_param(request, response);
  if (!id) co_return response;
  auto removed = co_await context->messenger.remove(*id);
  if (!removed) co_return error_response(removed.error());
  co_return ok(200, message_json(*removed));
}

asio::awaitable<Response> mark_read(ApiContext* context, Request request) {
  Response response;
  auto peer = co_await contact_param(context->messenger, request, response);
  if (!peer) co_return response;
  auto read = co_await context->messenger.mark_read(*peer);
  if (!read) co_return error_response(read.error());
  co_return ok(200, {{"read", *read}});
}

asio::awaitable<Response> set_typing(ApiContext* context, Request request) {
  if (auto bad = api::reject_unknown_fields(request.body, {"active"})) co_return *bad;
  bool active = false;
  if (auto bad = api::require_bool(request.body, "active", active)) co_return *bad;
  Response response;
  auto peer = co_await contact_param(context->messenger, request, response);
  if (!peer) co_return response;
  auto sent = co_await context->messenger.set_typing(*peer, active);
  if (!sent) co_return Response::error(503, "peer not reachable: " + sent.error().message());
  co_return ok(200, {{"active", active}});
}

asio::awaitable<Response> get_presence(ApiContext* context, Request) {
  co_return ok(200, {{"status", presence_name(context->messenger.presence())}});
}

asio::awaitable<Response> set_presence(ApiContext* context, Request request) {
  if (auto bad = api::reject_unknown_fields(request.body, {"status"})) co_return *bad;
  std::string name;
  if (auto bad = api::require_string(request.body, "status", name)) co_return *bad;
  auto status = presence_from_name(name);
  if (!status || *status == chat::wire::PresenceStatus::offline) {
    co_return Response::error(400, "status must be \"online\" or \"away\"");
  }
  auto set = co_await context->messenger.set_presence(*status);
  if (!set) co_return error_response(set.error());
  co_return ok(200, {{"status", presence_name(*status)}});
}

asio::awaitable<Response> sync_now(ApiContext* context, Request request) {
  Response response;
  auto peer = co_await contact_param(context->messenger, request, response);
  if (!peer) co_return response;
  auto summary = co_await context->messenger.sync_with(*peer);
  if (!summary) {
    if (summary.error() == std::errc::operation_in_progress) {
      co_return Response::error(409, "a sync with this peer is already running");
    }
    co_return Response::error(503, "sync failed: " + summary.error().message());
  }
  co_return ok(200, {{"rounds", summary->rounds},
                     {"received", summary->received},
                     {"sent", summary->sent},
                     {"bytes_received", summary->bytes_received},
                     {"bytes_sent", summary->bytes_sent}});
}

}  // namespace

void register_chat_routes(api::Router& router, ApiContext& context) {
  auto* c = &context;
  auto bind = [c](asio::awaitable<Response> (*handler)(ApiContext*, Request)) {
    return [c, handler](Request request) { return handler(c, std::move(request)); };
  };
  router.add(verb::get, "/v1/identity", bind(get_identity));
  router.add(verb::get, "/v1/status", bind(get_status));
  router.add(verb::get, "/v1/peers", bind(get_peers));
  router.add(verb::get, "/v1/nearby", bind(get_nearby));
  router.add(verb::get, "/v1/presence", bind(get_presence));
  router.add(verb::put, "/v1/presence", bind(set_presence));
  router.add(verb::get, "/v1/contacts", bind(get_contacts));
  router.add(verb::post, "/v1/contacts", bind(add_contact));
  router.add(verb::delete_, "/v1/contacts/{contact}", bind(remove_contact));
  router.add(verb::patch, "/v1/contacts/{contact}", bind(rename_contact));
  router.add(verb::get, "/v1/contacts/{contact}/safety-number", bind(get_safety_number));
  router.add(verb::post, "/v1/contacts/{contact}/verify", bind(verify_contact));
  router.add(verb::delete_, "/v1/contacts/{contact}/verify", bind(unverify_contact));
  router.add(verb::get, "/v1/conversations", bind(get_conversations));
  router.add(verb::get, "/v1/contacts/{contact}/messages", bind(get_messages));
  router.add(verb::post, "/v1/contacts/{contact}/messages", bind(send_message));
  router.add(verb::post, "/v1/contacts/{contact}/read", bind(mark_read));
  router.add(verb::post, "/v1/contacts/{contact}/typing", bind(set_typing));
  router.add(verb::post, "/v1/contacts/{contact}/sync", bind(sync_now));
  router.add(verb::get, "/v1/messages/{id}", bind(get_message));
  router.add(verb::put, "/v1/messages/{id}", bind(edit_message));
  router.add(verb::delete_, "/v1/messages/{id}", bind(delete_message));
}

}  // namespace meshchat::node
