using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Portal.Bench;

/// <summary>
/// A server the bench started (the portal or the baseline): waits for <c>/healthz</c>, samples its memory from
/// <c>/proc/&lt;pid&gt;/status</c>, keeps its output in a log file, and kills it (and only it) when disposed.
/// </summary>
internal sealed class ChildServer : IAsyncDisposable
{
    private static readonly TimeSpan SamplePeriod = TimeSpan.FromMilliseconds(100);

    private readonly Process process;
    private readonly StreamWriter log;
    private readonly CancellationTokenSource stopSampling = new();
    private readonly Task sampler;
    private long peakRssKb;

    private ChildServer(string name, Process process, Uri baseUrl, StreamWriter log)
    {
        Name = name;
        this.process = process;
        BaseUrl = baseUrl;
        this.log = log;
        sampler = Task.Run(SampleAsync);
    }

    public string Name { get; }

    public Uri BaseUrl { get; }

    public int ProcessId => process.Id;

    public bool HasExited => process.HasExited;

    /// <summary>Largest of the kernel's high-water mark (VmHWM) and every VmRSS sample, in MB.</summary>
    public double PeakMemoryMb => Math.Max(peakRssKb, ReadStatusKb("VmHWM") ?? 0) / 1024.0;

    public double CurrentMemoryMb => (ReadStatusKb("VmRSS") ?? 0) / 1024.0;

    /// <summary>User + system CPU time the server has used so far.</summary>
    public TimeSpan CpuTime()
    {
        process.Refresh();
        return process.TotalProcessorTime;
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public static async Task<ChildServer> StartAsync(
        string name, ProcessStartInfo start, Uri baseUrl, string logPath, Action<ChildServer> started, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(started);
        ArgumentNullException.ThrowIfNull(start);
        start.UseShellExecute = false;
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        var log = new StreamWriter(logPath) { AutoFlush = true };
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) => Write(log, e.Data);
        process.ErrorDataReceived += (_, e) => Write(log, e.Data);
        if (!process.Start())
        {
            await log.DisposeAsync();
            throw new InvalidOperationException($"Could not start {name}.");
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new ChildServer(name, process, baseUrl, log);
        started(server);
        try
        {
            await server.WaitHealthyAsync(logPath, cancellationToken);
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await stopSampling.CancelAsync();
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
            }
        }
        catch (Exception exception) when (exception is InvalidOperationException or TimeoutException or System.ComponentModel.Win32Exception)
        {
            Console.Error.WriteLine($"Could not stop {Name} (pid {ProcessId}): {exception.Message}");
        }

        await sampler;
        process.Dispose();
        stopSampling.Dispose();
        lock (log)
        {
            log.Dispose();
        }
    }

    /// <summary>Kills the process without waiting; for Ctrl+C and process exit.</summary>
    public void KillNow()
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    private async Task WaitHealthyAsync(string logPath, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var healthz = new Uri(BaseUrl, "/healthz");
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(90))
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"{Name} exited with code {process.ExitCode} before it was healthy; see {logPath}.");
            }

            try
            {
                using var response = await http.GetAsync(healthz, cancellationToken);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // Slow to answer while starting.
            }

            await Task.Delay(100, cancellationToken);
        }

        throw new TimeoutException($"{Name} did not answer 200 on {healthz} within 90 s; see {logPath}.");
    }

    private async Task SampleAsync()
    {
        using var timer = new PeriodicTimer(SamplePeriod);
        try
        {
            do
            {
                if (ReadStatusKb("VmRSS") is { } rss && rss > peakRssKb)
                {
                    peakRssKb = rss;
                }
            }
            while (await timer.WaitForNextTickAsync(stopSampling.Token));
        }
        catch (OperationCanceledException)
        {
            // Stopped.
        }
    }

    private long? ReadStatusKb(string field)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{process.Id}/status"))
            {
                if (line.StartsWith(field + ":", StringComparison.Ordinal))
                {
                    var digits = line[(field.Length + 1)..].Trim().Split(' ')[0];
                    return long.Parse(digits, CultureInfo.InvariantCulture);
                }
            }
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            // The process has exited (or /proc is not there).
        }

        return null;
    }

    private static void Write(StreamWriter log, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (log)
        {
            try
            {
                log.WriteLine(line);
            }
            catch (ObjectDisposedException)
            {
                // Output that arrived after the server was stopped.
            }
        }
    }
}
