using System.Net;
using Grpc.Core;
using LoadBalancer.Host.Api;
using LoadBalancer.Host.Api.V1;

namespace LoadBalancer.Host.Tests.Api;

public sealed class ApiTokenTests
{
    private const string Token = "s3cret-token";

    private static readonly string[] ReadMethods =
    [
        "ListVips", "GetVip", "ListReals", "ListRealIndices", "GetSettings", "ListQuicServerIds", "GetStats",
        "GetVipStats", "GetHealth", "GetRealForFlow", "WhatIf", "ExportConfig", "GetProgramInfo",
    ];

    [Fact]
    public async Task With_a_token_mutations_need_it_and_reads_do_not()
    {
        await using var host = await ApiTestHost.StartAsync(ApiTestConfigurations.TwoVips(), new LbApiOptions { Token = Token, UseEnvironmentToken = false });
        var request = new SetRealWeightRequest { Vip = "web", Real = "10.0.1.1", Weight = 9 };

        var none = await RpcAssert.Fails(StatusCode.Unauthenticated, c => host.Grpc().SetRealWeightAsync(request, cancellationToken: c));
        var wrong = await RpcAssert.Fails(StatusCode.PermissionDenied, c => host.Grpc("guess").SetRealWeightAsync(request, cancellationToken: c));
        Assert.Equal(1, host.Store.Current.Vips[0].Reals[0].Weight);
        await host.Grpc(Token).SetRealWeightAsync(request, cancellationToken: TestContext.Current.CancellationToken);
        var list = await host.Grpc().ListVipsAsync(new ListVipsRequest(), cancellationToken: TestContext.Current.CancellationToken);

        Assert.Contains("authorization: Bearer <token>", none.Status.Detail);
        Assert.Contains("does not match", wrong.Status.Detail);
        Assert.Equal(9, host.Store.Current.Vips[0].Reals[0].Weight);
        Assert.Equal(9u, list.Vips[0].Reals[0].Weight);
    }

    [Fact]
    public async Task Over_http_a_missing_token_is_401_a_wrong_one_403()
    {
        await using var host = await ApiTestHost.StartAsync(ApiTestConfigurations.TwoVips(), new LbApiOptions { Token = Token, UseEnvironmentToken = false });

        var none = await HttpJsonRoutesTests.Send(host.Http(), HttpMethod.Post, "/v1/vips/web/reals/10.0.1.1:drain");
        var wrong = await HttpJsonRoutesTests.Send(host.Http("guess"), HttpMethod.Post, "/v1/vips/web/reals/10.0.1.1:drain");
        var read = await HttpJsonRoutesTests.GetJson(host.Http(), "/v1/vips/web");
        var right = await HttpJsonRoutesTests.Send(host.Http(Token), HttpMethod.Post, "/v1/vips/web/reals/10.0.1.1:drain");

        Assert.Equal(HttpStatusCode.Unauthorized, none.Status);
        Assert.Equal(HttpStatusCode.Forbidden, wrong.Status);
        Assert.Equal("web", read.GetProperty("name").GetString());
        Assert.Equal(HttpStatusCode.OK, right.Status);
        Assert.Equal(0, host.Store.Current.Vips[0].Reals[0].Weight);
    }

    [Fact]
    public async Task Every_method_but_the_reads_is_refused_without_the_token()
    {
        await using var host = await ApiTestHost.StartAsync(ApiTestConfigurations.TwoVips(), new LbApiOptions { Token = Token, UseEnvironmentToken = false });
        var invoker = host.GrpcInvoker();
        var before = (host.Store.Current, host.Store.Generation);
        var bytes = Marshallers.Create(static (byte[] b) => b, static b => b);

        var refused = new List<string>();
        foreach (var method in Lb.Descriptor.Methods)
        {
            var call = new Method<byte[], byte[]>(MethodType.Unary, Lb.Descriptor.FullName, method.Name, bytes, bytes);
            try
            {
                await invoker.AsyncUnaryCall(call, null, new CallOptions(cancellationToken: TestContext.Current.CancellationToken), []);
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.Unauthenticated)
            {
                refused.Add(method.Name);
            }
            catch (RpcException)
            {
                // A read with an empty request may be invalid; it was let through.
            }
        }

        var expected = Lb.Descriptor.Methods.Select(m => m.Name).Except(ReadMethods).ToList();
        Assert.Equal(13, expected.Count);
        Assert.Equal(expected, refused);
        Assert.Equal(before, (host.Store.Current, host.Store.Generation));
    }

    [Fact]
    public async Task The_token_file_is_read_and_trimmed()
    {
        var file = Path.GetTempFileName();
        await File.WriteAllTextAsync(file, $"  {Token}\n", TestContext.Current.CancellationToken);
        try
        {
            await using var host = await ApiTestHost.StartAsync(ApiTestConfigurations.TwoVips(), new LbApiOptions { TokenFile = file, UseEnvironmentToken = false });

            await RpcAssert.Fails(StatusCode.Unauthenticated, c => host.Grpc().DrainRealAsync(new DrainRealRequest { Vip = "web", Real = "10.0.1.1" }, cancellationToken: c));
            await host.Grpc(Token).DrainRealAsync(new DrainRealRequest { Vip = "web", Real = "10.0.1.1" }, cancellationToken: TestContext.Current.CancellationToken);

            Assert.Equal(0, host.Store.Current.Vips[0].Reals[0].Weight);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task A_missing_token_file_fails_start_up_naming_the_file()
    {
        var file = Path.Combine(Path.GetTempPath(), $"lb-no-such-token-{Guid.NewGuid():N}");

        var e = await Assert.ThrowsAsync<ApiTokenException>(() => ApiTestHost.StartAsync(options: new LbApiOptions { TokenFile = file }));

        Assert.Contains(file, e.Message);
        Assert.Contains("admin.tokenFile", e.Message);
    }

    [Fact]
    public async Task The_token_can_come_from_LB_API_TOKEN()
    {
        Environment.SetEnvironmentVariable(LbApiOptions.TokenEnvironmentVariable, "from-env");
        ApiTestHost host;
        try
        {
            host = await ApiTestHost.StartAsync(ApiTestConfigurations.TwoVips(), new LbApiOptions());
        }
        finally
        {
            Environment.SetEnvironmentVariable(LbApiOptions.TokenEnvironmentVariable, null);
        }

        await using (host)
        {
            await RpcAssert.Fails(StatusCode.PermissionDenied, c => host.Grpc(Token).DrainRealAsync(new DrainRealRequest { Vip = "web", Real = "10.0.1.1" }, cancellationToken: c));
            await host.Grpc("from-env").DrainRealAsync(new DrainRealRequest { Vip = "web", Real = "10.0.1.1" }, cancellationToken: TestContext.Current.CancellationToken);
        }
    }

    [Fact]
    public async Task Bound_beyond_loopback_without_a_token_mutations_are_refused_and_reads_work()
    {
        await using var host = await ApiTestHost.StartAsync(ApiTestConfigurations.TwoVips(), bind: IPAddress.Any);

        var refused = await RpcAssert.Fails(StatusCode.PermissionDenied, c => host.Grpc().DrainRealAsync(new DrainRealRequest { Vip = "web", Real = "10.0.1.1" }, cancellationToken: c));
        var http = await HttpJsonRoutesTests.Send(host.Http(), HttpMethod.Delete, "/v1/vips/web");
        var read = await host.Grpc().ListVipsAsync(new ListVipsRequest(), cancellationToken: TestContext.Current.CancellationToken);

        Assert.Contains("mutations are disabled", refused.Status.Detail);
        Assert.Contains("0.0.0.0", refused.Status.Detail);
        Assert.Equal(HttpStatusCode.Forbidden, http.Status);
        Assert.Equal(2, read.Vips.Count);
        Assert.Equal(1, host.Store.Current.Vips[0].Reals[0].Weight);
    }

    [Fact]
    public async Task Bound_beyond_loopback_with_a_token_mutations_work_with_it()
    {
        await using var host = await ApiTestHost.StartAsync(ApiTestConfigurations.TwoVips(), new LbApiOptions { Token = Token, UseEnvironmentToken = false }, bind: IPAddress.Any);

        await host.Grpc(Token).DrainRealAsync(new DrainRealRequest { Vip = "web", Real = "10.0.1.1" }, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(0, host.Store.Current.Vips[0].Reals[0].Weight);
    }

    [Theory]
    [InlineData("http://127.0.0.1:9180", true)]
    [InlineData("http://[::1]:9180", true)]
    [InlineData("http://localhost:5000", true)]
    [InlineData("http://127.3.4.5:80/", true)]
    [InlineData("http://0.0.0.0:9180", false)]
    [InlineData("http://[::]:9180", false)]
    [InlineData("http://+:9180", false)]
    [InlineData("http://*:9180", false)]
    [InlineData("http://10.1.2.3:9180", false)]
    [InlineData("http://[fd00::5]:9180", false)]
    [InlineData("http://node-a:9180", false)]
    public void Server_addresses_are_classified_as_loopback_or_not(string url, bool loopback) =>
        Assert.Equal(loopback, LoadBalancer.Host.Api.Internal.ApiAccessPolicy.IsLoopbackUrl(url));
}
