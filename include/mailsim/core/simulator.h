// The discrete-event engine: an ordinary object (no globals) holding the clock and the
// pending events. Events at equal times run in the order they were scheduled, so a run is
// a pure function of its inputs. Handlers are stored inline in a slab of fixed-size
// slots, so scheduling a small callable does not allocate; larger callables fall back to
// one heap allocation. Limits: 2^24 events scheduled and not yet due at once (a cancelled
// event counts until its time comes) and 2^40 scheduled in one run (exceeding either
// aborts with a message). Not thread-safe: one simulator belongs to one
// thread.
#pragma once

#include <cassert>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <new>
#include <type_traits>
#include <utility>
#include <vector>

#include "mailsim/core/event_queue.h"
#include "mailsim/core/time.h"

namespace mailsim {

// Names one scheduled event so that it can be cancelled. A default-constructed id names
// nothing; an id whose event already ran or was cancelled is harmless to cancel again.
class EventId {
 public:
  constexpr EventId() = default;
  constexpr bool valid() const { return seq_ != 0; }
  constexpr auto operator<=>(const EventId&) const = default;

 private:
  friend class Simulator;
  constexpr EventId(std::uint32_t slot, std::uint64_t seq) : slot_(slot), seq_(seq) {}
  std::uint32_t slot_ = 0;
  std::uint64_t seq_ = 0;
};

class Simulator {
 public:
  Simulator();
  ~Simulator();
  Simulator(const Simulator&) = delete;
  Simulator& operator=(const Simulator&) = delete;

  Time now() const { return now_; }

  // Schedules `f()` at `t`. REQUIRES: t >= now(). A handler that throws is destroyed and
  // the exception leaves step()/run(). Handlers' destructors must not schedule events.
  template <class F>
  EventId schedule_at(Time t, F&& f);
  // Schedules `f()` after `d`. REQUIRES: d >= 0.
  template <class F>
  EventId schedule_in(Duration d, F&& f) {
    return schedule_at(now_ + d, std::forward<F>(f));
  }

  // Cancels a pending event: its handler is destroyed without running. Returns whether
  // the event was still pending.
  bool cancel(EventId id);
  bool is_pending(EventId id) const;

  // Runs the earliest pending event, advancing now() to its time. Returns false when
  // there was none.
  bool step();
  // Runs every event whose time is <= t, then sets now() to t. Does nothing if t < now().
  void run_until(Time t);
  // Runs until no event is pending or stop() is called from a handler.
  void run();
  // Makes run() / run_until() return after the current handler.
  void stop() { stopped_ = true; }

  std::size_t pending() const { return queue_.size() - cancelled_queued_; }
  // Every event scheduled is pending, was cancelled, or was run (counted when it starts).
  std::uint64_t executed() const { return next_seq_ - 1 - pending() - cancelled_; }

 private:
  static constexpr std::size_t kInlineBytes = 48;
  static constexpr std::size_t kMaxSlots = EventQueue::kSlotMask + 1;
  static constexpr std::size_t kUsableStep = std::size_t{2}
                                             << 20;  // bytes of slots made usable at once
  static constexpr std::uint32_t kNoSlot = UINT32_MAX;
  static constexpr std::size_t kPrefetchFrom = 1024;  // pending events: see take_and_prefetch

  // What a slot does with the handler it holds: one function per handler type, kept in the
  // slot itself, so that running an event loads no table. `run` true invokes the handler,
  // then destroys it; false only destroys it.
  using Act = void (*)(void*, bool run);
  template <class F>
  struct Inline {  // F itself in the slot
    static void act(void* p, bool run) {
      F& handler = *static_cast<F*>(p);
      if (run) handler();
      handler.~F();
    }
  };
  template <class F>
  struct Boxed {  // a pointer to F in the slot
    static void act(void* p, bool run) {
      F* handler = *static_cast<F**>(p);
      if (run) (*handler)();
      delete handler;
    }
  };

  // One cache line. A free slot keeps the next free slot's index in its storage.
  struct alignas(64) Slot {
    alignas(std::max_align_t) unsigned char storage[kInlineBytes];
    Act act = nullptr;      // nullptr once cancelled; stale once run
    std::uint64_t seq = 0;  // seq of the pending event held, else 0
    std::uint32_t next_free() const {
      std::uint32_t n;
      std::memcpy(&n, storage, sizeof n);
      return n;
    }
    void set_next_free(std::uint32_t n) { std::memcpy(storage, &n, sizeof n); }
  };
  static_assert(sizeof(Slot) == 64);
  using Entry = EventQueue::Entry;

  template <class Fn>
  static void store(Slot& s, Fn&& f);
  Slot& slot(std::uint32_t i) { return slots_[i]; }
  const Slot& slot(std::uint32_t i) const { return slots_[i]; }
  std::uint32_t allocate_slot() {
    if (free_head_ != kNoSlot) {
      const std::uint32_t i = free_head_;
      free_head_ = slot(i).next_free();
      return i;
    }
    return new_slot();
  }
  std::uint32_t new_slot();
  // REQUIRES: s is slot(i), its seq already 0 and its handler destroyed.
  void release_slot(Slot& s, std::uint32_t i) {
    s.set_next_free(free_head_);
    free_head_ = i;
  }
  void run_entry(const Entry& e);
  Entry take_and_prefetch();
  // Marks a slot dead, then destroys its handler (which may cancel other events).
  void discard(Slot& s);
  [[noreturn]] static void fail(const char* what);

  Time now_;
  std::uint64_t next_seq_ = 1;
  std::uint64_t cancelled_ = 0;       // events cancelled, ever
  std::size_t cancelled_queued_ = 0;  // of those, the ones whose queue entries remain
  bool stopped_ = false;
  EventQueue queue_;
  // Room for every slot the queue can name (1 GiB of address space), reserved when the
  // simulator is made and made usable kUsableStep at a time as slots are first used; a
  // page takes memory only once a slot on it is written. So slots never move (a handler
  // runs in place while it schedules others) and finding one is an addition, with no
  // table to load.
  Slot* slots_;
  std::uint32_t free_head_ = kNoSlot;
  std::uint32_t slots_used_ = 0;
  std::size_t usable_bytes_ = 0;  // the start of slots_ made readable and writable
};

template <class Fn>
void Simulator::store(Slot& s, Fn&& f) {
  using F = std::decay_t<Fn>;
  if constexpr (sizeof(F) <= kInlineBytes && alignof(F) <= alignof(std::max_align_t)) {
    ::new (static_cast<void*>(s.storage)) F(std::forward<Fn>(f));
    s.act = &Inline<F>::act;
  } else {
    auto* boxed = new F(std::forward<Fn>(f));
    ::new (static_cast<void*>(s.storage)) F*(boxed);
    s.act = &Boxed<F>::act;
  }
}

template <class F>
EventId Simulator::schedule_at(Time t, F&& f) {
  assert(t >= now_ && "cannot schedule an event in the past");
  const std::uint32_t i = allocate_slot();
  Slot& s = slot(i);
  store(s, std::forward<F>(f));
  const std::uint64_t seq = next_seq_++;
  if ((seq >> (64 - EventQueue::kSlotBits)) != 0) [[unlikely]] {
    fail("more than 2^40 events scheduled in one run");
  }
  s.seq = seq;
  queue_.push(Entry{static_cast<std::uint64_t>(t.ns()), seq << EventQueue::kSlotBits | i});
  return EventId(i, seq);
}

}  // namespace mailsim
