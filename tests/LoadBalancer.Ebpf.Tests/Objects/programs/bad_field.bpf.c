// Invalid on purpose: a BTF map definition with a field libbpf does not know.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u32);
	__uint(max_entries, 4);
	__uint(max_entires_typo, 8);
} typo_map SEC(".maps");

SEC("xdp")
int xdp_uses_typo(struct xdp_md *ctx)
{
	__u32 key = 0;
	return bpf_map_lookup_elem(&typo_map, &key) ? XDP_DROP : XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
