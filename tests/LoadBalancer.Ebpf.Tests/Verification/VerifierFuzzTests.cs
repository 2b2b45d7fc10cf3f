using System.Diagnostics;
using System.Runtime.InteropServices;
using LoadBalancer.Ebpf.Execution;
using LoadBalancer.Ebpf.Helpers;
using LoadBalancer.Ebpf.Isa;
using LoadBalancer.Ebpf.Objects;
using LoadBalancer.Ebpf.Validation;
using LoadBalancer.Ebpf.Verification;

namespace LoadBalancer.Ebpf.Tests.Verification;

/// <summary>
/// Random bytecode that passes the structural validator: the verifier ends within a time budget with
/// either a result or a <see cref="VerificationException"/>, and every program it accepts runs in the
/// interpreter on random packets without a memory fault.
/// </summary>
public sealed unsafe class VerifierFuzzTests
{
    private const int Programs = 3000;
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(5);

    [Fact]
    public void Random_valid_bytecode_verifies_or_is_rejected_in_time_and_accepted_programs_never_fault()
    {
        var helpers = HelperTable.CreateDefault();
        var generator = new RandomProgramGenerator(Environment.GetEnvironmentVariable("FUZZ_SEED") is { } s ? int.Parse(s) : 20261125);
        var packetRandom = new Random(7);
        var accepted = 0;
        var rejected = 0;
        var runs = 0;
        var slowest = TimeSpan.Zero;
        var packet = (byte*)NativeMemory.AlignedAlloc(256, 64);
        var ctx = (ulong*)NativeMemory.AlignedAlloc(16, 16);
        try
        {
            using var context = new RunContext();
            for (var i = 0; i < Programs; i++)
            {
                var slots = generator.Next();
                try
                {
                    BytecodeValidator.Validate(slots, helpers);
                }
                catch (BytecodeException)
                {
                    continue;
                }

                var clock = Stopwatch.StartNew();
                try
                {
                    Verifier.Verify(slots, ProgramType.Xdp, [], new VerifierOptions { TimeLimit = Budget });
                }
                catch (VerificationException)
                {
                    rejected++;
                    continue;
                }
                finally
                {
                    slowest = clock.Elapsed > slowest ? clock.Elapsed : slowest;
                    Assert.True(clock.Elapsed < Budget + TimeSpan.FromSeconds(1), $"program {i} took {clock.Elapsed}");
                }

                accepted++;
                var runnable = (Instruction[])slots.Clone();
                RandomProgramGenerator.Prologue(forInterpreter: true).CopyTo(runnable, 0);
                var program = new BpfProgram(runnable, helpers);
                for (var p = 0; p < 8; p++)
                {
                    var length = packetRandom.Next(0, 120);
                    packetRandom.NextBytes(new Span<byte>(packet, length));
                    ctx[0] = (ulong)packet;
                    ctx[1] = (ulong)packet + (ulong)length;
                    context.SetContext((nint)ctx, 16, writable: false);
                    context.SetPacket((nint)packet, length);
                    var result = Interpreter.Run(program, context);
                    runs++;
                    Assert.True(
                        result.Status == RunStatus.Exited,
                        $"verified program {i} ended with {result.Status} at PC {result.InstructionIndex} (address 0x{result.Address:x}, size {result.AccessSize}) on a {length}-byte packet:\n{LoadBalancer.Ebpf.Text.Disassembler.Disassemble(slots)}");
                }
            }
        }
        finally
        {
            NativeMemory.AlignedFree(packet);
            NativeMemory.AlignedFree(ctx);
        }

        TestContext.Current.TestOutputHelper?.WriteLine($"accepted {accepted}, rejected {rejected}, interpreter runs {runs}, slowest verification {slowest.TotalMilliseconds:0.0} ms");
        Assert.True(accepted >= 50, $"only {accepted} random programs were accepted; the generator should produce verifiable programs");
        Assert.True(rejected >= 50, $"only {rejected} random programs were rejected");
    }
}
