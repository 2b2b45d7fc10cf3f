using System.Buffers.Binary;
using LoadBalancer.Ebpf.Isa;
using LoadBalancer.Ebpf.Kernel;
using LoadBalancer.Ebpf.Maps;
using static LoadBalancer.Ebpf.Tests.Kernel.Asm;

namespace LoadBalancer.Ebpf.Tests.Kernel;

public sealed class KernelMapTests
{
    [Fact]
    public void Hash_update_with_noexist_on_an_existing_key_fails_with_EEXIST()
    {
        RequireKernel();
        using var map = KernelMap.Create(MapType.Hash, 4, 8, 4, name: "noexist");
        map.Update(Key(1), Value(10), KernelMap.UpdateNoExist);

        var errno = map.TryUpdate(Key(1), Value(11), KernelMap.UpdateNoExist);
        var error = Assert.Throws<KernelBpfException>(() => map.Update(Key(1), Value(12), KernelMap.UpdateNoExist));

        Assert.Equal(LinuxErrno.EEXIST, errno);
        Assert.Equal(LinuxErrno.EEXIST, error.Errno);
        Assert.Equal("EEXIST", error.ErrnoName);
        Assert.Equal(10UL, ReadValue(map, 1));
    }

    [Fact]
    public void Hash_update_with_exist_on_a_missing_key_fails_with_ENOENT_and_replaces_a_present_one()
    {
        RequireKernel();
        using var map = KernelMap.Create(MapType.Hash, 4, 8, 4);

        var missing = map.TryUpdate(Key(1), Value(10), KernelMap.UpdateExist);
        map.Update(Key(1), Value(10));
        var present = map.TryUpdate(Key(1), Value(20), KernelMap.UpdateExist);

        Assert.Equal(LinuxErrno.ENOENT, missing);
        Assert.Equal(0, present);
        Assert.Equal(20UL, ReadValue(map, 1));
    }

    [Fact]
    public void Missing_keys_read_and_delete_as_ENOENT()
    {
        RequireKernel();
        using var map = KernelMap.Create(MapType.Hash, 4, 8, 4);
        var value = new byte[8];

        Assert.False(map.Lookup(Key(3), value));
        Assert.Equal(LinuxErrno.ENOENT, map.TryLookup(Key(3), value));
        Assert.False(map.Delete(Key(3)));
        map.Update(Key(3), Value(1));
        Assert.True(map.Delete(Key(3)));
        Assert.Equal(LinuxErrno.ENOENT, map.TryDelete(Key(3)));
    }

    [Fact]
    public void Full_hash_refuses_a_new_key_with_E2BIG_but_still_replaces_existing_ones()
    {
        RequireKernel();
        using var map = KernelMap.Create(MapType.Hash, 4, 8, 2);
        map.Update(Key(1), Value(1));
        map.Update(Key(2), Value(2));

        Assert.Equal(LinuxErrno.E2BIG, map.TryUpdate(Key(3), Value(3)));
        Assert.Equal(0, map.TryUpdate(Key(2), Value(22)));
    }

    [Fact]
    public void Array_elements_always_exist_cannot_be_deleted_and_stop_at_max_entries()
    {
        RequireKernel();
        using var map = KernelMap.Create(MapType.Array, 4, 8, 4);
        var value = new byte[8];

        Assert.True(map.Lookup(Key(3), value));
        Assert.Equal(0UL, BinaryPrimitives.ReadUInt64LittleEndian(value));
        Assert.Equal(LinuxErrno.EEXIST, map.TryUpdate(Key(0), Value(1), KernelMap.UpdateNoExist));
        Assert.Equal(LinuxErrno.EINVAL, map.TryDelete(Key(0)));
        Assert.Equal(LinuxErrno.ENOENT, map.TryLookup(Key(4), value));
        Assert.Equal(LinuxErrno.E2BIG, map.TryUpdate(Key(4), Value(1)));
        Assert.Equal(LinuxErrno.EINVAL, Assert.Throws<KernelBpfException>(() => map.Delete(Key(1))).Errno);
    }

    [Fact]
    public void Get_next_key_visits_every_hash_key_once_and_restarts_from_a_missing_key()
    {
        RequireKernel();
        using var map = KernelMap.Create(MapType.Hash, 4, 8, 16);
        uint[] keys = [5, 9, 100, 7, 0xdead];
        foreach (var key in keys)
        {
            map.Update(Key(key), Value(key));
        }

        var seen = new List<uint>();
        var current = Array.Empty<byte>();
        var next = new byte[4];
        while (map.GetNextKey(current, next))
        {
            seen.Add(BinaryPrimitives.ReadUInt32LittleEndian(next));
            current = next.ToArray();
        }

        var first = new byte[4];
        Assert.True(map.GetNextKey([], first));
        var afterMissing = new byte[4];
        Assert.Equal(0, map.TryGetNextKey(Key(12345), afterMissing));
        Assert.Equal(keys.Order(), seen.Order());
        Assert.Equal(first, afterMissing);
        Assert.Equal(LinuxErrno.ENOENT, map.TryGetNextKey(current, next));
    }

    [Fact]
    public void Get_next_key_walks_array_indices_in_order_and_restarts_past_the_end()
    {
        RequireKernel();
        using var map = KernelMap.Create(MapType.Array, 4, 4, 3);
        var next = new byte[4];

        Assert.True(map.GetNextKey(Key(1), next));
        Assert.Equal(2u, BinaryPrimitives.ReadUInt32LittleEndian(next));
        Assert.False(map.GetNextKey(Key(2), next));
        Assert.True(map.GetNextKey(Key(77), next));
        Assert.Equal(0u, BinaryPrimitives.ReadUInt32LittleEndian(next));
    }

    [Fact]
    public void Per_cpu_array_values_hold_one_8_byte_slot_per_possible_cpu_and_programs_write_their_cpus_slot()
    {
        RequireKernel();
        using var map = KernelMap.Create(MapType.PercpuArray, 4, 4, 1, name: "percpu");
        var cpus = KernelBpf.PossibleCpuCount;
        Assert.True(map.IsPerCpu);
        Assert.Equal(8 * cpus, map.UserValueSize);
        // r6 = ctx... not needed: key 0 on the stack, lookup, *(u32 *)value += 1.
        var slots = Program(
            St(Opcode.SizeW, R10, -4, 0),
            MovReg(R2, R10),
            AddImm(R2, -4),
            LddwMap(R1, 0),
            Call(1),                                 // bpf_map_lookup_elem
            JmpImm(Opcode.Jeq, R0, 0, 3),
            Ldx(Opcode.SizeW, R1, R0, 0),
            AddImm(R1, 1),
            Stx(Opcode.SizeW, R0, R1, 0),
            MovImm(R0, 2),
            Exit());
        using var program = KernelProgram.Load(KernelProgram.XdpProgramType, slots, "GPL", [map]);

        program.TestRun(new byte[14], new byte[14], 5, out _, out _, out _);

        var values = new byte[map.UserValueSize];
        Assert.True(map.Lookup(Key(0), values));
        ulong sum = 0;
        for (var cpu = 0; cpu < cpus; cpu++)
        {
            sum += BinaryPrimitives.ReadUInt32LittleEndian(values.AsSpan(cpu * 8));
        }

        Assert.Equal(5UL, sum);
        for (var cpu = 0; cpu < cpus; cpu++)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(values.AsSpan(cpu * 8), (uint)(100 + cpu));
        }

        map.Update(Key(0), values);
        var readBack = new byte[map.UserValueSize];
        Assert.True(map.Lookup(Key(0), readBack));
        Assert.Equal(values, readBack);
    }

    [Fact]
    public void Spans_of_the_wrong_size_are_argument_errors_before_the_kernel_sees_them()
    {
        RequireKernel();
        using var map = KernelMap.Create(MapType.PercpuHash, 4, 12, 4, name: "sizes");

        var keyError = Assert.Throws<ArgumentException>(() => map.TryLookup(new byte[8], new byte[map.UserValueSize]));
        var valueError = Assert.Throws<ArgumentException>(() => map.TryUpdate(Key(0), new byte[12]));

        Assert.Contains("4-byte keys", keyError.Message, StringComparison.Ordinal);
        Assert.Contains($"16 B x {KernelBpf.PossibleCpuCount} possible CPUs", valueError.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Map_in_map_from_a_definition_accepts_an_inner_map_of_the_template_shape()
    {
        RequireKernel();
        var inner = new MapDefinition("inner", MapType.Array, 4, 8, 2);
        using var outer = KernelMap.Create(new MapDefinition("outer", MapType.ArrayOfMaps, 4, 4, 2) { InnerMap = inner });
        using var good = KernelMap.Create(inner);
        using var wrongShape = KernelMap.Create(MapType.Hash, 4, 8, 2);

        outer.SetInnerMap(Key(1), good);
        var id = new byte[4];
        Assert.True(outer.Lookup(Key(1), id));
        var error = Assert.Throws<KernelBpfException>(() => outer.SetInnerMap(Key(0), wrongShape));

        Assert.NotEqual(0u, BinaryPrimitives.ReadUInt32LittleEndian(id));
        Assert.Equal(LinuxErrno.EINVAL, error.Errno);
    }

    [Fact]
    public void Names_the_kernel_would_refuse_are_sanitised_and_cut_to_15_characters()
    {
        RequireKernel();
        using var dotted = KernelMap.Create(MapType.Array, 4, 4, 1, name: "balancer.bss");
        using var odd = KernelMap.Create(MapType.Array, 4, 4, 1, name: "vip-map/ipv4 x");
        using var longName = KernelMap.Create(MapType.Array, 4, 4, 1, name: "a_very_long_map_name_indeed");

        Assert.Equal("balancer.bss", dotted.Name);
        Assert.Equal("vip_map_ipv4_x", odd.Name);
        Assert.Equal("a_very_long_map", longName.Name);
    }

    [Fact]
    public void Impossible_map_is_refused_with_an_errno_and_the_maps_shape_in_the_message()
    {
        RequireKernel();

        var error = Assert.Throws<KernelBpfException>(() => KernelMap.Create(MapType.Array, 8, 4, 1, name: "badkey"));

        Assert.Equal(LinuxErrno.EINVAL, error.Errno);
        Assert.Contains("'badkey' (Array, key 8 B", error.Message, StringComparison.Ordinal);
    }

    private static void RequireKernel()
    {
        if (!KernelBpf.IsAvailable)
        {
            Assert.Skip(KernelBpf.UnavailableReason);
        }
    }

    private static ulong ReadValue(KernelMap map, uint key)
    {
        var value = new byte[8];
        Assert.True(map.Lookup(Key(key), value));
        return BinaryPrimitives.ReadUInt64LittleEndian(value);
    }

    private static byte[] Key(uint value)
    {
        var key = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(key, value);
        return key;
    }

    private static byte[] Value(ulong value)
    {
        var bytes = new byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, value);
        return bytes;
    }
}
