// A legacy "maps" section (struct bpf_map_def), as pre-BTF programs declared maps.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct bpf_map_def {
	unsigned int type;
	unsigned int key_size;
	unsigned int value_size;
	unsigned int max_entries;
	unsigned int map_flags;
};

struct bpf_map_def SEC("maps") counters = {
	.type = BPF_MAP_TYPE_ARRAY,
	.key_size = sizeof(__u32),
	.value_size = sizeof(__u64),
	.max_entries = 4,
};

struct bpf_map_def SEC("maps") flows = {
	.type = BPF_MAP_TYPE_LRU_HASH,
	.key_size = 12,
	.value_size = 8,
	.max_entries = 1000,
	.map_flags = 0,
};

SEC("socket")
int legacy_socket(struct __sk_buff *skb)
{
	__u32 key = skb->protocol & 3;
	__u64 *count = bpf_map_lookup_elem(&counters, &key);
	if (count)
		__sync_fetch_and_add(count, 1);
	return 0;
}

SEC("kprobe/do_sys_open")
int legacy_kprobe(void *ctx)
{
	char key[12] = {};
	__u64 one = 1;
	bpf_map_update_elem(&flows, key, &one, BPF_ANY);
	return 0;
}

char _license[] SEC("license") = "GPL";
__u32 _version SEC("version") = 0x050a00;
