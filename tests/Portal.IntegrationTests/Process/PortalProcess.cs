using System.Diagnostics;
using System.Text.RegularExpressions;
using Portal.IntegrationTests.TestSupport;

namespace Portal.IntegrationTests.Process;

/// <summary>
/// The portal's own build output run as a real child process (<c>dotnet Portal.dll</c>, Development unless told
/// otherwise, a temp SQLite database or the <see cref="PortalBackend"/> it is given), for the tests that must kill it
/// (design.md §6), run several of it on one database and Redis, or put a real proxy in front of it.
/// </summary>
internal sealed partial class PortalProcess : IAsyncDisposable
{
    private readonly System.Diagnostics.Process process;
    private readonly TaskCompletionSource<string> listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private PortalProcess(PortalBackend backend, IReadOnlyDictionary<string, string>? environment)
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
        start.Environment["Sentry__ClientSecret"] = SampleDeliveries.Secret;
        start.Environment["Sentry__BaseUrl"] = "http://127.0.0.1:9/";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        start.Environment["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Information";
        foreach (var (name, value) in backend.Environment.Concat(environment ?? new Dictionary<string, string>()))
        {
            start.Environment[name] = value;
        }

        process = new System.Diagnostics.Process { StartInfo = start };
        process.OutputDataReceived += (_, line) => OnOutput(line.Data);
        process.ErrorDataReceived += (_, line) => OnOutput(line.Data);
    }

    public Uri BaseAddress { get; private set; } = null!;

    public List<string> Output { get; } = [];

    public bool HasExited => process.HasExited;

    public int ExitCode => process.ExitCode;

    /// <summary>Starts the portal on a free loopback port on the SQLite file <paramref name="databasePath"/>.</summary>
    public static Task<PortalProcess> StartAsync(string databasePath, IReadOnlyDictionary<string, string>? environment = null) =>
        StartAsync(PortalBackend.Sqlite(databasePath), environment);

    /// <summary>Starts the portal on a free loopback port; <paramref name="environment"/> adds to or overrides the variables above.</summary>
    public static async Task<PortalProcess> StartAsync(PortalBackend backend, IReadOnlyDictionary<string, string>? environment = null)
    {
        ArgumentNullException.ThrowIfNull(backend);
        var portal = new PortalProcess(backend, environment);
        portal.process.Start();
        portal.process.BeginOutputReadLine();
        portal.process.BeginErrorReadLine();
        // Generous: CI runs these beside other suites on two cores. A process that exits first fails at once, saying why.
        var started = await Task.WhenAny(portal.listening.Task, portal.process.WaitForExitAsync(), Task.Delay(TimeSpan.FromSeconds(120)));
        if (started != portal.listening.Task)
        {
            var output = portal.OutputText();
            await portal.DisposeAsync();
            throw new InvalidOperationException($"The portal did not start listening:{Environment.NewLine}{output}");
        }

        portal.BaseAddress = new Uri(await portal.listening.Task);
        return portal;
    }

    /// <summary>Removes the database and key ring the processes started on <paramref name="databasePath"/> left behind.</summary>
    public static void DeleteFiles(string databasePath)
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        foreach (var suffix in new[] { "", "-wal", "-shm" })
        {
            File.Delete(databasePath + suffix);
        }

        if (Directory.Exists(databasePath + "-keys"))
        {
            Directory.Delete(databasePath + "-keys", recursive: true);
        }
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

    /// <summary>Everything the process wrote so far, for a failure message.</summary>
    public string OutputText()
    {
        lock (Output)
        {
            return string.Join(Environment.NewLine, Output);
        }
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

    // Plain text in Development; in Production the same message inside a JSON line, where a quote ends the address.
    [GeneratedRegex(@"Now listening on: (?<address>http://[^\s""]+)")]
    private static partial Regex ListeningLine();
}
