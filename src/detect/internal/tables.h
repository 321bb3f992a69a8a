// Compact data structures of the compiled matcher: a string arena, byte hashing with
// ASCII case folding, an open-addressing index and a register-blocked Bloom filter.
// Chosen for memory per key (8 bytes a slot, strings stored once) and for one cache line
// touched per probe, since scanning probes them for nearly every host in a log.
#pragma once

#include <sys/mman.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <new>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace fincyber::detect::internal {

inline constexpr std::size_t kHugePageBytes = std::size_t{2} << 20;

// Asks for transparent huge pages (where the kernel offers them in madvise mode) under
// the whole 2 MiB pages of a buffer not yet written: a table of a million entries filled
// once otherwise costs a page fault every 4 KiB.
inline void AdviseHugePages(const void* data, std::size_t bytes) {
  const auto begin = reinterpret_cast<std::uintptr_t>(data);
  const std::uintptr_t first = (begin + kHugePageBytes - 1) & ~(kHugePageBytes - 1);
  const std::uintptr_t last = (begin + bytes) & ~(kHugePageBytes - 1);
  if (last > first) ::madvise(reinterpret_cast<void*>(first), last - first, MADV_HUGEPAGE);
}

// A vector's reserved capacity, advised as AdviseHugePages.
template <typename T>
void ReserveOnHugePages(std::vector<T>& vector, std::size_t count) {
  vector.reserve(count);
  AdviseHugePages(vector.data(), vector.capacity() * sizeof(T));
}

// Append-only storage of strings in 4 MiB blocks, referenced by a 32-bit handle. Blocks
// never move, so growing the arena never copies what is stored (no doubling peak).
class Arena {
 public:
  static constexpr std::size_t kBlockBits = 22;
  static constexpr std::size_t kBlockBytes = std::size_t{1} << kBlockBits;

  // Precondition: text.size() <= kBlockBytes.
  std::uint32_t Add(std::string_view text) {
    if (blocks_.empty() || used_ + text.size() > kBlockBytes) {
      void* block = std::aligned_alloc(kHugePageBytes, kBlockBytes);
      if (block == nullptr) throw std::bad_alloc();
      AdviseHugePages(block, kBlockBytes);
      blocks_.emplace_back(static_cast<char*>(block));
      used_ = 0;
    }
    const auto handle =
        static_cast<std::uint32_t>(((blocks_.size() - 1) << kBlockBits) | used_);
    if (!text.empty()) std::memcpy(blocks_.back().get() + used_, text.data(), text.size());
    used_ += text.size();
    return handle;
  }
  std::string_view Get(std::uint32_t handle, std::uint32_t length) const {
    return {blocks_[handle >> kBlockBits].get() + (handle & (kBlockBytes - 1)), length};
  }
  std::size_t MemoryBytes() const { return blocks_.size() * kBlockBytes; }

 private:
  struct Free {
    void operator()(char* p) const { std::free(p); }
  };
  std::vector<std::unique_ptr<char, Free>> blocks_;
  std::size_t used_ = 0;
};

// A zero-filled array of trivially copyable values that never grows. From 2 MiB up it is
// backed by transparent huge pages where the kernel offers them (madvise mode): the
// tables below are probed at random, and with 4 KiB pages nearly every probe of a table
// of a million entries also misses the TLB.
template <typename T>
class LargeArray {
  static_assert(std::is_trivially_copyable_v<T>);

 public:
  LargeArray() = default;
  explicit LargeArray(std::size_t count) : size_(count) {
    if (count == 0) return;
    const std::size_t bytes = count * sizeof(T);
    if (bytes >= kHugePageBytes) {
      const std::size_t rounded = (bytes + kHugePageBytes - 1) & ~(kHugePageBytes - 1);
      void* memory = std::aligned_alloc(kHugePageBytes, rounded);
      if (memory != nullptr) {
        AdviseHugePages(memory, rounded);
        bytes_ = rounded;
        data_.reset(static_cast<T*>(memory));
      }
    }
    if (!data_) {
      data_.reset(static_cast<T*>(std::malloc(bytes)));
      bytes_ = bytes;
      if (!data_) throw std::bad_alloc();
    }
    std::memset(static_cast<void*>(data_.get()), 0, bytes);
  }

  bool empty() const { return size_ == 0; }
  std::size_t size() const { return size_; }
  T& operator[](std::size_t i) { return data_.get()[i]; }
  const T& operator[](std::size_t i) const { return data_.get()[i]; }
  T* begin() { return data_.get(); }
  T* end() { return data_.get() + size_; }
  const T* begin() const { return data_.get(); }
  const T* end() const { return data_.get() + size_; }
  std::size_t MemoryBytes() const { return bytes_; }

 private:
  struct Free {
    void operator()(T* p) const { std::free(p); }
  };
  std::unique_ptr<T, Free> data_;
  std::size_t size_ = 0;
  std::size_t bytes_ = 0;
};

// Upper-case ASCII letters of eight bytes to lower case at once; other bytes unchanged.
inline std::uint64_t LowerAscii8(std::uint64_t x) {
  constexpr std::uint64_t k01 = 0x0101010101010101ULL;
  constexpr std::uint64_t k80 = 0x8080808080808080ULL;
  const std::uint64_t heptets = x & ~k80;
  const std::uint64_t at_least_a = heptets + k01 * (0x80 - 'A');
  const std::uint64_t beyond_z = heptets + k01 * (0x80 - 'Z' - 1);
  const std::uint64_t upper = at_least_a & ~beyond_z & ~x & k80;
  return x | (upper >> 2);
}

inline std::uint64_t MixWord(std::uint64_t h, std::uint64_t word) {
  h = (h ^ word) * 0xFF51AFD7ED558CCDULL;
  return h ^ (h >> 32);
}

inline constexpr std::uint64_t kHashSeed = 0x9E3779B97F4A7C15ULL;

inline std::uint64_t FinishHash(std::uint64_t h) {
  h ^= h >> 29;
  h *= 0xBF58476D1CE4E5B9ULL;
  return h ^ (h >> 32);
}

// `count` (1..8) bytes at p as a little-endian word, zero above; 8 bytes from p readable.
inline std::uint64_t LoadFirstBytes(const char* p, std::size_t count) {
  std::uint64_t word;
  std::memcpy(&word, p, 8);
  return word & (~0ULL >> (8 * (8 - count)));
}

// A 64-bit hash of `n` bytes; with `kFoldCase` ASCII letters hash as lower case, so
// HashBytes<true>("Evil.Example") == HashBytes<false>("evil.example").
// `readable` (>= n) bytes from p may be read: when the last partial word lies within
// them it is loaded whole and masked, which is faster than copying it byte by byte.
template <bool kFoldCase>
std::uint64_t HashBytes(const char* p, std::size_t n, std::size_t readable = 0) {
  std::uint64_t h = kHashSeed ^ n;
  std::size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    std::uint64_t word;
    std::memcpy(&word, p + i, 8);
    h = MixWord(h, kFoldCase ? LowerAscii8(word) : word);
  }
  if (i < n) {
    std::uint64_t word = 0;
    if (i + 8 <= readable) {
      word = LoadFirstBytes(p + i, n - i);
    } else {
      std::memcpy(&word, p + i, n - i);
    }
    h = MixWord(h, kFoldCase ? LowerAscii8(word) : word);
  }
  return FinishHash(h);
}
// HashBytes inlined for 1 to 8 bytes with 8 readable (most labels of a host name in a log).
template <bool kFoldCase>
[[gnu::always_inline]] inline std::uint64_t HashShortBytes(const char* p, std::size_t n,
                                                           std::size_t readable) {
  if (n - 1 >= 8 || readable < 8) return HashBytes<kFoldCase>(p, n, readable);
  const std::uint64_t word = LoadFirstBytes(p, n);
  return FinishHash(MixWord(kHashSeed ^ n, kFoldCase ? LowerAscii8(word) : word));
}
inline std::uint64_t Hash(std::string_view s) { return HashBytes<false>(s.data(), s.size()); }
inline std::uint64_t HashFolded(std::string_view s) { return HashBytes<true>(s.data(), s.size()); }

// Open addressing with linear probing: 8 bytes a slot (32-bit tag from the hash, 32-bit
// value), kept at most half full. Values with equal hashes may repeat; Find returns the
// first value whose tag matches and that `equal(value)` accepts. Not thread-safe for
// writes; concurrent Find calls are safe.
class HashIndex {
 public:
  static constexpr std::uint32_t kNone = 0xFFFFFFFFu;

  // Sizes an empty table for `count` values without growing.
  void Reserve(std::size_t count) {
    if (size_ != 0) return;
    std::size_t capacity = 16;
    while (capacity < count * 2) capacity *= 2;
    if (capacity > slots_.size()) Resize(capacity, nullptr);
  }

  // `hash_of(value)` recomputes a stored value's hash when the table grows.
  template <typename HashOf>
  void Insert(std::uint64_t hash, std::uint32_t value, const HashOf& hash_of) {
    if ((size_ + 1) * 2 > slots_.size()) {
      Resize(slots_.empty() ? 16 : slots_.size() * 2, [&](std::uint32_t v) { return hash_of(v); });
    }
    Place(hash, value);
    ++size_;
  }

  template <typename Equal>
  std::uint32_t Find(std::uint64_t hash, const Equal& equal) const {
    if (slots_.empty()) return kNone;
    const std::uint32_t tag = TagOf(hash);
    for (std::size_t i = hash & mask_;; i = (i + 1) & mask_) {
      const Slot& slot = slots_[i];
      if (slot.tag == 0) return kNone;
      if (slot.tag == tag && equal(slot.value)) return slot.value;
    }
  }

  // Starts loading the slot where `hash` is looked up, for a lookup a little later.
  void Prefetch(std::uint64_t hash) const {
    if (!slots_.empty()) __builtin_prefetch(&slots_[hash & mask_]);
  }

  std::size_t size() const { return size_; }
  std::size_t MemoryBytes() const { return slots_.MemoryBytes(); }

 private:
  struct Slot {
    std::uint32_t tag = 0;  // 0: empty
    std::uint32_t value = 0;
  };
  static std::uint32_t TagOf(std::uint64_t hash) {
    return static_cast<std::uint32_t>(hash >> 32) | 1u;
  }
  void Place(std::uint64_t hash, std::uint32_t value) {
    std::size_t i = hash & mask_;
    while (slots_[i].tag != 0) i = (i + 1) & mask_;
    slots_[i] = Slot{TagOf(hash), value};
  }
  template <typename HashOf>
  void Resize(std::size_t capacity, const HashOf& hash_of) {
    LargeArray<Slot> old = std::exchange(slots_, LargeArray<Slot>(capacity));
    mask_ = capacity - 1;
    if constexpr (!std::is_same_v<HashOf, std::nullptr_t>) {
      for (const Slot& slot : old) {
        if (slot.tag != 0) Place(hash_of(slot.value), slot.value);
      }
    }
  }

  LargeArray<Slot> slots_;
  std::size_t mask_ = 0;
  std::size_t size_ = 0;
};

// A filter of one bit per key, for small sets checked often: 2^16 bits, so it stays in
// the first-level cache; a few thousand keys give under 5% false positives.
class BitFilter {
 public:
  void Add(std::uint64_t hash) { words_[Slot(hash) / 64] |= 1ULL << (Slot(hash) % 64); }
  bool MayContain(std::uint64_t hash) const {
    return (words_[Slot(hash) / 64] >> (Slot(hash) % 64)) & 1;
  }
  std::size_t MemoryBytes() const { return sizeof(words_); }

 private:
  static std::size_t Slot(std::uint64_t hash) { return hash >> 48; }
  std::uint64_t words_[1024] = {};
};

// A Bloom filter whose k = 4 bits for a key all sit in one 64-bit word, so a probe is one
// memory access. About 14-28 bits per key: roughly 1% false positives.
class BlockedBloom {
 public:
  void Init(std::size_t keys) {
    std::size_t words = 1024;
    while (words * 64 < keys * 14) words *= 2;
    words_ = LargeArray<std::uint64_t>(words);
    shift_ = 64;
    for (std::size_t w = words; w > 1; w /= 2) --shift_;
  }
  void Add(std::uint64_t hash) { words_[hash >> shift_] |= MaskOf(hash); }
  void Prefetch(std::uint64_t hash) const { __builtin_prefetch(&words_[hash >> shift_]); }
  bool MayContain(std::uint64_t hash) const {
    const std::uint64_t mask = MaskOf(hash);
    return (words_[hash >> shift_] & mask) == mask;
  }
  std::size_t MemoryBytes() const { return words_.MemoryBytes(); }

 private:
  static std::uint64_t MaskOf(std::uint64_t hash) {
    return (1ULL << (hash & 63)) | (1ULL << ((hash >> 6) & 63)) | (1ULL << ((hash >> 12) & 63)) |
           (1ULL << ((hash >> 18) & 63));
  }
  LargeArray<std::uint64_t> words_;
  int shift_ = 64;
};

}  // namespace fincyber::detect::internal
