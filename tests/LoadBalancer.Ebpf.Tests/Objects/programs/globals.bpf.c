// Globals in .rodata (const volatile), .data, .bss and a custom .data.counters section.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

const volatile __u32 drop_port = 53;
const volatile __u64 magic = 0x1122334455667788ULL;
__u32 seen_packets = 7;
__u16 last_len = 3;
__u64 bss_total;
__u32 bss_max;
__u64 drops SEC(".data.counters") = 0;
__u64 passes SEC(".data.counters") = 0;

SEC("xdp")
int xdp_globals(struct xdp_md *ctx)
{
	__u32 len = ctx->data_end - ctx->data;
	seen_packets++;
	last_len = (__u16)len;
	bss_total += len;
	if (len > bss_max)
		bss_max = len;
	if (len == drop_port || magic == 0) {
		drops++;
		return XDP_DROP;
	}
	passes++;
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
