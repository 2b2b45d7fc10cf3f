using LoadBalancer.Ebpf.Objects;

namespace LoadBalancer.Ebpf.Tests.Objects;

public sealed class ObjectLoaderFuzzTests
{
    private const int Iterations = 4000;
    private static readonly TimeSpan Budget = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task Mutated_objects_only_ever_raise_object_load_exception()
    {
        var originals = TestObjects.Names.Select(TestObjects.Bytes).ToArray();
        var ranges = originals.Select(TestObjects.InterestingRanges).ToArray();
        var failures = new List<string>();
        var accepted = 0;
        var run = Task.Run(() =>
        {
            var random = new Random(20261125);
            for (var i = 0; i < Iterations; i++)
            {
                var which = random.Next(originals.Length);
                var mutant = Mutate(random, originals[which], ranges[which], originals[random.Next(originals.Length)]);
                try
                {
                    ObjectLoader.Load(mutant, "fuzz");
                    accepted++;
                }
                catch (ObjectLoadException)
                {
                }
                catch (Exception e)
                {
                    failures.Add($"iteration {i} ({TestObjects.Names[which]}): {e.GetType().Name}: {e.Message}\n{e.StackTrace}");
                }
            }
        }, TestContext.Current.CancellationToken);

        var finished = await Task.WhenAny(run, Task.Delay(Budget, TestContext.Current.CancellationToken));
        Assert.True(finished == run, $"fuzzing did not finish within {Budget} (a hang?)");
        await run;
        Assert.True(failures.Count == 0, $"{failures.Count} mutants raised other exceptions:\n{string.Join("\n", failures.Take(5))}");
        // Some mutants must still load (flips in ignored bytes), or the mutator is too coarse to test anything.
        Assert.InRange(accepted, 1, Iterations - 1);
    }

    private static byte[] Mutate(Random random, byte[] original, List<(int Offset, int Size)> ranges, byte[] donor)
    {
        var bytes = (byte[])original.Clone();
        switch (random.Next(5))
        {
            case 0: // flip bits in an interesting section
            case 1:
                var (offset, size) = ranges[random.Next(ranges.Count)];
                for (var n = random.Next(1, 4); n > 0; n--)
                {
                    bytes[offset + random.Next(size)] ^= (byte)(1 << random.Next(8));
                }

                return bytes;
            case 2: // overwrite a word with an extreme value
                var (o, s) = ranges[random.Next(ranges.Count)];
                var at = o + (random.Next(Math.Max(1, s - 4)) & ~3);
                var value = random.Next(4) switch { 0 => 0u, 1 => 0xffffffffu, 2 => 0x7fffffffu, _ => (uint)random.Next() };
                BitConverter.TryWriteBytes(bytes.AsSpan(Math.Min(at, bytes.Length - 4)), value);
                return bytes;
            case 3: // truncate
                return bytes[..random.Next(bytes.Length)];
            default: // splice a chunk of another object over this one
                var length = random.Next(1, 256);
                var from = random.Next(Math.Max(1, donor.Length - length));
                var to = random.Next(Math.Max(1, bytes.Length - length));
                donor.AsSpan(from, Math.Min(length, donor.Length - from)).CopyTo(bytes.AsSpan(to));
                return bytes;
        }
    }
}
