// Invalid on purpose: a hash map with max_entries 0, which the kernel refuses to create.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 0);
} empty_hash SEC(".maps");

SEC("xdp")
int xdp_uses_empty(struct xdp_md *ctx)
{
	__u32 key = 0;
	return bpf_map_lookup_elem(&empty_hash, &key) ? XDP_DROP : XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
