// The Boost.Beast server: sockets, TLS, timeouts, keep-alive and shutdown. What
// happens to a request once read is internal::Pipeline's business.
#include <openssl/ssl.h>
#include <sys/socket.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cerrno>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>
#include <type_traits>
#include <unordered_map>
#include <vector>

#include "base/log.h"
#include "http/http.h"
#include "http/internal/asio.h"
#include "http/internal/errors.h"
#include "http/internal/pipeline.h"

namespace fincyber::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;
using PlainStream = beast::tcp_stream;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;

constexpr std::size_t kFirstReadBytes = 4096;
// After an error response that closes the connection, the client may still be
// sending (a body over the limit): read and discard for a moment so that closing
// does not reset the connection before the client has read the response.
constexpr std::chrono::milliseconds kLingerTime{500};
constexpr std::size_t kLingerBytes = 1 << 20;
// What a streaming client may send (and the server drop) before its hang-up watch ends.
constexpr std::size_t kMaxDroppedStreamBytes = 64 << 10;
// Once the grace period is over, how long connections get to notice a forced close.
constexpr std::chrono::milliseconds kForcedCloseWait{1000};
// Upper bound on connections taken from the backlog in one accept wake-up, so that a
// flood cannot keep the accepting thread from serving the requests already in.
constexpr int kMaxAcceptsPerWakeup = 256;

std::string ToString(beast::string_view text) { return std::string(text.data(), text.size()); }

Result<ssl::context> MakeTlsContext(const TlsFiles& files) {
  ssl::context context(ssl::context::tls_server);
  context.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                      ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 |
                      ssl::context::single_dh_use);
  SSL_CTX_set_min_proto_version(context.native_handle(), TLS1_2_VERSION);
  beast::error_code ec;
  context.use_certificate_chain_file(files.certificate_chain_file, ec);
  if (ec) {
    return Error(ErrorCode::kInvalidArgument, "cannot load the TLS certificate chain",
                 files.certificate_chain_file + ": " + ec.message());
  }
  context.use_private_key_file(files.private_key_file, ssl::context::pem, ec);
  if (ec || SSL_CTX_check_private_key(context.native_handle()) != 1) {
    return Error(ErrorCode::kInvalidArgument, "cannot load the TLS private key",
                 files.private_key_file + ": " + (ec ? ec.message() : "does not match"));
  }
  return context;
}

// What Stop() needs from a connection; both run on the connection's strand.
class Connection {
 public:
  virtual ~Connection() = default;
  // Close now if idle, else after the response in progress.
  virtual void Shutdown() = 0;
  virtual void ForceClose() = 0;
};

// What connections share with the server. Declared apart from Server::Impl, which
// is private to Server.
class ServerState {
 public:
  explicit ServerState(ServerOptions options) : options_(std::move(options)) {}

  const ServerOptions& options() const { return options_; }
  // Precondition: set by Start() before the first connection.
  const internal::Pipeline& pipeline() const { return *pipeline_; }
  void SetPipeline(internal::Pipeline pipeline) {
    pipeline_.emplace(std::move(pipeline));
    largest_body_bytes_ = pipeline_->LargestBodyLimit(options_.max_body_bytes);
  }
  std::size_t largest_body_bytes() const { return largest_body_bytes_; }
  bool stopping() const { return stopping_.load(); }
  void SetStopping() { stopping_ = true; }

  std::uint64_t Register(std::weak_ptr<Connection> connection) {
    std::lock_guard lock(mutex_);
    const std::uint64_t id = next_id_++;
    connections_[id] = std::move(connection);
    return id;
  }
  void Unregister(std::uint64_t id) {
    std::lock_guard lock(mutex_);
    connections_.erase(id);
    if (connections_.empty()) drained_.notify_all();
  }
  std::vector<std::shared_ptr<Connection>> Live() {
    std::vector<std::shared_ptr<Connection>> live;
    std::lock_guard lock(mutex_);
    for (auto& [id, weak] : connections_) {
      if (auto connection = weak.lock()) live.push_back(std::move(connection));
    }
    return live;
  }
  // Whether every connection closed within `timeout`.
  bool WaitDrained(std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    return drained_.wait_for(lock, timeout, [this] { return connections_.empty(); });
  }

 private:
  const ServerOptions options_;
  std::size_t largest_body_bytes_ = 0;  // set with the pipeline
  std::optional<internal::Pipeline> pipeline_;
  std::atomic<bool> stopping_{false};
  std::mutex mutex_;
  std::condition_variable drained_;  // connections_ became empty
  std::unordered_map<std::uint64_t, std::weak_ptr<Connection>> connections_;  // by mutex_
  std::uint64_t next_id_ = 1;  // 0: never registered; guarded by mutex_
};

// One connection: reads requests one at a time, keeps the connection alive between
// them, and enforces the idle and per-request deadlines. All members are used only
// on the connection's strand.
template <class Stream>
class Session final : public Connection, public std::enable_shared_from_this<Session<Stream>> {
 public:
  Session(ServerState& server, Stream stream)
      : server_(server), options_(server.options()), stream_(std::move(stream)) {
    beast::error_code ec;
    const tcp::endpoint peer = Tcp().socket().remote_endpoint(ec);
    if (!ec) remote_address_ = peer.address().to_string();
  }
  ~Session() override { server_.Unregister(id_); }

  // Registers with the server and starts reading.
  void Run() {
    id_ = server_.Register(this->weak_from_this());
    asio::dispatch(stream_.get_executor(), [self = this->shared_from_this()] {
      if constexpr (std::is_same_v<Stream, TlsStream>) {
        self->Tcp().expires_after(self->options_.read_timeout);
        self->stream_.async_handshake(ssl::stream_base::server, [self](beast::error_code ec) {
          if (ec) return self->Close();
          self->WaitForRequest();
        });
      } else {
        self->WaitForRequest();
      }
    });
  }

  void Shutdown() override {
    asio::post(stream_.get_executor(), [self = this->shared_from_this()] {
      self->shutting_down_ = true;
      if (self->state_ == State::kIdle) self->Close();
      // A waiting stream wakes, sees the flag and ends; a writing one ends after the write.
      if (self->state_ == State::kStreaming && self->stream_waiting_) self->stream_timer_.cancel();
    });
  }

  void ForceClose() override {
    asio::post(stream_.get_executor(), [self = this->shared_from_this()] { self->Close(); });
  }

 private:
  enum class State { kIdle, kReading, kBusy, kStreaming, kClosed };

  beast::tcp_stream& Tcp() { return beast::get_lowest_layer(stream_); }

  // Between requests the idle timeout applies; the first byte starts the request's
  // read timeout, which covers headers and body together (slow clients are cut off).
  void WaitForRequest() {
    if (shutting_down_ || server_.stopping()) return Close();
    if (buffer_.size() > 0) return BeginRequest();  // pipelined
    state_ = State::kIdle;
    Tcp().expires_after(options_.idle_timeout);
    stream_.async_read_some(
        buffer_.prepare(kFirstReadBytes),
        [self = this->shared_from_this()](beast::error_code ec, std::size_t bytes) {
          if (ec || self->state_ == State::kClosed) return self->Close();
          self->buffer_.commit(bytes);
          self->BeginRequest();
        });
  }

  void BeginRequest() {
    state_ = State::kReading;
    started_ = Clock::now();
    Tcp().expires_at(started_ + options_.read_timeout);
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(options_.max_header_bytes));
    // Until the route is known, the largest any route accepts; OnHeader narrows it.
    parser_->body_limit(server_.largest_body_bytes());
    bhttp::async_read_header(stream_, buffer_, *parser_,
                             [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                               if (ec) return self->OnReadError(ec);
                               self->OnHeader();
                             });
  }

  void OnHeader() {
    const auto& header = parser_->get();
    const std::size_t limit = server_.pipeline().BodyLimit(
        ToString(header.method_string()), ToString(header.target()), options_.max_body_bytes);
    const auto declared = parser_->content_length();
    if (declared && *declared > limit) return Reject(internal::BodyTooLarge());
    parser_->body_limit(limit);  // counts chunked bodies as they arrive
    const bool expects_continue =
        beast::iequals(parser_->get()[bhttp::field::expect], "100-continue");
    if (!expects_continue || parser_->is_done()) return ReadBody();
    auto interim =
        std::make_shared<bhttp::response<bhttp::empty_body>>(bhttp::status::continue_, 11);
    bhttp::async_write(
        stream_, *interim,
        [self = this->shared_from_this(), interim](beast::error_code ec, std::size_t) {
          if (ec) return self->Close();
          self->ReadBody();
        });
  }

  void ReadBody() {
    if (parser_->is_done()) return OnRequest();
    bhttp::async_read(stream_, buffer_, *parser_,
                      [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                        if (ec) return self->OnReadError(ec);
                        self->OnRequest();
                      });
  }

  void OnReadError(beast::error_code ec) {
    if (ec == bhttp::error::header_limit) {
      return Reject(internal::HeadersTooLarge());
    }
    if (ec == bhttp::error::body_limit) return Reject(internal::BodyTooLarge());
    if (ec.category() == bhttp::make_error_code(bhttp::error::bad_method).category() &&
        ec != bhttp::error::end_of_stream && ec != bhttp::error::partial_message) {
      return Reject(InvalidArgument("malformed HTTP request"));
    }
    // Timeouts, resets and clients going away: nobody is left to answer.
    if (ec == beast::error::timeout) {
      log::debug("http connection from {} timed out reading a request", remote_address_);
    }
    Close();
  }

  internal::Incoming IncomingFromParser() {
    const auto& header = parser_->get();
    internal::Incoming incoming;
    incoming.method = ToString(header.method_string());
    incoming.target = ToString(header.target());
    for (const auto& field : header) {
      std::string name = ToString(field.name_string());
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      incoming.headers.emplace_back(std::move(name), ToString(field.value()));
    }
    incoming.remote_address = remote_address_;
    incoming.started = started_;
    return incoming;
  }

  void Reject(const Error& error) {
    state_ = State::kBusy;
    Response response = server_.pipeline().Reject(error, IncomingFromParser());
    Write(std::move(response), 11, false);
  }

  void OnRequest() {
    state_ = State::kBusy;
    internal::Incoming incoming = IncomingFromParser();
    const unsigned version = parser_->get().version();
    const bool keep_alive = parser_->get().keep_alive();
    incoming.body = std::move(parser_->get().body());
    parser_.reset();
    Response response = server_.pipeline().Handle(std::move(incoming));
    if (response.stream) return StartStream(std::move(response), version);
    Write(std::move(response), version, keep_alive && !shutting_down_ && !server_.stopping());
  }

  // A streamed response: the headers, then BodyStream::Next() whenever it may have
  // something, with one write in flight at a time, so a slow reader holds at most one
  // chunk here (and the kernel's socket buffer) until the write timeout drops it.
  void StartStream(Response response, unsigned version) {
    state_ = State::kStreaming;
    body_stream_ = std::move(response.stream);
    chunked_ = version >= 11;
    stream_started_ = Clock::now();
    stream_deadline_ = stream_started_ + options_.stream_max_duration;
    last_stream_write_ = stream_started_;
    auto header = std::make_shared<bhttp::response<bhttp::empty_body>>();
    header->version(version);
    header->result(static_cast<unsigned>(response.status));
    for (auto& [name, value] : response.headers) {
      header->set(name, value);
      if (beast::iequals(name, "X-Request-Id")) stream_request_id_ = value;
    }
    header->keep_alive(false);
    if (chunked_) header->chunked(true);
    auto serializer = std::make_shared<bhttp::response_serializer<bhttp::empty_body>>(*header);
    Tcp().expires_after(options_.stream_write_timeout);
    bhttp::async_write_header(
        stream_, *serializer,
        [self = this->shared_from_this(), header, serializer](beast::error_code ec, std::size_t) {
          if (ec || self->state_ != State::kStreaming) return self->Close();
          std::weak_ptr<Session> weak = self;
          auto executor = self->stream_.get_executor();
          self->body_stream_->Attach([weak, executor] {
            asio::post(executor, [weak] {
              if (auto session = weak.lock()) session->OnStreamWake();
            });
          });
          self->WatchForHangUp();
          self->NextChunk(BodyStream::Reason::kStart);
        });
  }

  // A client that goes away closes its socket, which the kernel reports as readable with
  // nothing to read: the stream ends then instead of at its next write or heartbeat. A
  // stream's client has nothing more to send, and the connection is never read again, so
  // bytes that do arrive (a TLS close alert just before the close, a stray request) are
  // read and dropped, up to kMaxDroppedStreamBytes, and the watch goes on; past that it
  // ends, and the next write notices a gone client. The wait can also end with nothing
  // to read and the connection open (a readiness report already stale, as under load).
  void WatchForHangUp() {
    Tcp().socket().async_wait(
        tcp::socket::wait_read, [self = this->shared_from_this()](beast::error_code ec) {
          if (ec || self->state_ != State::kStreaming) return;
          char dropped[4096];
          const ssize_t n =
              ::recv(self->Tcp().socket().native_handle(), dropped, sizeof dropped, MSG_DONTWAIT);
          if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
            return self->WatchForHangUp();
          }
          if (n > 0) {
            self->stream_dropped_bytes_ += static_cast<std::size_t>(n);
            if (self->stream_dropped_bytes_ <= kMaxDroppedStreamBytes) self->WatchForHangUp();
            return;
          }
          log::info("http stream {}: the client has gone", self->stream_request_id_);
          self->Close();
        });
  }

  void NextChunk(BodyStream::Reason reason) {
    if (state_ != State::kStreaming) return;
    if (shutting_down_ || server_.stopping() || Clock::now() >= stream_deadline_) {
      return EndStream();
    }
    Result<std::string> next = Internal("stream not polled");
    try {
      next = body_stream_->Next(reason);
    } catch (const std::exception& e) {
      next = Internal(std::string("stream threw: ") + e.what());
    } catch (...) {
      next = Internal("stream threw a non-standard exception");
    }
    if (!next.ok()) {
      log::error("http stream {} failed: {}", stream_request_id_, next.error().internal_message());
      return Close();
    }
    if (next->empty()) return WaitForChunk();
    auto bytes = std::make_shared<std::string>(std::move(*next));
    stream_bytes_ += bytes->size();
    Tcp().expires_after(options_.stream_write_timeout);
    auto written = [self = this->shared_from_this(), bytes](beast::error_code ec, std::size_t) {
      if (ec) {
        if (ec == beast::error::timeout) {
          log::info("http stream {} dropped: the client reads too slowly",
                    self->stream_request_id_);
        }
        return self->Close();
      }
      self->last_stream_write_ = Clock::now();
      self->NextChunk(BodyStream::Reason::kWritten);
    };
    if (chunked_) {
      asio::async_write(stream_, bhttp::make_chunk(asio::buffer(*bytes)), std::move(written));
    } else {
      asio::async_write(stream_, asio::buffer(*bytes), std::move(written));
    }
  }

  // Until a wake-up, the heartbeat or the end of the stream's lifetime.
  void WaitForChunk() {
    const Clock::time_point heartbeat_at = last_stream_write_ + options_.stream_heartbeat;
    stream_waiting_ = true;
    stream_timer_.expires_at(std::min(heartbeat_at, stream_deadline_));
    stream_timer_.async_wait([self = this->shared_from_this(), heartbeat_at](beast::error_code) {
      self->stream_waiting_ = false;
      self->NextChunk(Clock::now() >= heartbeat_at ? BodyStream::Reason::kHeartbeat
                                                   : BodyStream::Reason::kWake);
    });
  }

  void OnStreamWake() {
    // While a write is in flight, its completion asks for more anyway.
    if (state_ == State::kStreaming && stream_waiting_) stream_timer_.cancel();
  }

  // The last chunk, then close: the client sees a clean end and reconnects.
  void EndStream() {
    if (!chunked_) return Close();
    state_ = State::kBusy;
    Tcp().expires_after(options_.stream_write_timeout);
    asio::async_write(
        stream_, bhttp::make_chunk_last(),
        [self = this->shared_from_this()](beast::error_code, std::size_t) { self->Close(); });
  }

  void Write(Response response, unsigned version, bool keep_alive) {
    auto message = std::make_shared<bhttp::response<bhttp::string_body>>();
    message->version(version);
    message->result(static_cast<unsigned>(response.status));
    for (auto& [name, value] : response.headers) message->set(name, value);
    message->body() = std::move(response.body);
    message->keep_alive(keep_alive);
    // Content-Length comes from the pipeline (for HEAD it is the GET's, without a body),
    // so the payload is not "prepared" here.
    Tcp().expires_after(options_.idle_timeout);
    bhttp::async_write(
        stream_, *message,
        [self = this->shared_from_this(), message, keep_alive](beast::error_code ec, std::size_t) {
          if (ec) return self->Close();
          if (!keep_alive) return self->Linger();
          self->WaitForRequest();
        });
  }

  // Half-closes and discards what the client still sends, then closes.
  void Linger() {
    if (state_ == State::kClosed) return;
    beast::error_code ec;
    Tcp().socket().shutdown(tcp::socket::shutdown_send, ec);
    if (ec) return Close();
    linger_deadline_ = Clock::now() + kLingerTime;
    LingerRead();
  }

  void LingerRead() {
    Tcp().expires_at(linger_deadline_);
    Tcp().async_read_some(
        buffer_.prepare(kFirstReadBytes),
        [self = this->shared_from_this()](beast::error_code ec, std::size_t bytes) {
          self->lingered_bytes_ += bytes;
          if (ec || self->state_ == State::kClosed || self->lingered_bytes_ > kLingerBytes) {
            return self->Close();
          }
          self->LingerRead();
        });
  }

  void Close() {
    if (state_ == State::kClosed) return;
    state_ = State::kClosed;
    beast::error_code ec;
    Tcp().socket().shutdown(tcp::socket::shutdown_both, ec);
    Tcp().close();
    if (body_stream_) {
      stream_timer_.cancel();
      // Destroyed here, on the session's strand, so that it stops waking a session that
      // is going away (and the server, once stopped, holds no stream).
      body_stream_.reset();
      const auto seconds = std::chrono::duration<double>(Clock::now() - stream_started_).count();
      log::info("http stream {} ended after {:.1f}s, {} bytes", stream_request_id_, seconds,
                stream_bytes_);
    }
  }

  ServerState& server_;
  const ServerOptions& options_;
  std::uint64_t id_ = 0;  // set by Run()
  Stream stream_;
  std::string remote_address_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  State state_ = State::kIdle;
  bool shutting_down_ = false;
  Clock::time_point started_;
  Clock::time_point linger_deadline_;
  std::size_t lingered_bytes_ = 0;
  // A streamed response, once StartStream() ran.
  std::shared_ptr<BodyStream> body_stream_;
  asio::steady_timer stream_timer_{stream_.get_executor()};
  bool stream_waiting_ = false;
  bool chunked_ = true;
  std::string stream_request_id_;
  std::size_t stream_bytes_ = 0;
  std::size_t stream_dropped_bytes_ = 0;  // sent by the client while streaming
  Clock::time_point stream_started_;
  Clock::time_point stream_deadline_;
  Clock::time_point last_stream_write_;
};

}  // namespace

class Server::Impl {
 public:
  Impl(ServerOptions options, Router router, Authenticator& authenticator)
      : state_(std::move(options)), router_(std::move(router)), authenticator_(authenticator) {}
  ~Impl() { Stop(); }

  Status Start();
  void Stop();
  std::uint16_t port() const { return port_.load(); }

 private:
  void Accept();
  void OnAccept(beast::error_code ec, tcp::socket socket);
  void StartSession(tcp::socket socket);

  ServerState state_;
  const ServerOptions& options_ = state_.options();
  Router router_;  // moved into the pipeline by Start()
  Authenticator& authenticator_;
  std::optional<ssl::context> tls_context_;
  std::atomic<std::uint16_t> port_{0};
  std::mutex stop_mutex_;  // serialises Start() and Stop()
  bool stopped_ = false;   // guarded by stop_mutex_

  // Declared after everything a connection touches: destroying the io_context
  // destroys the connections still referenced by pending handlers.
  asio::io_context io_context_;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work_;
  tcp::acceptor acceptor_{asio::make_strand(io_context_)};
  asio::steady_timer accept_retry_{acceptor_.get_executor()};
  std::vector<std::thread> threads_;
};

Status Server::Impl::Start() {
  std::lock_guard stop_lock(stop_mutex_);  // a concurrent Stop() waits for the threads
  if (stopped_) return FailedPrecondition("server already stopped");
  if (options_.tls) {
    FC_ASSIGN_OR_RETURN(ssl::context context, MakeTlsContext(*options_.tls));
    tls_context_.emplace(std::move(context));
  }
  std::optional<internal::StaticFiles> static_files;
  if (!options_.static_dir.empty()) {
    FC_ASSIGN_OR_RETURN(static_files, internal::StaticFiles::Open(options_.static_dir));
  }
  state_.SetPipeline(internal::Pipeline(std::move(router_), authenticator_, std::move(static_files),
                                        options_.tls.has_value(),
                                        std::make_shared<internal::StreamSlots>(
                                            options_.max_streams, options_.max_streams_per_user)));

  const std::string where = options_.host + ":" + std::to_string(options_.port);
  beast::error_code ec;
  tcp::resolver resolver(io_context_);
  const auto endpoints =
      resolver.resolve(options_.host, std::to_string(options_.port), tcp::resolver::passive, ec);
  if (ec || endpoints.empty()) {
    return Unavailable("cannot resolve the listen address", where + ": " + ec.message());
  }
  const tcp::endpoint endpoint = endpoints.begin()->endpoint();
  acceptor_.open(endpoint.protocol(), ec);
  if (!ec) acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor_.bind(endpoint, ec);
  if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  if (!ec) acceptor_.non_blocking(true, ec);
  if (ec) return Unavailable("cannot listen on " + where, where + ": " + ec.message());
  port_ = acceptor_.local_endpoint().port();

  work_.emplace(asio::make_work_guard(io_context_));
  Accept();
  const int threads = std::max(1, options_.threads);
  for (int i = 0; i < threads; ++i) threads_.emplace_back([this] { io_context_.run(); });
  log::info("http server listening on {}:{}{}", options_.host, port_.load(),
            tls_context_ ? " (TLS)" : "");
  return OkStatus();
}

void Server::Impl::Accept() {
  acceptor_.async_accept(
      asio::make_strand(io_context_),
      [this](beast::error_code ec, tcp::socket socket) { OnAccept(ec, std::move(socket)); });
}

void Server::Impl::OnAccept(beast::error_code ec, tcp::socket socket) {
  if (ec == asio::error::operation_aborted || !acceptor_.is_open()) return;
  if (ec) {
    // Typically out of file descriptors: back off instead of spinning.
    log::warn("http accept failed: {}", ec.message());
    accept_retry_.expires_after(std::chrono::milliseconds(100));
    accept_retry_.async_wait([this](beast::error_code wait_ec) {
      if (!wait_ec && acceptor_.is_open()) Accept();
    });
    return;
  }
  StartSession(std::move(socket));
  // A burst of clients (wrk, or every client reconnecting after a restart) would
  // otherwise be accepted one per turn of the busy scheduler, so the last of 500 waits
  // behind hundreds of rounds of request handling. Take what the backlog already holds.
  for (int drained = 0; drained < kMaxAcceptsPerWakeup; ++drained) {
    tcp::socket next(asio::make_strand(io_context_));
    acceptor_.accept(next, ec);
    if (ec) break;  // would_block: the backlog is empty; real errors resurface below
    StartSession(std::move(next));
  }
  Accept();
}

void Server::Impl::StartSession(tcp::socket socket) {
  beast::error_code ec;
  socket.set_option(tcp::no_delay(true), ec);
  if (tls_context_) {
    std::make_shared<Session<TlsStream>>(state_,
                                         TlsStream(PlainStream(std::move(socket)), *tls_context_))
        ->Run();
  } else {
    std::make_shared<Session<PlainStream>>(state_, PlainStream(std::move(socket)))->Run();
  }
}

void Server::Impl::Stop() {
  std::lock_guard stop_lock(stop_mutex_);
  if (stopped_) return;
  stopped_ = true;
  state_.SetStopping();
  if (threads_.empty()) return;  // never started

  asio::post(acceptor_.get_executor(), [this] {
    beast::error_code ec;
    acceptor_.close(ec);
    accept_retry_.cancel();
  });
  for (auto& connection : state_.Live()) connection->Shutdown();
  if (!state_.WaitDrained(options_.shutdown_grace)) {
    for (auto& connection : state_.Live()) connection->ForceClose();
    state_.WaitDrained(kForcedCloseWait);
  }
  work_.reset();
  io_context_.stop();
  for (auto& thread : threads_) thread.join();
  threads_.clear();
  log::info("http server stopped");
}

Server::Server(ServerOptions options, Router router, Authenticator& authenticator)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(router), authenticator)) {}

Server::~Server() = default;

Status Server::Start() { return impl_->Start(); }
std::uint16_t Server::port() const { return impl_->port(); }
void Server::Stop() { impl_->Stop(); }

}  // namespace fincyber::http
