// One map of each type the runtime supports, each used by the program.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct lpm_key {
	__u32 prefixlen;
	__u32 addr;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 16);
} array_map SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(key_size, 4);
	__uint(value_size, 24);
	__uint(max_entries, 8);
} percpu_array_map SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, __u64);
	__type(value, __u32);
	__uint(max_entries, 1024);
	__uint(map_flags, BPF_F_NO_PREALLOC);
} hash_map SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 512);
} percpu_hash_map SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 4096);
} lru_hash_map SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_PERCPU_HASH);
	__type(key, __u32);
	__type(value, __u32);
	__uint(max_entries, 2048);
} lru_percpu_hash_map SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__type(key, struct lpm_key);
	__type(value, __u32);
	__uint(max_entries, 100);
	__uint(map_flags, BPF_F_NO_PREALLOC);
} lpm_map SEC(".maps");

struct inner_array {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u32);
	__uint(max_entries, 4);
} inner_a SEC(".maps"), inner_b SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, 3);
	__type(key, __u32);
	__array(values, struct inner_array);
} array_of_maps SEC(".maps") = {
	.values = { [0] = &inner_a, [2] = &inner_b },
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH_OF_MAPS);
	__uint(max_entries, 8);
	__type(key, __u32);
	__array(values, struct {
		__uint(type, BPF_MAP_TYPE_HASH);
		__type(key, __u16);
		__type(value, __u8);
		__uint(max_entries, 32);
	});
} hash_of_maps SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u32);
} prog_array SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);
} ringbuf SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u32));
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} perf_map SEC(".maps");

SEC("xdp")
int use_all_maps(struct xdp_md *ctx)
{
	__u32 k32 = 1;
	__u64 k64 = 2;
	__u64 *v64;
	__u32 *v32;
	struct lpm_key lk = { 32, 0x0100007f };

	v64 = bpf_map_lookup_elem(&array_map, &k32);
	if (v64)
		*v64 += 1;
	if (bpf_map_lookup_elem(&percpu_array_map, &k32))
		k32++;
	v32 = bpf_map_lookup_elem(&hash_map, &k64);
	if (v32)
		k32 += *v32;
	if (bpf_map_lookup_elem(&percpu_hash_map, &k32))
		k32++;
	if (bpf_map_lookup_elem(&lru_hash_map, &k32))
		k32++;
	if (bpf_map_lookup_elem(&lru_percpu_hash_map, &k32))
		k32++;
	if (bpf_map_lookup_elem(&lpm_map, &lk))
		k32++;
	void *inner = bpf_map_lookup_elem(&array_of_maps, &k32);
	if (inner && bpf_map_lookup_elem(inner, &k32))
		k32++;
	inner = bpf_map_lookup_elem(&hash_of_maps, &k32);
	if (inner) {
		__u16 port = 80;
		if (bpf_map_lookup_elem(inner, &port))
			k32++;
	}
	bpf_ringbuf_output(&ringbuf, &k32, sizeof(k32), 0);
	bpf_perf_event_output(ctx, &perf_map, BPF_F_CURRENT_CPU, &k64, sizeof(k64));
	bpf_tail_call(ctx, &prog_array, 0);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
