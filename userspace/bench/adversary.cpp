// SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
//
// evobj-adversary: the hostile loads of issue 8, run as an unprivileged
// user, so that the kernel's irqsoff tracer (scripts/irqsoff.sh) and the
// timerlat tracer (scripts/rt-latency.sh) can measure what they cost the
// rest of the machine.
//
//   evobj-adversary [--duration SEC] [--sync] [--uid UID] LOAD N
//
// Loads (N threads, or N timers):
//   pulse    N threads in WAIT_ANY on one notification event that the
//            main thread PULSEs in a loop
//   dup64    the same, each wait naming the event 64 times
//   single   the same threads as dup64 with one entry each (its reference)
//   waitall  N threads in WAIT_ALL on {E, X_i}, X_i never set, while the
//            main thread SETs and RESETs E in a loop
//   release  N threads in WAIT_ANY on one semaphore that the main thread
//            RELEASEs N units of at a time (each release completes N waits)
//   testall64 N threads in WAIT_ALL on the same 64 signaled notification
//            events, each completing at once (all 64 locks held together)
//   timers   N events with periodic timers at EVOBJ_TIMER_MIN_PERIOD that
//            nobody reads (a per-user limit may refuse some: ENOSPC)
//   futex    N threads in FUTEX_WAIT, the main thread FUTEX_WAKEs them all
//   eventfd  N threads in poll() on one eventfd that the main thread
//            writes and reads back
//
// The loads that wake waiters (pulse, dup64, single, release, futex, eventfd) wait
// until every waiter is back in its wait before the next wake-up: each
// wake-up then completes all N waits, the worst case for the waker, and
// the completions per operation say so. waitall, testall64 and timers run
// flat out.
//
// As root it first raises RLIMIT_NPROC and RLIMIT_NOFILE for N threads and
// fds, then drops to UID (default 65534, nobody) with no groups: /dev/evobj
// is open to everyone, and so must the load be.
//
// Phases: without --sync it runs one phase of SEC seconds and exits. With
// --sync it sets up, prints a "ready" line, then runs one phase per line
// read from stdin and prints a "phase" line after each; it exits at end of
// input. Between phases the waiters stay blocked and nothing is woken, so
// a measurement taken from one phase's start to its end sees neither the
// threads' creation nor their exit (whose kill of N threads runs with
// interrupts off too). Output lines are "evobj-adversary: WHAT key=value...".

#include <fcntl.h>
#include <grp.h>
#include <linux/futex.h>
#include <poll.h>
#include <pthread.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <charconv>
#include <climits>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <iostream>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "sys.hpp"

namespace evobj::bench {
namespace {

constexpr const char* usage = R"(Usage: evobj-adversary [OPTIONS] LOAD N

Runs one hostile load against evobj (or a baseline) as an unprivileged user.

Loads:
  pulse N     N threads in WAIT_ANY on one notification event, pulsed in a loop
  dup64 N     N threads in WAIT_ANY naming that event 64 times each, pulsed
  single N    the dup64 threads with one entry each (dup64's reference)
  waitall N   N threads in WAIT_ALL on {E, X_i} (X_i never set); E set and reset in a loop
  release N   N threads in WAIT_ANY on one semaphore, released N units at a time in a loop
  testall64 N N threads in WAIT_ALL on 64 signaled notification events, completing at once
  timers N    N events with unread periodic timers at the minimum period
  futex N     N threads in FUTEX_WAIT; FUTEX_WAKE of all in a loop
  eventfd N   N threads in poll() on one eventfd; write and read back in a loop

Options:
  -d, --duration SEC  length of a phase (default 3)
  --sync              one phase per line on stdin, "ready"/"phase" lines on stdout
  --uid UID           the uid (and gid) to run as when started as root (default 65534)
  -h, --help          this help

Exit status: 0 after the load ran, 1 on an error, 2 for a bad command line.
)";

constexpr std::size_t stack_size = 64 * 1024;
constexpr int dup_entries = 64;

enum class load_kind { pulse, dup64, single, waitall, release, testall64, timers, futex, eventfd };

struct load_name {
    std::string_view name;
    load_kind kind;
};

constexpr load_name load_names[] = {
    {"pulse", load_kind::pulse},   {"dup64", load_kind::dup64}, {"single", load_kind::single},
    {"waitall", load_kind::waitall}, {"release", load_kind::release}, {"testall64", load_kind::testall64},
    {"timers", load_kind::timers},   {"futex", load_kind::futex},
    {"eventfd", load_kind::eventfd},
};

struct config {
    load_kind kind = load_kind::pulse;
    std::string name;
    int n = 0;
    double duration = 3.0;
    bool sync = false;
    unsigned uid = 65534;
};

// ---- privileges ---------------------------------------------------------

void raise_limit(int resource, rlim_t want, const char* what)
{
    rlimit lim{};
    if (getrlimit(resource, &lim) != 0)
        throw_errno(what);
    if (lim.rlim_cur != RLIM_INFINITY && lim.rlim_cur >= want)
        return;
    if (lim.rlim_max != RLIM_INFINITY && lim.rlim_max < want)
        lim.rlim_max = want;
    lim.rlim_cur = want;
    if (setrlimit(resource, &lim) != 0)
        throw_errno(what);
}

// Root gives the load room for N threads and fds, then gives itself up.
void drop_privileges(const config& cfg)
{
    if (geteuid() != 0)
        return;
    const auto n = rlim_t(cfg.n);
    raise_limit(RLIMIT_NPROC, 2 * n + 1024, "setrlimit RLIMIT_NPROC");
    raise_limit(RLIMIT_NOFILE, 2 * n + 1024, "setrlimit RLIMIT_NOFILE");
    if (setgroups(0, nullptr) != 0)
        throw_errno("setgroups");
    if (setresgid(cfg.uid, cfg.uid, cfg.uid) != 0)
        throw_errno("setresgid");
    if (setresuid(cfg.uid, cfg.uid, cfg.uid) != 0)
        throw_errno("setresuid");
    if (geteuid() == 0 || getuid() == 0)
        throw std::runtime_error("still root after setresuid");
}

// ---- raw calls this program needs beyond sys.hpp -------------------------

// 0 on success, else the errno (EINTR retried).
int evobj_wait_raw(int dev, unsigned long request, const std::int32_t* fds, std::uint32_t count)
{
    evobj_wait args{
        .timeout = EVOBJ_TIMEOUT_INFINITE,
        .fds = reinterpret_cast<std::uintptr_t>(fds),
        .count = count,
        .index = 0,
        .flags = 0,
        .alert = -1,
        .signal = -1,
        .owner = 0,
    };
    for (;;) {
        if (::ioctl(dev, request, &args) == 0)
            return 0;
        if (errno != EINTR)
            return errno;
    }
}

void evobj_pulse(int ev)
{
    if (::ioctl(ev, EVOBJ_IOC_PULSE, nullptr) != 0)
        throw_errno("EVOBJ_IOC_PULSE");
}

// 0 if armed, else the errno.
int evobj_arm_periodic(int ev, std::uint64_t expires, std::uint64_t period)
{
    evobj_timer args{.expires = expires, .period = period, .flags = 0, .pad = 0};
    return ::ioctl(ev, EVOBJ_IOC_TIMER, &args) == 0 ? 0 : errno;
}

void sleep_ns(std::uint64_t ns)
{
    timespec ts{.tv_sec = time_t(ns / 1'000'000'000u), .tv_nsec = long(ns % 1'000'000'000u)};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

std::uint64_t thread_cpu_ns() noexcept
{
    timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return std::uint64_t(ts.tv_sec) * 1'000'000'000u + std::uint64_t(ts.tv_nsec);
}

// ---- the load -----------------------------------------------------------

class adversary {
public:
    explicit adversary(const config& cfg) : cfg_(cfg) {}
    adversary(const adversary&) = delete;
    adversary& operator=(const adversary&) = delete;

    void setup();
    /// One phase of the configured duration; prints its line.
    void phase(int number);
    void print_total() const;

private:
    struct waiter_arg {
        adversary* self;
        int index;
    };

    static void* waiter_main(void* p);
    void waiter(int index);
    void start_waiters();
    /// Until every live waiter is in its wait, or `ns` have passed.
    bool wait_for_waiters(std::uint64_t ns) const;
    /// One wake-up of the load; returns after it (and any read-back).
    void kick();
    [[nodiscard]] bool paced() const noexcept
    {
        return cfg_.kind != load_kind::waitall && cfg_.kind != load_kind::testall64 &&
               cfg_.kind != load_kind::timers;
    }

    const config& cfg_;
    unique_fd dev_;
    unique_fd event_;                  // E: pulsed, set/reset; release's semaphore
    std::vector<unique_fd> others_;    // waitall's X_i, testall64's 64, timers' events
    std::vector<std::int32_t> fds_;    // the entries of pulse/dup64/single/release/testall64 waits
    unique_fd efd_;                    // eventfd
    std::atomic<std::uint32_t> eventfd_gen_{0};  // read-backs so far
    alignas(64) std::uint32_t futex_word_ = 0;

    alignas(64) std::atomic<int> live_{0};      // waiters that did not give up
    alignas(64) std::atomic<int> in_wait_{0};   // waiters in (or entering) their wait
    alignas(64) std::atomic<std::uint64_t> completions_{0};
    std::atomic<int> refused_{0};               // waits refused (ENOSPC): thread gone
    std::atomic<int> first_error_{0};           // any other errno a waiter met

    std::vector<waiter_arg> args_;
    int armed_ = 0;                             // timers
    int timer_refusal_ = 0;                     // errno that stopped arming, if any
    std::uint64_t ops_total_ = 0;
    std::uint64_t completions_total_ = 0;
};

void adversary::setup()
{
    // The baselines do not need the device.
    if (cfg_.kind != load_kind::futex && cfg_.kind != load_kind::eventfd)
        dev_ = evobj_open_device();
    switch (cfg_.kind) {
    case load_kind::pulse:
    case load_kind::single:
    case load_kind::dup64:
        event_ = evobj_create(dev_.get(), EVOBJ_NOTIFICATION);
        fds_.assign(cfg_.kind == load_kind::dup64 ? dup_entries : 1, event_.get());
        break;
    case load_kind::release:
        event_ = evobj_semaphore_create(dev_.get(), 0, std::uint32_t(cfg_.n));
        fds_.assign(1, event_.get());
        break;
    case load_kind::testall64:
        for (int i = 0; i < dup_entries; i++) {
            others_.push_back(evobj_create(dev_.get(), EVOBJ_NOTIFICATION, EVOBJ_SIGNALED));
            fds_.push_back(others_.back().get());
        }
        break;
    case load_kind::waitall:
        event_ = evobj_create(dev_.get(), EVOBJ_NOTIFICATION);
        others_.reserve(std::size_t(cfg_.n));
        for (int i = 0; i < cfg_.n; i++)
            others_.push_back(evobj_create(dev_.get(), EVOBJ_NOTIFICATION));
        break;
    case load_kind::timers: {
        // All expire together: one timer interrupt meets all N, the
        // worst case. Synchronization events, as a periodic tick is.
        const std::uint64_t first = now_ns() + 10'000'000;
        for (int i = 0; i < cfg_.n; i++) {
            unique_fd ev = evobj_create(dev_.get(), EVOBJ_SYNCHRONIZATION);
            if (const int err = evobj_arm_periodic(ev.get(), first, EVOBJ_TIMER_MIN_PERIOD)) {
                if (err != ENOSPC)
                    throw std::system_error(err, std::system_category(), "EVOBJ_IOC_TIMER");
                timer_refusal_ = err;
                break;
            }
            others_.push_back(std::move(ev));
            armed_++;
        }
        break;
    }
    case load_kind::futex:
        break;
    case load_kind::eventfd:
        efd_ = make_eventfd();
        break;
    }
    if (cfg_.kind != load_kind::timers)
        start_waiters();
}

void* adversary::waiter_main(void* p)
{
    auto* arg = static_cast<waiter_arg*>(p);
    arg->self->waiter(arg->index);
    return nullptr;
}

void adversary::start_waiters()
{
    args_.resize(std::size_t(cfg_.n));
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, stack_size);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    for (int i = 0; i < cfg_.n; i++) {
        args_[std::size_t(i)] = {this, i};
        live_.fetch_add(1);
        pthread_t t;
        if (const int err = pthread_create(&t, &attr, waiter_main, &args_[std::size_t(i)])) {
            pthread_attr_destroy(&attr);
            throw std::system_error(err, std::system_category(),
                                    "pthread_create (thread " + std::to_string(i) + ")");
        }
    }
    pthread_attr_destroy(&attr);
    // TCG with a debug kernel: thousands of threads take a while to settle.
    if (!wait_for_waiters(300'000'000'000u))
        std::cerr << "evobj-adversary: only " << in_wait_.load() << " of " << live_.load()
                  << " waiters are waiting after 300 s; going on\n";
}

// Each waiter waits, counts what it got, and waits again, forever: the
// process exits around the blocked threads.
void adversary::waiter(int index)
{
    const int dev = dev_.get();
    std::int32_t pair[2] = {-1, -1};
    if (cfg_.kind == load_kind::waitall)
        pair[0] = event_.get(), pair[1] = others_[std::size_t(index)].get();
    std::uint32_t& word = futex_word_;
    pollfd p{.fd = efd_.get(), .events = POLLIN, .revents = 0};

    for (;;) {
        int err = 0;
        switch (cfg_.kind) {
        case load_kind::pulse:
        case load_kind::single:
        case load_kind::dup64:
        case load_kind::release:
            in_wait_.fetch_add(1);
            err = evobj_wait_raw(dev, EVOBJ_IOC_WAIT_ANY, fds_.data(), std::uint32_t(fds_.size()));
            in_wait_.fetch_sub(1);
            break;
        case load_kind::testall64:
            in_wait_.fetch_add(1);
            err = evobj_wait_raw(dev, EVOBJ_IOC_WAIT_ALL, fds_.data(), std::uint32_t(fds_.size()));
            in_wait_.fetch_sub(1);
            break;
        case load_kind::waitall:
            in_wait_.fetch_add(1);
            err = evobj_wait_raw(dev, EVOBJ_IOC_WAIT_ALL, pair, 2);
            in_wait_.fetch_sub(1);
            break;
        case load_kind::futex: {
            const std::uint32_t seen = std::atomic_ref<std::uint32_t>(word).load();
            in_wait_.fetch_add(1);
            // Returns at once (EAGAIN) if the word moved since: a wake-up too.
            if (::syscall(SYS_futex, &word, FUTEX_WAIT_PRIVATE, seen, nullptr, nullptr, 0) != 0 &&
                errno != EAGAIN && errno != EINTR)
                err = errno;
            in_wait_.fetch_sub(1);
            if (!err && std::atomic_ref<std::uint32_t>(word).load() == seen)
                continue;  // spurious: not a completion
            break;
        }
        case load_kind::eventfd: {
            const std::uint32_t gen = eventfd_gen_.load();
            in_wait_.fetch_add(1);
            if (::poll(&p, 1, -1) < 0 && errno != EINTR)
                err = errno;
            in_wait_.fetch_sub(1);
            if (!err && !(p.revents & POLLIN))
                continue;
            // Not again until the writer has read the count back: poll()
            // would return at once, and N spinning threads starve it.
            while (eventfd_gen_.load() == gen)
                eventfd_gen_.wait(gen);
            break;
        }
        case load_kind::timers:
            return;
        }
        if (err == ENOSPC) {
            // A limit on waits per object: this thread is not allowed in.
            refused_.fetch_add(1);
            live_.fetch_sub(1);
            return;
        }
        if (err) {
            int none = 0;
            first_error_.compare_exchange_strong(none, err);
            live_.fetch_sub(1);
            return;
        }
        completions_.fetch_add(1, std::memory_order_relaxed);
    }
}

bool adversary::wait_for_waiters(std::uint64_t ns) const
{
    const std::uint64_t give_up = now_ns() + ns;
    while (in_wait_.load() < live_.load()) {
        if (now_ns() > give_up)
            return false;
        sleep_ns(200'000);
    }
    return true;
}

void adversary::kick()
{
    switch (cfg_.kind) {
    case load_kind::pulse:
    case load_kind::single:
    case load_kind::dup64:
        evobj_pulse(event_.get());
        break;
    case load_kind::waitall:
        evobj_set(event_.get());
        evobj_reset(event_.get());
        break;
    case load_kind::release:
        // As many units as waiters: a max_waiters refusal leaves fewer.
        if (const int n = live_.load(); n > 0)
            (void)evobj_release(event_.get(), std::uint32_t(n));
        break;
    case load_kind::testall64:
        // The waiters load themselves; the main thread only yields to them.
        sleep_ns(1'000'000);
        break;
    case load_kind::futex:
        std::atomic_ref<std::uint32_t>(futex_word_).fetch_add(1);
        futex_wake(&futex_word_, INT_MAX);
        break;
    case load_kind::eventfd:
        eventfd_add(efd_.get());
        eventfd_take(efd_.get());
        eventfd_gen_.fetch_add(1);
        eventfd_gen_.notify_all();
        break;
    case load_kind::timers:
        break;
    }
}

void adversary::phase(int number)
{
    const std::uint64_t start = now_ns();
    const auto length = std::uint64_t(cfg_.duration * 1e9);
    const std::uint64_t end = start + length;
    const std::uint64_t done_before = completions_.load();
    std::uint64_t ops = 0;
    std::uint64_t cpu = 0;
    if (cfg_.kind == load_kind::timers) {
        // Nobody reads the events. Spin instead, and report the share of
        // the CPU this thread kept while the timers fired.
        const std::uint64_t cpu0 = thread_cpu_ns();
        while (now_ns() < end)
            ops++;
        cpu = thread_cpu_ns() - cpu0;
    } else {
        do {
            if (paced()) {
                // Every waiter back in its wait (a thread just counted
                // may still be on its way in: give it a moment).
                wait_for_waiters(200'000'000);
                sleep_ns(1'000'000);
            }
            kick();
            ops++;
        } while (now_ns() < end);
        // Let the last wake-up's waiters finish and count themselves.
        if (paced())
            wait_for_waiters(5'000'000'000u);
    }
    const double seconds = double(now_ns() - start) / 1e9;
    const std::uint64_t done = completions_.load() - done_before;
    ops_total_ += ops;
    completions_total_ += done;

    std::printf("evobj-adversary: phase %d load=%s n=%d seconds=%.2f ops=%llu completions=%llu "
                "per_op=%.1f waiters=%d refused=%d armed=%d",
                number, cfg_.name.c_str(), cfg_.n, seconds, (unsigned long long)ops,
                (unsigned long long)done, ops ? double(done) / double(ops) : 0.0, live_.load(),
                refused_.load(), armed_);
    if (cfg_.kind == load_kind::timers)
        std::printf(" cpu_kept=%.3f", double(cpu) / (seconds * 1e9));
    std::printf("\n");
    std::fflush(stdout);
}

void adversary::print_total() const
{
    std::printf("evobj-adversary: total load=%s n=%d uid=%u ops=%llu completions=%llu waiters=%d "
                "refused=%d armed=%d",
                cfg_.name.c_str(), cfg_.n, unsigned(getuid()), (unsigned long long)ops_total_,
                (unsigned long long)completions_total_, live_.load(), refused_.load(), armed_);
    if (timer_refusal_)
        std::printf(" arming_stopped=%s", std::strerror(timer_refusal_));
    if (const int err = first_error_.load())
        std::printf(" waiter_error=%s", std::strerror(err));
    std::printf("\n");
    std::fflush(stdout);
}

int run(const config& cfg)
{
    drop_privileges(cfg);
    auto adv = std::make_unique<adversary>(cfg);
    adv->setup();
    int phases = 0;
    if (cfg.sync) {
        std::printf("evobj-adversary: ready load=%s n=%d uid=%u\n", cfg.name.c_str(), cfg.n,
                    unsigned(getuid()));
        std::fflush(stdout);
        std::string line;
        while (std::getline(std::cin, line))
            adv->phase(++phases);
    } else {
        adv->phase(++phases);
    }
    adv->print_total();
    // The waiters block forever: leave without unwinding around them.
    std::fflush(nullptr);
    _exit(0);
}

bool parse_number(std::string_view s, auto& out)
{
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    return ec == std::errc() && end == s.data() + s.size();
}

} // namespace
} // namespace evobj::bench

int main(int argc, char** argv)
{
    using namespace evobj::bench;
    config cfg;
    std::vector<std::string_view> positional;
    for (int i = 1; i < argc; i++) {
        const std::string_view arg = argv[i];
        const bool has_value = i + 1 < argc;
        if (arg == "-h" || arg == "--help") {
            std::cout << usage;
            return 0;
        } else if ((arg == "-d" || arg == "--duration") && has_value) {
            char* end = nullptr;
            cfg.duration = std::strtod(argv[++i], &end);
            if (*end || !(cfg.duration > 0)) {
                std::cerr << "evobj-adversary: bad duration '" << argv[i] << "'\n";
                return 2;
            }
        } else if (arg == "--sync") {
            cfg.sync = true;
        } else if (arg == "--uid" && has_value) {
            if (!parse_number(argv[++i], cfg.uid)) {
                std::cerr << "evobj-adversary: bad uid '" << argv[i] << "'\n";
                return 2;
            }
        } else if (arg.starts_with("-")) {
            std::cerr << "evobj-adversary: unknown option '" << arg << "'\n" << usage;
            return 2;
        } else {
            positional.push_back(arg);
        }
    }
    if (positional.size() != 2) {
        std::cerr << usage;
        return 2;
    }
    bool known = false;
    for (const auto& l : load_names)
        if (l.name == positional[0])
            cfg.kind = l.kind, cfg.name = l.name, known = true;
    if (!known || !parse_number(positional[1], cfg.n) || cfg.n < 1) {
        std::cerr << "evobj-adversary: bad load '" << positional[0] << ' ' << positional[1] << "'\n"
                  << usage;
        return 2;
    }
    try {
        return run(cfg);
    } catch (const std::exception& e) {
        std::cerr << "evobj-adversary: " << e.what() << '\n';
        return 1;
    }
}
