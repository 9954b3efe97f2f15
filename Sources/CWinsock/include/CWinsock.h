// The C structs of winsock2.h that the Win32-shaped surface hands to C-convention callbacks, with
// winsock2.h's field names and order (the 64-bit layout), and the helpers that are simpler in C:
// per-thread state and atomic access to the WSAOVERLAPPED fields the engine writes.
#ifndef CWINSOCK_H
#define CWINSOCK_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include <sys/syscall.h>
#if !defined(__x86_64__) && !defined(__aarch64__)
#include <errno.h>
#include <unistd.h>
#endif

/// One buffer of a scatter/gather array: winsock2.h's `WSABUF`.
typedef struct _WSABUF {
    uint32_t len;
    char *buf;
} WSABUF;

/// winsock2.h's `WSAOVERLAPPED`. `Internal` holds the operation's WSA status and `InternalHigh` its
/// byte count; `Offset` and `OffsetHigh` are reserved for the service provider (this library).
typedef struct _WSAOVERLAPPED {
    uintptr_t Internal;
    uintptr_t InternalHigh;
    uint32_t Offset;
    uint32_t OffsetHigh;
    void *hEvent;
} WSAOVERLAPPED;

#define CWINSOCK_WSADESCRIPTION_LEN 256
#define CWINSOCK_WSASYS_STATUS_LEN 128

/// winsock2.h's `WSADATA`, in its _WIN64 field order.
typedef struct WSAData {
    uint16_t wVersion;
    uint16_t wHighVersion;
    unsigned short iMaxSockets;
    unsigned short iMaxUdpDg;
    char *lpVendorInfo;
    char szDescription[CWINSOCK_WSADESCRIPTION_LEN + 1];
    char szSystemStatus[CWINSOCK_WSASYS_STATUS_LEN + 1];
} WSADATA;

// Monotonic nanoseconds in one inlined call: per-call latencies read the clock twice per WSASend.
static inline uint64_t cwinsock_monotonic_nanoseconds(void) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (uint64_t)now.tv_sec * 1000000000u + (uint64_t)now.tv_nsec;
}

// The CPU's tick counter (x86-64 TSC, AArch64 virtual counter), or monotonic nanoseconds elsewhere.
// No fence: reordering moves a reading by nanoseconds, while the fenced reading of clock_gettime's vDSO
// costs a blocking 1x64 send loop about a tenth of its calls (bench/ notes).
static inline uint64_t cwinsock_ticks(void) {
#if defined(__x86_64__)
    return __builtin_ia32_rdtsc();
#elif defined(__aarch64__)
    uint64_t ticks;
    __asm__ volatile("mrs %0, cntvct_el0" : "=r"(ticks));
    return ticks;
#else
    return cwinsock_monotonic_nanoseconds();
#endif
}

// Per-thread last error and the library's per-thread context pointer (owned by Swift; see
// ThreadContext.swift). C thread-locals, initial-exec (the library is linked into the executable's
// startup set), read by inline functions: one %fs-relative load in the caller, where a pthread key is
// a call and a lookup. Every WSASend reads the context and writes the last error.
extern __thread int32_t cwinsock_last_error __attribute__((tls_model("initial-exec")));
extern __thread void *cwinsock_thread_context __attribute__((tls_model("initial-exec")));

static inline int32_t cwinsock_get_last_error(void) { return cwinsock_last_error; }
static inline void cwinsock_set_last_error(int32_t code) { cwinsock_last_error = code; }
static inline void *cwinsock_get_thread_context(void) { return cwinsock_thread_context; }
static inline void cwinsock_set_thread_context(void *context) { cwinsock_thread_context = context; }

// The engine completes an operation on its own thread while the issuing thread may read the same
// WSAOVERLAPPED: these give the fields release/acquire semantics, so the status is published last.
static inline uintptr_t cwinsock_overlapped_load_status(const WSAOVERLAPPED *o) {
    return __atomic_load_n(&o->Internal, __ATOMIC_ACQUIRE);
}
static inline uintptr_t cwinsock_overlapped_load_bytes(const WSAOVERLAPPED *o) {
    return __atomic_load_n(&o->InternalHigh, __ATOMIC_RELAXED);
}
static inline void cwinsock_overlapped_publish(WSAOVERLAPPED *o, uintptr_t status, uintptr_t bytes) {
    __atomic_store_n(&o->InternalHigh, bytes, __ATOMIC_RELAXED);
    __atomic_store_n(&o->Internal, status, __ATOMIC_RELEASE);
}
static inline uint32_t cwinsock_overlapped_load_mark(const WSAOVERLAPPED *o) {
    return __atomic_load_n(&o->Offset, __ATOMIC_ACQUIRE);
}
static inline void cwinsock_overlapped_store_mark(WSAOVERLAPPED *o, uint32_t mark) {
    __atomic_store_n(&o->Offset, mark, __ATOMIC_RELEASE);
}
static inline int cwinsock_overlapped_exchange_mark(WSAOVERLAPPED *o, uint32_t expected, uint32_t desired) {
    return __atomic_compare_exchange_n(&o->Offset, &expected, desired, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE);
}

// Pointer-sized slots that one thread publishes and others read without a lock (the handle tables'
// chunk pointers).
static inline void *cwinsock_load_pointer(void *const *slot) { return __atomic_load_n(slot, __ATOMIC_ACQUIRE); }
static inline void cwinsock_store_pointer(void **slot, void *value) { __atomic_store_n(slot, value, __ATOMIC_RELEASE); }

// Linux calls glibc declares only under _GNU_SOURCE, which Swift's Glibc module does not define.
struct sockaddr;
int cwinsock_accept4(int fd, struct sockaddr *address, unsigned int *length, int flags);
/// A non-blocking, close-on-exec eventfd.
/// Serialises the overlapped engine's start: a mutex in static storage, initialised at load (no lazy
/// Swift global, no zero-sized guarded value), which ThreadSanitizer sees as the one ordering it is.
void cwinsock_engine_start_lock(void);
void cwinsock_engine_start_unlock(void);
/// Names the calling thread (at most 15 bytes), as ps and /proc show it: pthread_setname_np needs
/// _GNU_SOURCE, which Swift's Glibc module is not built with.
void cwinsock_name_this_thread(const char *name);
int cwinsock_eventfd(void);
struct msghdr;
/// sendmsg as the bare system call, inline: glibc's wrapper is a thread-cancellation point, and its
/// cancellation bookkeeping, the call into libc's syscall() and the errno round trip are a measurable
/// part of a 64-byte send (bench/). Returns the bytes sent or -errno, as the kernel does.
static inline long cwinsock_sendmsg(int fd, const struct msghdr *message, int flags) {
#if defined(__x86_64__)
    long result;
    __asm__ volatile("syscall"
                     : "=a"(result)
                     : "0"((long)SYS_sendmsg), "D"((long)fd), "S"(message), "d"((long)flags)
                     : "rcx", "r11", "memory");
    return result;
#elif defined(__aarch64__)
    register long x8 __asm__("x8") = SYS_sendmsg;
    register long x0 __asm__("x0") = fd;
    register long x1 __asm__("x1") = (long)message;
    register long x2 __asm__("x2") = flags;
    __asm__ volatile("svc 0" : "+r"(x0) : "r"(x8), "r"(x1), "r"(x2) : "memory");
    return x0;
#else
    long result = syscall(SYS_sendmsg, fd, message, flags);
    return result < 0 ? -errno : result;
#endif
}

/// fcntl as the bare system call, inline: glibc's wrapper is variadic and sorts its commands before it
/// makes the call, about 70 instructions around a system call that ioctlsocket(FIONBIO) makes twice in
/// every connection's set-up. Returns the call's result or -errno, as the kernel does.
static inline long cwinsock_fcntl(int fd, int command, long argument) {
#if defined(__x86_64__)
    long result;
    __asm__ volatile("syscall"
                     : "=a"(result)
                     : "0"((long)SYS_fcntl), "D"((long)fd), "S"((long)command), "d"(argument)
                     : "rcx", "r11", "memory");
    return result;
#elif defined(__aarch64__)
    register long x8 __asm__("x8") = SYS_fcntl;
    register long x0 __asm__("x0") = fd;
    register long x1 __asm__("x1") = command;
    register long x2 __asm__("x2") = argument;
    __asm__ volatile("svc 0" : "+r"(x0) : "r"(x8), "r"(x1), "r"(x2) : "memory");
    return x0;
#else
    long result = syscall(SYS_fcntl, fd, command, argument);
    return result < 0 ? -errno : result;
#endif
}

/// sendto as the bare system call, inline, for the same reasons as `cwinsock_sendmsg`. A message of one
/// buffer goes out this way: the kernel then skips copying and checking a msghdr and an iovec array, which
/// on loopback made a 64-byte send about a sixth cheaper (bench/c, send against sendmsg). Returns the bytes
/// sent or -errno.
static inline long cwinsock_sendto(
    int fd, const void *buffer, size_t length, int flags, const void *address, unsigned int addressLength) {
#if defined(__x86_64__)
    long result;
    register long r10 __asm__("r10") = flags;
    register long r8 __asm__("r8") = (long)address;
    register long r9 __asm__("r9") = addressLength;
    __asm__ volatile("syscall"
                     : "=a"(result)
                     : "0"((long)SYS_sendto), "D"((long)fd), "S"(buffer), "d"(length), "r"(r10), "r"(r8), "r"(r9)
                     : "rcx", "r11", "memory");
    return result;
#elif defined(__aarch64__)
    register long x8 __asm__("x8") = SYS_sendto;
    register long x0 __asm__("x0") = fd;
    register long x1 __asm__("x1") = (long)buffer;
    register long x2 __asm__("x2") = (long)length;
    register long x3 __asm__("x3") = flags;
    register long x4 __asm__("x4") = (long)address;
    register long x5 __asm__("x5") = addressLength;
    __asm__ volatile("svc 0" : "+r"(x0) : "r"(x8), "r"(x1), "r"(x2), "r"(x3), "r"(x4), "r"(x5) : "memory");
    return x0;
#else
    long result = syscall(SYS_sendto, fd, buffer, length, flags, address, addressLength);
    return result < 0 ? -errno : result;
#endif
}


#endif
