// GNU readline for the REPL (Debian's libreadline-dev; `make deps` installs it).
//
// <stdio.h> first: readline.h uses FILE without including it. readline's state lives in C globals,
// which Swift 6's strict concurrency refuses to touch directly; the few the REPL needs are read and
// written through these accessors instead (the REPL uses readline from the main thread only).
#include <stdio.h>
#include <readline/readline.h>
#include <readline/history.h>

static inline void wsasend_rl_set_name(const char *name) { rl_readline_name = name; }
static inline void wsasend_rl_set_completion(rl_completion_func_t *function) {
    rl_attempted_completion_function = function;
}
static inline void wsasend_rl_set_completion_over(int over) { rl_attempted_completion_over = over; }
static inline void wsasend_rl_set_catch_signals(int catch_them) {
    rl_catch_signals = catch_them;
    rl_catch_sigwinch = catch_them;
}
static inline const char *wsasend_rl_line_buffer(void) { return rl_line_buffer; }
static inline int wsasend_rl_point(void) { return rl_point; }
static inline int wsasend_history_length(void) { return history_length; }
static inline int wsasend_history_base(void) { return history_base; }
