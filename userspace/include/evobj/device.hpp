// SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
//
// evobj::device: an open /dev/evobj, the fd that creates events,
// semaphores and mutexes and carries multi-object waits.
//
// Any open of the device can wait on any event, so a process normally
// needs exactly one: device::instance(), opened on first use. Opening a
// device explicitly is for another path (a container's bind mount) or
// for code that wants to own every fd it uses.
#pragma once

#include <memory>
#include <optional>
#include <string_view>

#include <evobj/deadline.hpp>
#include <evobj/event.hpp>
#include <evobj/export.hpp>
#include <evobj/mutex.hpp>
#include <evobj/semaphore.hpp>
#include <evobj/unique_fd.hpp>
#include <evobj/wait.hpp>

namespace evobj {

class EVOBJ_API device {
public:
    using native_handle_type = int;

    static constexpr std::string_view default_path = "/dev/evobj";

    /// Opens the device (O_RDWR | O_CLOEXEC). Throws std::system_error
    /// with the errno of open(2); ENOENT and ENODEV say that the evobj
    /// module is not loaded, EACCES that the device's permissions deny us.
    [[nodiscard]] static device open(std::string_view path = default_path);

    /// The process-wide device, opened on first use, thread-safe. An
    /// open that fails throws and is retried on the next call (the
    /// module may be loaded in between); once open it stays open for the
    /// life of the process.
    [[nodiscard]] static const device& instance();

    /// Takes ownership of an fd of /dev/evobj. Not checked. Throws
    /// std::bad_alloc (having closed the fd) if memory is short.
    [[nodiscard]] static device adopt(native_handle_type fd);

    constexpr device() noexcept = default;
    device(const device&) = delete;
    device& operator=(const device&) = delete;
    device(device&& other) noexcept = default;
    device& operator=(device&& other) noexcept = default;
    /// Closes the fd once the events made through it are gone too;
    /// never throws, and leaves errno as it found it.
    ~device() = default;

    /// Creates an event (O_CLOEXEC). Throws "EVOBJ_IOC_CREATE". The
    /// event waits through this device, and keeps it open for that.
    [[nodiscard]] event create(evobj::kind kind, bool signaled = false) const;

    /// event::open, on this device: the event waits through it.
    [[nodiscard]] opened open_event(std::string_view name, evobj::kind kind,
                                    evobj::disposition disp = disposition::open_or_create,
                                    unsigned mode = 0600, bool signaled = false) const;

    /// semaphore::create, on this device: the semaphore waits through it.
    [[nodiscard]] semaphore create_semaphore(std::uint32_t count, std::uint32_t max,
                                             unsigned flags = semaphore_flags::none) const;

    /// semaphore::open, on this device.
    [[nodiscard]] opened_semaphore open_semaphore(std::string_view name, std::uint32_t count,
                                                  std::uint32_t max,
                                                  evobj::disposition disp = disposition::open_or_create,
                                                  unsigned mode = 0600,
                                                  unsigned flags = semaphore_flags::none) const;

    /// mutex::create, on this device: the mutex waits through it.
    [[nodiscard]] mutex create_mutex(owner_id owner = 0, std::uint32_t count = 1,
                                     unsigned flags = mutex_flags::none) const;

    /// mutex::open, on this device.
    [[nodiscard]] opened_mutex open_mutex(std::string_view name, owner_id owner = 0, std::uint32_t count = 1,
                                          evobj::disposition disp = disposition::open_or_create,
                                          unsigned mode = 0600, unsigned flags = mutex_flags::none) const;

    /// As the free functions of <evobj/wait.hpp>, on this device.
    [[nodiscard]] std::optional<std::size_t> wait_any(event_span events, deadline when = {}) const;
    [[nodiscard]] bool wait_all(event_span events, deadline when = {}) const;
    [[nodiscard]] wait_result wait_any(event_span events, deadline when,
                                       const wait_options& options) const;
    [[nodiscard]] wait_result wait_all(event_span events, deadline when,
                                       const wait_options& options) const;

    [[nodiscard]] native_handle_type native_handle() const noexcept { return fd_ ? fd_->get() : -1; }
    /// Gives up ownership and leaves this device empty. If events made
    /// through it are still alive they keep the device's fd for their
    /// waits, and the caller gets a duplicate of it (F_DUPFD_CLOEXEC;
    /// -1 and errno if that fails).
    [[nodiscard]] native_handle_type release() noexcept;
    [[nodiscard]] bool valid() const noexcept { return fd_ && fd_->valid(); }
    explicit operator bool() const noexcept { return valid(); }

private:
    explicit device(std::shared_ptr<unique_fd> fd) noexcept : fd_(std::move(fd)) {}

    // Shared with the events made through this device (event::dev_).
    std::shared_ptr<unique_fd> fd_;
};

} // namespace evobj
