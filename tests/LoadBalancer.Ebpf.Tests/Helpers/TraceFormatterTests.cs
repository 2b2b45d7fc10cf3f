using System.Text;
using LoadBalancer.Ebpf.Execution;
using LoadBalancer.Ebpf.Helpers;
using LoadBalancer.Ebpf.Maps;
using Microsoft.Extensions.Logging;

namespace LoadBalancer.Ebpf.Tests.Helpers;

public sealed class TraceFormatterTests
{
    private static string Format(RunContext context, string format, ulong a1 = 0, ulong a2 = 0, ulong a3 = 0)
    {
        var output = new char[TraceFormatter.MaxOutput];
        var length = TraceFormatter.Format(context, Encoding.ASCII.GetBytes(format + "\0"), a1, a2, a3, output);
        Assert.True(length >= 0, $"'{format}' was refused with {length}");
        return new string(output, 0, length);
    }

    [Theory]
    [InlineData("len %u of %d at %x\n", 60UL, unchecked((ulong)-5L), 0xbeefUL, "len 60 of -5 at beef\n")]
    [InlineData("%u", ulong.MaxValue, 0UL, 0UL, "4294967295")]
    [InlineData("%lld|%llx|%llu", unchecked((ulong)-1234567890123L), 0xabcdefUL, ulong.MaxValue, "-1234567890123|abcdef|18446744073709551615")]
    [InlineData("[%5d][%-4u][%05x]", 42UL, 7UL, 0xabUL, "[   42][7   ][000ab]")]
    [InlineData("[%X][%lX]", 0xabUL, 0xcdUL, 0UL, "[AB][CD]")]
    [InlineData("[%+d][% d][%c]", 3UL, 4UL, 65UL, "[+3][ 4][A]")]
    [InlineData("100%% %i", unchecked((ulong)-1L), 0UL, 0UL, "100% -1")]
    [InlineData("%px", 0xdeadUL, 0UL, 0UL, "000000000000dead")]
    public void Conversions_format_like_the_kernel(string format, ulong a1, ulong a2, ulong a3, string expected)
    {
        using var context = new RunContext();
        Assert.Equal(expected, Format(context, format, a1, a2, a3));
    }

    [Fact]
    public unsafe void Strings_are_read_only_from_the_run_regions()
    {
        using var f = new HelperFixture();
        Encoding.ASCII.GetBytes("hello\0").CopyTo(new Span<byte>(f.Memory, 6));
        Assert.Equal("<hello>", Format(f.Context, "<%s>", f.At(0)));
        Assert.Equal("<>", Format(f.Context, "<%s>", 0x1000));
    }

    [Fact]
    public unsafe void Address_conversions_read_through_the_pointer()
    {
        using var f = new HelperFixture();
        byte[] v4 = [10, 0, 0, 1];
        v4.CopyTo(new Span<byte>(f.Memory, 4));
        var v6 = Convert.FromHexString("20010db8000000000000000000000001");
        v6.CopyTo(new Span<byte>(f.Memory + 16, 16));
        Assert.Equal("10.0.0.1 2001:0db8:0000:0000:0000:0000:0000:0001 20010db8000000000000000000000001", Format(f.Context, "%pI4 %pI6 %pi6", f.At(0), f.At(16), f.At(16)));
        var output = new char[64];
        Assert.Equal(-BpfErrno.EINVAL, TraceFormatter.Format(f.Context, "%pI4\0"u8, 0x10, 0, 0, output)); // unreadable pointer
    }

    [Theory]
    [InlineData("%d %d %d %d")] // four conversions
    [InlineData("%q")]
    [InlineData("%lq")]
    [InlineData("%lllx")]
    [InlineData("bell\a")]
    [InlineData("%")]
    [InlineData("%pQ")]
    [InlineData("%pI5")]
    public void Formats_the_kernel_refuses_give_einval(string format)
    {
        using var context = new RunContext();
        var output = new char[TraceFormatter.MaxOutput];
        Assert.Equal(-BpfErrno.EINVAL, TraceFormatter.Format(context, Encoding.ASCII.GetBytes(format + "\0"), 1, 2, 3, output));
    }

    [Fact]
    public void A_format_without_its_nul_is_refused()
    {
        using var context = new RunContext();
        Assert.Equal(-BpfErrno.EINVAL, TraceFormatter.Format(context, "abc"u8, 0, 0, 0, new char[16]));
    }

    [Fact]
    public unsafe void The_helper_logs_the_line_and_returns_its_length()
    {
        using var f = new HelperFixture();
        var logger = new ListLogger();
        var helper = new TracePrintkHelper(logger);
        var format = Encoding.ASCII.GetBytes("n=%d\n\0");
        format.CopyTo(new Span<byte>(f.Memory, format.Length));
        Assert.Equal(7UL, helper.Invoke(f.Context, f.At(0), (ulong)format.Length, 1234, 0, 0));
        Assert.Equal(["n=1234"], logger.Messages.ConvertAll(m => m[(m.IndexOf(": ", StringComparison.Ordinal) + 2)..]));
        Assert.Equal(unchecked((ulong)-BpfErrno.EINVAL), helper.Invoke(f.Context, 0x10, 4, 0, 0, 0));
    }

    private sealed class ListLogger : ILogger
    {
        public List<string> Messages { get; } = [];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Messages.Add(formatter(state, exception));
    }
}
