using System.Net;
using Grpc.Core;
using LoadBalancer.Balancer.Configuration;
using LoadBalancer.Host.Api.V1;

namespace LoadBalancer.Host.Api.Internal;

/// <summary>Settings and QUIC server id methods.</summary>
internal sealed partial class LbApiService
{
    public override Task<Settings> GetSettings(GetSettingsRequest request, ServerCallContext context) => Task.FromResult(SettingsNow());

    private Settings SettingsNow()
    {
        var settings = ApiMapper.ToMessage(_control.Snapshot().Settings);
        settings.EncapMode = _store.Current.Settings.EncapMode;
        return settings;
    }

    public override Task<UpdateSettingsResponse> UpdateSettings(UpdateSettingsRequest request, ServerCallContext context)
    {
        var result = Mutate(current =>
        {
            var s = current.Settings;
            s = s with
            {
                GatewayMac = request.HasGatewayMac ? Null(request.GatewayMac) : s.GatewayMac,
                GuePort = request.HasGuePort ? (int)Math.Min(request.GuePort, int.MaxValue) : s.GuePort,
                SourceV4 = request.HasSourceV4 ? Null(request.SourceV4) : s.SourceV4,
                SourceV4HashBits = request.HasSourceV4HashBits ? (int)Math.Min(request.SourceV4HashBits, int.MaxValue) : s.SourceV4HashBits,
                SourceV6 = request.HasSourceV6 ? Null(request.SourceV6) : s.SourceV6,
                SourceV6HashBits = request.HasSourceV6HashBits ? (int)Math.Min(request.SourceV6HashBits, int.MaxValue) : s.SourceV6HashBits,
                EncapMode = request.HasEncapMode ? request.EncapMode.Trim().ToLowerInvariant() : s.EncapMode,
            };
            return CheckedSettings(current with { Settings = s });
        });
        return Task.FromResult(new UpdateSettingsResponse { Result = result, Settings = SettingsNow() });
    }

    /// <summary>Validates a settings change; errors in the settings name the request's fields.</summary>
    private static BalancerConfiguration CheckedSettings(BalancerConfiguration next)
    {
        var errors = BalancerConfigurationValidator.Validate(next);
        if (errors.Count == 0)
        {
            return next;
        }

        var own = new List<string>();
        foreach (var error in errors)
        {
            if (SettingsField(error.Path) is { } field)
            {
                own.Add($"{field}: {error.Message}");
            }
        }

        throw own.Count > 0 ? new RpcException(new Status(StatusCode.InvalidArgument, string.Join("; ", own))) : ApiErrors.FromValidation(errors, null, string.Empty);
    }

    /// <summary>The request field (JSON name) of a settings error path ("encap.gatewayMac" → "gatewayMac").</summary>
    private static string? SettingsField(string path) => path switch
    {
        "encap.mode" => "encapMode",
        "encap.gatewayMac" or "settings.gatewayMac" => "gatewayMac",
        "encap.guePort" or "settings.guePort" => "guePort",
        "encap.sourcePrefixV4" or "settings.sourceV4" => "sourceV4",
        "encap.sourcePrefixV6" or "settings.sourceV6" => "sourceV6",
        "settings.sourceV4HashBits" => "sourceV4HashBits",
        "settings.sourceV6HashBits" => "sourceV6HashBits",
        _ => null,
    };

    public override Task<ListQuicServerIdsResponse> ListQuicServerIds(ListQuicServerIdsRequest request, ServerCallContext context)
    {
        var response = new ListQuicServerIdsResponse();
        foreach (var (id, real) in _control.Snapshot().QuicServerIds)
        {
            response.ServerIds.Add(new QuicServerId { Id = id, Real = real.ToString() });
        }

        return Task.FromResult(response);
    }

    public override Task<MutationResponse> SetQuicServerId(SetQuicServerIdRequest request, ServerCallContext context)
    {
        CheckServerId(request.Id);
        var real = VipLookup.ParseAddress(request.Real, "real");
        return Task.FromResult(Mutate(current =>
        {
            if (!IsRealOfAnyVip(current, real))
            {
                throw ApiErrors.FailedPrecondition($"real: {real} is not a real of any VIP; QUIC server ids route to configured reals, so add it to a VIP first.");
            }

            var list = new List<QuicServerIdConfiguration>();
            var replaced = false;
            foreach (var quic in current.QuicServerIds)
            {
                if (quic.Id == request.Id)
                {
                    list.Add(new QuicServerIdConfiguration((int)request.Id, real.ToString()));
                    replaced = true;
                }
                else
                {
                    list.Add(quic);
                }
            }

            if (!replaced)
            {
                list.Add(new QuicServerIdConfiguration((int)request.Id, real.ToString()));
            }

            return Checked(current with { QuicServerIds = new ValueList<QuicServerIdConfiguration>(list) }, null, string.Empty);
        }));
    }

    public override Task<MutationResponse> RemoveQuicServerId(RemoveQuicServerIdRequest request, ServerCallContext context)
    {
        CheckServerId(request.Id);
        return Task.FromResult(Mutate(current =>
        {
            var list = new List<QuicServerIdConfiguration>();
            foreach (var quic in current.QuicServerIds)
            {
                if (quic.Id != request.Id)
                {
                    list.Add(quic);
                }
            }

            return list.Count == current.QuicServerIds.Count
                ? throw ApiErrors.NotFound("id", $"QUIC server id {request.Id} is not mapped.")
                : Checked(current with { QuicServerIds = new ValueList<QuicServerIdConfiguration>(list) }, null, string.Empty);
        }));
    }

    private static void CheckServerId(uint id)
    {
        if (id is < 1 or > 65535)
        {
            throw ApiErrors.InvalidArgument("id", $"'{id}' is not a QUIC server id; use 1..65535.");
        }
    }

    private static bool IsRealOfAnyVip(BalancerConfiguration config, IPAddress real)
    {
        foreach (var vip in config.Vips)
        {
            foreach (var r in vip.Reals)
            {
                if (IPAddress.TryParse(r.Address, out var a) && a.Equals(real))
                {
                    return true;
                }
            }
        }

        return false;
    }

    private static string? Null(string text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}
