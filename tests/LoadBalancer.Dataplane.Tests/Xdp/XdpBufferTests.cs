using System.Runtime.CompilerServices;
using LoadBalancer.Dataplane.Xdp;
using LoadBalancer.Dataplane.Xdp.Internal;
using LoadBalancer.Ebpf.ProgramTypes;
using static LoadBalancer.Dataplane.Tests.XdpTestPrograms;

namespace LoadBalancer.Dataplane.Tests.Xdp;

public sealed class XdpBufferTests
{
    [Fact]
    public void Native_context_starts_with_xdp_md_and_fits_before_the_frame()
    {
        Assert.Equal(0, System.Runtime.InteropServices.Marshal.OffsetOf<XdpFrameState>(nameof(XdpFrameState.Md)).ToInt32());
        Assert.True(Unsafe.SizeOf<XdpFrameState>() <= 128);
        Assert.Equal(Unsafe.SizeOf<XdpFrameState>(), XdpBuffer.ContextSize);
        Assert.True(XdpBuffer.ContextSize >= XdpContextLayout.Instance.NativeSize);
    }

    [Fact]
    public void Loaded_packet_sits_behind_the_headroom_with_the_kernels_limits()
    {
        using var buffer = new XdpBuffer();
        var packet = Packets.Udp(1, 2);

        buffer.Load(packet);

        Assert.Equal(XdpBuffer.Headroom, buffer.DataOffset);
        Assert.Equal(packet, buffer.Data.ToArray());
        Assert.Equal(0, buffer.MetadataLength);
        Assert.Equal(3520, buffer.MaxPacketLength);
        Assert.Equal(216, buffer.MaxMetadataLength);
    }

    [Theory]
    [InlineData(3521, 0)]
    [InlineData(100, 217)]
    [InlineData(100, -1)]
    [InlineData(10, 11)]
    public void Packets_that_do_not_fit_are_refused_and_leave_the_buffer_as_it_was(int length, int metadata)
    {
        using var buffer = new XdpBuffer();
        buffer.Load(Packets.Payload(60));

        Assert.False(buffer.TryLoad(new byte[length], metadata));
        Assert.Equal(Packets.Payload(60), buffer.Data.ToArray());
        Assert.Throws<ArgumentException>(() => buffer.Load(new byte[length], metadata));
    }

    [Fact]
    public void Larger_frames_hold_jumbo_packets()
    {
        using var buffer = new XdpBuffer(16384);

        Assert.True(buffer.TryLoad(new byte[9000]));
        Assert.Equal(16384 - 256 - 320, buffer.MaxPacketLength);
    }

    [Fact]
    public void Leading_bytes_become_metadata_like_a_test_run_context()
    {
        using var buffer = new XdpBuffer();
        var frame = Packets.Payload(72);

        buffer.Load(frame, 12);

        Assert.Equal(12, buffer.MetadataLength);
        Assert.Equal(frame[..12], buffer.Metadata.ToArray());
        Assert.Equal(frame[12..], buffer.Data.ToArray());
        Assert.Equal(frame, buffer.MetadataAndData.ToArray());
        Assert.Equal(XdpBuffer.Headroom, buffer.DataOffset);
    }

    [Fact]
    public void Head_grown_over_an_earlier_packet_shows_zeros_not_its_bytes()
    {
        using var runner = new XdpProgramRunner(Program(CallWithDelta(44, -200)));
        var secret = new byte[60];
        Array.Fill(secret, (byte)0x5a);
        runner.Run(secret);

        runner.Run(Packets.Payload(60));

        Assert.Equal(new byte[200], runner.Buffer.Data[..200].ToArray());
    }

    [Fact]
    public void Program_cannot_read_the_headroom_in_front_of_the_packet()
    {
        using var runner = new XdpProgramRunner(Assemble("""
            r2 = *(u32 *)(r1 + 0)
            r0 = *(u8 *)(r2 - 1)
            exit
            """));

        var result = runner.Run(Packets.Payload(60));

        Assert.True(result.Faulted);
    }

    [Fact]
    public void Disposed_buffer_refuses_use()
    {
        var buffer = new XdpBuffer();
        buffer.Dispose();

        Assert.Throws<ObjectDisposedException>(() => buffer.TryLoad(new byte[20]));
        buffer.Dispose();
    }
}
