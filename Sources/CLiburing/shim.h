// liburing.h defines _XOPEN_SOURCE/_GNU_SOURCE before it includes glibc headers; inside a Clang module
// that changes fd_set's member names and breaks SwiftGlibc. Including glibc's headers first keeps the
// module's view of them identical to Glibc's. (Seen on Debian 12, liburing 2.3: without it a later build
// failed with "'fds_bits' ... is not present in definition of 'fd_set' in module 'SwiftGlibc'".)
#include <features.h>
#include <sys/types.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <inttypes.h>
#include <time.h>
#include <fcntl.h>
#include <sched.h>
#include <liburing.h>
