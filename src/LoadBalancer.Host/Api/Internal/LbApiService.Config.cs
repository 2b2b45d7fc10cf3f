using Grpc.Core;
using LoadBalancer.Balancer.Configuration;
using LoadBalancer.Host.Api.V1;

namespace LoadBalancer.Host.Api.Internal;

/// <summary>Configuration reload / export and program info.</summary>
internal sealed partial class LbApiService
{
    public override Task<ReloadConfigResponse> ReloadConfig(ReloadConfigRequest request, ServerCallContext context)
    {
        var runtime = _runtime ?? throw ApiErrors.FailedPrecondition("no configuration file is being served (this host is not lb serve), so there is nothing to reload.");
        var outcome = runtime.ReloadConfig(Source);
        if (!outcome.Success)
        {
            throw ApiErrors.FailedPrecondition($"reload of {runtime.ConfigPath} rejected, the running configuration keeps serving: {outcome.Message}");
        }

        var response = new ReloadConfigResponse { Message = outcome.Message, Generation = _store.Generation };
        if (outcome.Diff is not null)
        {
            response.Changes.AddRange(outcome.Diff.Changes);
        }

        return Task.FromResult(response);
    }

    public override Task<ExportConfigResponse> ExportConfig(ExportConfigRequest request, ServerCallContext context)
    {
        var (config, generation) = CurrentWithGeneration();
        return Task.FromResult(new ExportConfigResponse
        {
            Yaml = BalancerConfigurationWriter.ToYaml(config),
            Generation = generation,
            ConfigPath = _runtime?.ConfigPath ?? string.Empty,
        });
    }

    public override Task<V1.ProgramInfo> GetProgramInfo(GetProgramInfoRequest request, ServerCallContext context)
    {
        var runtime = _runtime ?? throw ApiErrors.FailedPrecondition("no program is being served (this host is not lb serve).");
        var p = runtime.Program;
        return Task.FromResult(new V1.ProgramInfo
        {
            Object = p.Object,
            Section = p.Section,
            Engine = p.Engine,
            Instructions = p.Instructions,
            Verifier = p.Verifier,
            Workers = p.Workers,
        });
    }
}
