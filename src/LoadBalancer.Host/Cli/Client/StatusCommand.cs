using System.CommandLine;
using System.Globalization;
using LoadBalancer.Host.Api.V1;

namespace LoadBalancer.Host.Cli.Client;

/// <summary><c>lb status</c>: the program a running <c>lb serve</c> runs (object, engine, verifier verdict, workers).</summary>
internal static class StatusCommand
{
    /// <summary>Creates the verb.</summary>
    public static Command Create() => ClientCommand.TopLevel(
        "status",
        "Show the program a running 'lb serve' executes: object, section, engine, instructions, verifier verdict, workers.\nAlso a quick check that the server answers (exit code 5 when it does not).\n\nExamples:\n  lb status\n  lb status --server http://10.0.0.2:9180 -o json",
        async (parse, client) =>
        {
            var info = await new Lb.LbClient(client.Channel).GetProgramInfoAsync(new GetProgramInfoRequest(), client.Call());
            client.Output.Print(info, () => Text(client.Settings, info));
            return ClientExitCodes.Ok;
        });

    /// <summary>One field per line.</summary>
    internal static string Text(ClientSettings settings, ProgramInfo info) => string.Create(
        CultureInfo.InvariantCulture,
        $"server        {settings.ServerText}\nobject        {info.Object}\nsection       {info.Section}\nengine        {info.Engine}\ninstructions  {info.Instructions}\nverifier      {info.Verifier}\nworkers       {info.Workers}");
}
