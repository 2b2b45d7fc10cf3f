// an 8-byte value starting 4 bytes below r10
// EXPECT: invalid indirect access to stack
#include "common.h"

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, __u64);
	__type(value, __u64);
	__uint(max_entries, 64);
} flows SEC(".maps");

SEC("xdp")
int prog(struct xdp_md *ctx)
{
	asm volatile(
		"r1 = 0; *(u64 *)(r10 - 8) = r1;"
		"r2 = r10; r2 += -8;"
		"r3 = r10; r3 += -4;"
		"r1 = %[flows] ll;"
		"r4 = 0;"
		"call 2;"
		:: [flows] "i"(&flows) : "r0", "r1", "r2", "r3", "r4", "r5");
	return XDP_PASS;
}
