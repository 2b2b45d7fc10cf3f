using System.Buffers.Binary;
using System.Diagnostics;
using System.Numerics;
using System.Runtime.InteropServices;
using LoadBalancer.Ebpf.Execution;
using LoadBalancer.Ebpf.Helpers;

namespace LoadBalancer.Ebpf.Tests.Execution;

/// <summary>
/// The clang-compiled benchmark programs (bench/LoadBalancer.Benchmarks/Programs) run in the
/// interpreter and agree with C# implementations of the same algorithms.
/// </summary>
public sealed unsafe class CompiledProgramTests
{
    private static string ProgramsFolder()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "LoadBalancer.sln")))
        {
            dir = dir.Parent;
        }

        Assert.NotNull(dir);
        return Path.Combine(dir.FullName, "bench", "LoadBalancer.Benchmarks", "Programs");
    }

    private static RunResult RunCompiled(string name, byte[] input)
    {
        var program = BpfProgram.FromBytecode(File.ReadAllBytes(Path.Combine(ProgramsFolder(), name + ".bin")), HelperTable.CreateDefault(), name: name);
        var buffer = NativeMemory.AlignedAlloc((nuint)Math.Max(input.Length, 8), 64);
        try
        {
            input.CopyTo(new Span<byte>(buffer, input.Length));
            using var context = new RunContext { InstructionBudget = 10_000_000 };
            context.SetContext((nint)buffer, input.Length);
            var result = Interpreter.Run(program, context);
            Assert.Equal(RunStatus.Exited, result.Status);
            return result;
        }
        finally
        {
            NativeMemory.AlignedFree(buffer);
        }
    }

    private static byte[] Input(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    [Theory]
    [InlineData(1500)]
    [InlineData(1)]
    [InlineData(61)]
    public void Checksum_matches_rfc_1071(int length)
    {
        var input = Input(length, length);
        ulong sum = 0;
        for (var i = 0; i + 1 < length; i += 2)
        {
            sum += BinaryPrimitives.ReadUInt16BigEndian(input.AsSpan(i));
        }

        if (length % 2 == 1)
        {
            sum += (ulong)input[^1] << 8;
        }

        while (sum >> 16 != 0)
        {
            sum = (sum & 0xffff) + (sum >> 16);
        }

        Assert.Equal((ulong)(ushort)~sum, RunCompiled("checksum", input).ReturnValue);
    }

    [Theory]
    [InlineData(1500)]
    [InlineData(12)]
    [InlineData(13)]
    [InlineData(7)]
    public void Jhash_matches_lookup3(int length)
    {
        var input = Input(length, length);
        uint a, b, c;
        a = b = c = 0xdeadbeef + (uint)length;
        var i = 0;
        for (; i + 12 < length; i += 12)
        {
            a += BinaryPrimitives.ReadUInt32LittleEndian(input.AsSpan(i));
            b += BinaryPrimitives.ReadUInt32LittleEndian(input.AsSpan(i + 4));
            c += BinaryPrimitives.ReadUInt32LittleEndian(input.AsSpan(i + 8));
            a -= c; a ^= BitOperations.RotateLeft(c, 4); c += b;
            b -= a; b ^= BitOperations.RotateLeft(a, 6); a += c;
            c -= b; c ^= BitOperations.RotateLeft(b, 8); b += a;
            a -= c; a ^= BitOperations.RotateLeft(c, 16); c += b;
            b -= a; b ^= BitOperations.RotateLeft(a, 19); a += c;
            c -= b; c ^= BitOperations.RotateLeft(b, 4); b += a;
        }

        for (var k = 0; k < Math.Min(length - i, 12); k++)
        {
            var v = (uint)input[i + k] << ((k & 3) * 8);
            if (k < 4) { a += v; } else if (k < 8) { b += v; } else { c += v; }
        }

        c ^= b; c -= BitOperations.RotateLeft(b, 14);
        a ^= c; a -= BitOperations.RotateLeft(c, 11);
        b ^= a; b -= BitOperations.RotateLeft(a, 25);
        c ^= b; c -= BitOperations.RotateLeft(b, 16);
        a ^= c; a -= BitOperations.RotateLeft(c, 4);
        b ^= a; b -= BitOperations.RotateLeft(a, 14);
        c ^= b; c -= BitOperations.RotateLeft(b, 24);
        Assert.Equal(c, RunCompiled("jhash", input).ReturnValue);
    }

    [Fact]
    public void Alu_loop_matches_its_c_definition()
    {
        var input = Input(1500, 3);
        var x = BinaryPrimitives.ReadUInt64LittleEndian(input);
        ulong y = 1500;
        for (var i = 0; i < 1000; i++)
        {
            x = (x * 6364136223846793005UL) + 1442695040888963407UL;
            y ^= x >> 33;
            y = BitOperations.RotateLeft(y, 7);
            y += (ulong)i;
        }

        Assert.Equal(x ^ y, RunCompiled("alu_loop", input).ReturnValue);
    }

    [Fact]
    public void The_committed_bytecode_is_what_clang_builds_from_the_sources()
    {
        var clang = File.Exists("/usr/bin/clang-14") ? "/usr/bin/clang-14" : null;
        if (clang is null || !File.Exists("/usr/bin/llvm-objcopy"))
        {
            Assert.Skip("clang-14 / llvm-objcopy are not installed.");
        }

        var temp = Directory.CreateTempSubdirectory("bpfbench");
        try
        {
            foreach (var source in Directory.GetFiles(ProgramsFolder(), "*.c"))
            {
                var name = Path.GetFileNameWithoutExtension(source);
                var obj = Path.Combine(temp.FullName, name + ".o");
                var bin = Path.Combine(temp.FullName, name + ".bin");
                Exec(clang, $"-O2 -target bpf -c \"{source}\" -o \"{obj}\"");
                var section = name.StartsWith("xdp_", StringComparison.Ordinal) ? "xdp" : ".text"; // as build.sh
                Exec("/usr/bin/llvm-objcopy", $"-O binary --only-section={section} \"{obj}\" \"{bin}\"");
                Assert.True(
                    File.ReadAllBytes(bin).AsSpan().SequenceEqual(File.ReadAllBytes(Path.ChangeExtension(source, ".bin"))),
                    $"{name}.bin is stale: run bench/LoadBalancer.Benchmarks/Programs/build.sh");
            }
        }
        finally
        {
            temp.Delete(recursive: true);
        }
    }

    private static void Exec(string file, string arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(file, arguments) { RedirectStandardError = true })!;
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{file} {arguments} failed: {error}");
    }
}
