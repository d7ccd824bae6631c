using System.Diagnostics;
using System.Net;
using Portal.Simulator;

namespace Portal.Bench;

/// <summary>
/// Drives <c>POST /sentry/webhook</c> with the pool's deliveries: closed loop over N connections (flat) or open loop
/// on a fixed schedule (paced), where latency counts from the scheduled send time so a stalled server cannot hide
/// its stall by slowing the sender (coordinated omission).
/// </summary>
internal sealed class LoadRunner(BenchOptions options, DeliveryPool pool)
{
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Deliveries a paced run needs: warm-up and measured schedule plus the burst.</summary>
    public static int PacedCount(BenchOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return (int)Math.Ceiling(options.Rate * options.Warmup) + (int)Math.Ceiling(options.Rate * options.MeasuredSeconds) + options.Burst;
    }

    /// <param name="baseUrls">The server instances under test; requests go to them round-robin.</param>
    /// <param name="unique">True for the portal: never send a delivery twice (a duplicate is answered without a write).</param>
    /// <param name="processes">The processes whose CPU time is measured over the window (servers, PostgreSQL, Redis).</param>
    /// <param name="log">Where acknowledgements (and retries to the other instance) are recorded, or null.</param>
    /// <param name="cancellationToken">Stops the run (Ctrl+C).</param>
    public async Task<LoadResult> RunAsync(
        IReadOnlyList<Uri> baseUrls, bool unique, IReadOnlyList<CpuSource> processes, SendLog? log, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(baseUrls);
        ArgumentNullException.ThrowIfNull(processes);

        // CPU time of every process at the edges of the measured window (the warm-up is excluded, as for latency).
        var cpu = MeasureCpuAsync(processes, cancellationToken);
        var uris = baseUrls.Select(SentryWebhookSender.WebhookUriFor).ToArray();
        var result = options.IsPaced ? await RunPacedAsync(uris, log, cancellationToken) : await RunFlatAsync(uris, unique, log, cancellationToken);
        var (cores, client, machineBusy) = await cpu;
        var server = processes.Where(p => p.IsServer).Sum(p => cores[p.Name]);
        var helpers = processes.Where(p => !p.IsServer).Sum(p => cores[p.Name]);
        return result with
        {
            ServerCpuSeconds = server * result.Seconds,
            ClientCpuSeconds = client * result.Seconds,
            HelperCpuSeconds = helpers * result.Seconds,
            MachineBusyCores = machineBusy,
            ProcessCores = cores,
        };
    }

    // Cores each process used over the measured window, the bench's own, and the whole machine's busy cores.
    private async Task<(Dictionary<string, double> Cores, double Client, double MachineBusyCores)> MeasureCpuAsync(
        IReadOnlyList<CpuSource> processes, CancellationToken cancellationToken)
    {
        using var self = Process.GetCurrentProcess();
        TimeSpan Client()
        {
            self.Refresh();
            return self.TotalProcessorTime;
        }

        await Task.Delay(TimeSpan.FromSeconds(options.Warmup), cancellationToken);
        var before = processes.Select(p => p.Read()).ToArray();
        var (client0, machine0, started) = (Client(), MachineInfo.ReadCpuTimes(), Stopwatch.GetTimestamp());
        await Task.Delay(TimeSpan.FromSeconds(options.MeasuredSeconds), cancellationToken);
        var after = processes.Select(p => p.Read()).ToArray();
        var (client1, machine1) = (Client(), MachineInfo.ReadCpuTimes());
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var total = machine1.Total - machine0.Total;
        var busyShare = total > 0 ? 1 - ((double)(machine1.Idle - machine0.Idle) / total) : 0;
        var cores = processes.Select((p, i) => (p.Name, Cores: (after[i] - before[i]).TotalSeconds / seconds))
            .ToDictionary(p => p.Name, p => p.Cores, StringComparer.Ordinal);
        return (cores, (client1 - client0).TotalSeconds / seconds, busyShare * Environment.ProcessorCount);
    }

    private HttpClient CreateClient() => new(new SocketsHttpHandler
    {
        MaxConnectionsPerServer = options.Connections,
        UseProxy = false,
        AllowAutoRedirect = false,
        AutomaticDecompression = DecompressionMethods.None,
        ConnectTimeout = TimeSpan.FromSeconds(5),
        PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
    })
    {
        Timeout = RequestTimeout,
    };

    private async Task<LoadResult> RunFlatAsync(Uri[] uris, bool unique, SendLog? log, CancellationToken cancellationToken)
    {
        using var http = CreateClient();
        var recorder = new LatencyRecorder();
        var next = -1;
        var exhausted = false;

        var start = Stopwatch.GetTimestamp();
        var measureFrom = start + Ticks(options.Warmup);
        var measureTo = measureFrom + Ticks(options.MeasuredSeconds);
        var windowStart = DateTimeOffset.UtcNow.AddSeconds(options.Warmup);
        var lastStarted = start;

        async Task WorkerAsync()
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var started = Stopwatch.GetTimestamp();
                if (started >= measureTo)
                {
                    return;
                }

                var index = Interlocked.Increment(ref next);
                if (index >= pool.Count)
                {
                    if (unique)
                    {
                        exhausted = true;
                        return;
                    }

                    index %= pool.Count;
                }

                var instance = index % uris.Length;
                var (status, error) = await SendAsync(http, uris, instance, index, log, cancellationToken);
                var done = Stopwatch.GetTimestamp();
                if (started >= measureFrom)
                {
                    recorder.Record(done - started, status, error);
                    InterlockedMax(ref lastStarted, started);
                }

                await MaybeRetryAsync(http, uris, instance, index, status, log, cancellationToken);
            }
        }

        await Task.WhenAll(Enumerable.Range(0, options.Connections).Select(_ => Task.Run(WorkerAsync, CancellationToken.None)));
        cancellationToken.ThrowIfCancellationRequested();

        // If the pool ran out, the window ends at the last request started in it.
        var windowTicks = exhausted ? Math.Max(1, Interlocked.Read(ref lastStarted) - measureFrom) : measureTo - measureFrom;
        var seconds = (double)windowTicks / Stopwatch.Frequency;
        return Result(recorder, null, seconds, exhausted, windowStart);
    }

    private async Task<LoadResult> RunPacedAsync(Uri[] uris, SendLog? log, CancellationToken cancellationToken)
    {
        using var http = CreateClient();
        var schedule = BuildSchedule();
        var recorder = new LatencyRecorder();
        var burstRecorder = new LatencyRecorder();
        var warmupTicks = Ticks(options.Warmup);
        var (burstFrom, burstTo) = BurstWindow(warmupTicks);

        var start = Stopwatch.GetTimestamp();
        var windowStart = DateTimeOffset.UtcNow.AddSeconds(options.Warmup);
        var inFlight = new List<Task>(schedule.Length);

        async Task SendScheduledAsync(int index, long offset)
        {
            var instance = index % uris.Length;
            var (status, error) = await SendAsync(http, uris, instance, index, log, cancellationToken);
            var latency = Stopwatch.GetTimestamp() - (start + offset);
            if (offset >= warmupTicks)
            {
                recorder.Record(latency, status, error);
                if (offset >= burstFrom && offset < burstTo)
                {
                    burstRecorder.Record(latency, status, error);
                }
            }

            await MaybeRetryAsync(http, uris, instance, index, status, log, cancellationToken);
        }

        for (var i = 0; i < schedule.Length; i++)
        {
            var wait = start + schedule[i] - Stopwatch.GetTimestamp();
            if (wait > 0)
            {
                // Timer granularity (about 1 ms) can only make a send late, and lateness is counted in its latency.
                await Task.Delay(TimeSpan.FromSeconds((double)wait / Stopwatch.Frequency), cancellationToken);
            }

            inFlight.Add(SendScheduledAsync(i % pool.Count, schedule[i]));
        }

        await Task.WhenAll(inFlight).WaitAsync(RequestTimeout + TimeSpan.FromSeconds(5), cancellationToken);
        return Result(recorder, burstRecorder, options.MeasuredSeconds, false, windowStart);
    }

    // Offsets from the start in Stopwatch ticks: warm-up and measured sends at a fixed rate, plus the burst spread
    // evenly over one second in the middle of the measured window.
    private long[] BuildSchedule()
    {
        var offsets = new List<long>(PacedCount(options));
        var interval = Stopwatch.Frequency / options.Rate;
        var regular = (int)Math.Ceiling(options.Rate * (options.Warmup + options.MeasuredSeconds));
        for (var i = 0; i < regular; i++)
        {
            offsets.Add((long)(i * interval));
        }

        var (burstFrom, _) = BurstWindow(Ticks(options.Warmup));
        for (var j = 0; j < options.Burst; j++)
        {
            offsets.Add(burstFrom + (long)((double)j * Stopwatch.Frequency / options.Burst));
        }

        offsets.Sort();
        return [.. offsets];
    }

    private (long From, long To) BurstWindow(long warmupTicks)
    {
        // The burst and the second after it: how long the portal takes to absorb it.
        var from = warmupTicks + Ticks(options.MeasuredSeconds / 2);
        return (from, from + Ticks(2));
    }

    private async Task<(int? Status, string? Error)> SendAsync(
        HttpClient http, Uri[] uris, int instance, int index, SendLog? log, CancellationToken cancellationToken)
    {
        var requestId = SentryWebhookSender.NewRequestId();
        var (status, error) = await SendAsync(http, uris[instance], pool.Deliveries[index], requestId, cancellationToken);
        if (status is >= 200 and < 300)
        {
            log?.Acknowledged(index, instance, requestId);
        }

        return (status, error);
    }

    // Sentry retries a delivery it thinks failed with a new Request-ID and the same body; a share of acknowledged
    // deliveries is sent again to the next instance, which must answer 200 without storing it twice.
    private async Task MaybeRetryAsync(HttpClient http, Uri[] uris, int instance, int index, int? status, SendLog? log, CancellationToken cancellationToken)
    {
        if (log is null || options.RetryFraction <= 0 || status is not (>= 200 and < 300) || Random.Shared.NextDouble() >= options.RetryFraction)
        {
            return;
        }

        var started = Stopwatch.GetTimestamp();
        var (retryStatus, retryError) = await SendAsync(http, uris[(instance + 1) % uris.Length], pool.Deliveries[index], SentryWebhookSender.NewRequestId(), cancellationToken);
        log.Retries.Record(Stopwatch.GetTimestamp() - started, retryStatus, retryError);
    }

    private static async Task<(int? Status, string? Error)> SendAsync(HttpClient http, Uri uri, SignedDelivery delivery, string requestId, CancellationToken cancellationToken)
    {
        try
        {
            using var request = SentryWebhookSender.CreateRequest(uri, delivery, requestId, DateTimeOffset.UtcNow.ToUnixTimeSeconds());
            using var response = await http.SendAsync(request, cancellationToken);
            return ((int)response.StatusCode, null);
        }
        catch (HttpRequestException exception)
        {
            return (null, exception.HttpRequestError.ToString());
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return (null, "Timeout");
        }
    }

    private static LoadResult Result(LatencyRecorder recorder, LatencyRecorder? burst, double seconds, bool exhausted, DateTimeOffset windowStart) =>
        new(
            seconds,
            recorder.Count,
            recorder.Count / seconds,
            recorder.Summarize(),
            burst?.Summarize(),
            new SortedDictionary<string, int>(recorder.Outcomes.ToDictionary(), StringComparer.Ordinal),
            recorder.Successes,
            recorder.Failures,
            exhausted,
            windowStart,
            windowStart.AddSeconds(seconds),
            0,
            0,
            0,
            0,
            new Dictionary<string, double>());

    private static long Ticks(double seconds) => (long)(seconds * Stopwatch.Frequency);

    private static void InterlockedMax(ref long target, long value)
    {
        var current = Interlocked.Read(ref target);
        while (value > current)
        {
            var seen = Interlocked.CompareExchange(ref target, value, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }
}
