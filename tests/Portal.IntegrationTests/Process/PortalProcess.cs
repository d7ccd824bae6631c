using System.Diagnostics;
using System.Text.RegularExpressions;
using Portal.IntegrationTests.TestSupport;

namespace Portal.IntegrationTests.Process;

/// <summary>
/// The portal's own build output run as a real child process (<c>dotnet Portal.dll</c>, Development, a temp
/// database), for the tests that must kill it (design.md §6).
/// </summary>
internal sealed partial class PortalProcess : IAsyncDisposable
{
    private readonly System.Diagnostics.Process process;
    private readonly TaskCompletionSource<string> listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private PortalProcess(string databasePath)
    {
        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";
        var start = new ProcessStartInfo("dotnet", [RepoPaths.PortalDll(configuration)])
        {
            WorkingDirectory = RepoPaths.Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        start.Environment["ASPNETCORE_URLS"] = "http://127.0.0.1:0";
        start.Environment["ConnectionStrings__Portal"] = $"Data Source={databasePath}";
        start.Environment["Sentry__ClientSecret"] = SampleDeliveries.Secret;
        start.Environment["Sentry__BaseUrl"] = "http://127.0.0.1:9/";
        start.Environment["Portal__DataProtectionKeysPath"] = databasePath + "-keys";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        start.Environment["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Information";
        process = new System.Diagnostics.Process { StartInfo = start };
        process.OutputDataReceived += (_, line) => OnOutput(line.Data);
        process.ErrorDataReceived += (_, line) => OnOutput(line.Data);
    }

    public Uri BaseAddress { get; private set; } = null!;

    public List<string> Output { get; } = [];

    public bool HasExited => process.HasExited;

    public int ExitCode => process.ExitCode;

    public static async Task<PortalProcess> StartAsync(string databasePath)
    {
        var portal = new PortalProcess(databasePath);
        portal.process.Start();
        portal.process.BeginOutputReadLine();
        portal.process.BeginErrorReadLine();
        var address = await portal.listening.Task.WaitAsync(TimeSpan.FromSeconds(60));
        portal.BaseAddress = new Uri(address);
        return portal;
    }

    /// <summary>SIGKILL: no shutdown code runs at all.</summary>
    public void Kill() => process.Kill(entireProcessTree: true);

    /// <summary>SIGTERM, as an orchestrator stopping the container sends it.</summary>
    public void Terminate() => System.Diagnostics.Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!.WaitForExit();

    public Task WaitForExitAsync(TimeSpan timeout) => process.WaitForExitAsync().WaitAsync(timeout);

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        process.Dispose();
    }

    private void OnOutput(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (Output)
        {
            Output.Add(line);
        }

        if (ListeningLine().Match(line) is { Success: true } match)
        {
            listening.TrySetResult(match.Groups["address"].Value);
        }
    }

    [GeneratedRegex(@"Now listening on: (?<address>http://\S+)")]
    private static partial Regex ListeningLine();
}
