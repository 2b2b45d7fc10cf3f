/* Native stand-in for libbpf's bpf_helpers.h: lets src/bpf/balancer.bpf.c compile for x86-64 as
 * plain C (clang -O2) for the benchmark's "native" baseline. Map definitions become ordinary
 * structs (their first pointer slot is reused for the native map), helpers real functions in
 * balancer_native.c. */
#ifndef LB_NATIVE_BPF_HELPERS_H
#define LB_NATIVE_BPF_HELPERS_H

#include <linux/bpf.h>

#define SEC(name)
#define __uint(name, val) int (*name)[val]
#define __type(name, val) __typeof__(val) *name
#ifndef __always_inline
#define __always_inline inline __attribute__((always_inline))
#endif

void *bpf_map_lookup_elem(void *map, const void *key);
long bpf_map_update_elem(void *map, const void *key, const void *value, __u64 flags);
__u64 bpf_ktime_get_ns(void);
long bpf_xdp_adjust_head(struct xdp_md *ctx, int delta);

#endif
