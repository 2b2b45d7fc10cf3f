// an 8-byte key starting 4 bytes below r10
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
		"r1 = 0; *(u32 *)(r10 - 4) = r1;"
		"r2 = r10; r2 += -4;"
		"r1 = %[flows] ll;"
		"call 1;"
		:: [flows] "i"(&flows) : "r0", "r1", "r2", "r3", "r4", "r5");
	return XDP_PASS;
}
