using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using LoadBalancer.Host.Api.V1;

namespace LoadBalancer.Host.Tests.Cli.Client;

/// <summary>
/// A small hand-written <c>lb.v1.Lb</c> with controllable state (counters that grow by a known amount per
/// read, health, failures), for what the real API cannot make deterministic: rates, health states, server
/// errors and slow answers.
/// </summary>
public sealed class FakeLbService : Lb.LbBase
{
    /// <summary>Packets added to every VIP and real counter by each GetStats call.</summary>
    public const ulong PacketsPerRead = 1000;

    /// <summary>Bytes added to every VIP and real counter by each GetStats call.</summary>
    public const ulong BytesPerRead = 64_000;

    private ulong _reads;

    /// <summary>The bearer token mutations need (null: none).</summary>
    public string? Token { get; set; } = "s3cret";

    /// <summary>Delay of every call (for --timeout tests).</summary>
    public TimeSpan Delay { get; set; }

    /// <summary>Status every call fails with (null: none).</summary>
    public Status? Failure { get; set; }

    /// <summary>The last request's authorization header.</summary>
    public string? LastAuthorization { get; private set; }

    /// <inheritdoc />
    public override async Task<ListVipsResponse> ListVips(ListVipsRequest request, ServerCallContext context)
    {
        await Enter(context, mutation: false);
        var response = new ListVipsResponse { Generation = 3 };
        response.Vips.Add(Web());
        return response;
    }

    /// <inheritdoc />
    public override async Task<Vip> GetVip(GetVipRequest request, ServerCallContext context)
    {
        await Enter(context, mutation: false);
        return request.Vip is "web" or "10.0.0.10:80/tcp" or "10.0.0.10:80"
            ? Web()
            : throw new RpcException(new Status(StatusCode.NotFound, $"VIP '{request.Vip}' not found"));
    }

    /// <inheritdoc />
    public override async Task<GetStatsResponse> GetStats(GetStatsRequest request, ServerCallContext context)
    {
        await Enter(context, mutation: false);
        var n = Interlocked.Increment(ref _reads);
        var response = new GetStatsResponse { LruHits = 90 * n, LruMisses = 10 * n };
        var vip = new VipStats { Vip = "10.0.0.10:80/tcp", Name = "web", Packets = PacketsPerRead * n, Bytes = BytesPerRead * n };
        vip.Reals.Add(new RealStats { Real = "10.0.1.1", Packets = PacketsPerRead * n, Bytes = BytesPerRead * n });
        response.Vips.Add(vip);
        response.Reals.Add(new RealStats { Real = "10.0.1.1", Packets = PacketsPerRead * n, Bytes = BytesPerRead * n });
        response.Actions.Add(new ActionStats { Action = "tx", Packets = PacketsPerRead * n, Bytes = BytesPerRead * n });
        response.Drops.Add(new DropStats { Reason = "ipv4_truncated", Packets = 2 * n, Bytes = 40 * n });
        return response;
    }

    /// <inheritdoc />
    public override async Task<GetHealthResponse> GetHealth(GetHealthRequest request, ServerCallContext context)
    {
        await Enter(context, mutation: false);
        if (request.Vip.Length > 0 && request.Vip != "web")
        {
            throw new RpcException(new Status(StatusCode.NotFound, $"VIP '{request.Vip}' not found"));
        }

        var since = Timestamp.FromDateTimeOffset(new DateTimeOffset(2026, 11, 25, 17, 0, 0, TimeSpan.Zero));
        var response = new GetHealthResponse();
        response.Reals.Add(new RealHealth { Vip = "10.0.0.10:80/tcp", VipName = "web", Real = "10.0.1.1", Healthy = true, Checked = true, Since = since });
        response.Reals.Add(new RealHealth { Vip = "10.0.0.10:80/tcp", VipName = "web", Real = "10.0.1.2", Healthy = false, Checked = true, Since = since, LastError = "connection refused" });
        return response;
    }

    /// <inheritdoc />
    public override async Task<MutationResponse> DrainReal(DrainRealRequest request, ServerCallContext context)
    {
        await Enter(context, mutation: true);
        var response = new MutationResponse { Generation = 4 };
        response.Changes.Add($"vip {request.Vip}: real {request.Real} weight 1 -> 0");
        return response;
    }

    /// <summary>What ExportConfig returns.</summary>
    public const string ExportedYaml = "vips:\n  - name: web\n    address: 10.0.0.10\n    port: 80\n    protocol: tcp\n    reals:\n      - address: 10.0.1.1\n";

    /// <inheritdoc />
    public override async Task<ExportConfigResponse> ExportConfig(ExportConfigRequest request, ServerCallContext context)
    {
        await Enter(context, mutation: false);
        return new ExportConfigResponse { Yaml = ExportedYaml, Generation = 3, ConfigPath = "/etc/lb/lb.yaml" };
    }

    /// <inheritdoc />
    public override async Task<ProgramInfo> GetProgramInfo(GetProgramInfoRequest request, ServerCallContext context)
    {
        await Enter(context, mutation: false);
        return new ProgramInfo { Object = "balancer.bpf.o", Section = "xdp", Engine = "jit", Instructions = 1234, Verifier = "accepted", Workers = 2 };
    }

    private static Vip Web()
    {
        var vip = new Vip { Id = "10.0.0.10:80/tcp", Name = "web", Address = "10.0.0.10", Port = 80, Protocol = "tcp", Index = 0 };
        vip.Reals.Add(new Real { Address = "10.0.1.1", Weight = 1, RingSlots = 65537, RealIndex = 1, Healthy = true });
        return vip;
    }

    private async Task Enter(ServerCallContext context, bool mutation)
    {
        LastAuthorization = context.RequestHeaders.GetValue("authorization");
        if (Delay > TimeSpan.Zero)
        {
            await Task.Delay(Delay, context.CancellationToken);
        }

        if (Failure is { } failure)
        {
            throw new RpcException(failure);
        }

        if (mutation && Token is { } token)
        {
            if (LastAuthorization is null)
            {
                throw new RpcException(new Status(StatusCode.Unauthenticated, "this call needs 'authorization: Bearer <token>'"));
            }

            if (LastAuthorization != $"Bearer {token}")
            {
                throw new RpcException(new Status(StatusCode.PermissionDenied, "wrong token"));
            }
        }
    }
}
