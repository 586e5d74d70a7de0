#ifndef MALLOC_TUNING_H
#define MALLOC_TUNING_H

/// glibc's malloc, set for a command that frees large buffers as it goes (the engine's answers, decoded once): freed
/// memory above 128 KiB goes back to the system instead of staying under glibc's adaptive threshold, and two arenas
/// serve every thread rather than eight per core. Does nothing where the C library is not glibc.
void docker_baseline_tune_malloc(void);

#endif
