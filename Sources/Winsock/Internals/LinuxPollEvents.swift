/// Linux's poll(2) event bits. Winsock's POLL* constants, which WSAPoll callers pass, have other
/// numbers (POLLOUT is 0x0010 there, 0x004 here); these are what the library itself gives the kernel.
let POLLIN_LINUX: Int32 = 0x001
let POLLPRI_LINUX: Int32 = 0x002
let POLLOUT_LINUX: Int32 = 0x004
let POLLERR_LINUX: Int32 = 0x008
let POLLHUP_LINUX: Int32 = 0x010
let POLLNVAL_LINUX: Int32 = 0x020
