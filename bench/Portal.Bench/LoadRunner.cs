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

    /// <param name="baseUrl">The server under test.</param>
    /// <param name="unique">True for the portal: never send a delivery twice (a duplicate is answered without a write).</param>
    /// <param name="cancellationToken">Stops the run (Ctrl+C).</param>
    /// <param name="serverCpu">Reads the server process's CPU time so far.</param>
    public async Task<LoadResult> RunAsync(Uri baseUrl, bool unique, Func<TimeSpan> serverCpu, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(serverCpu);

        // CPU time of both processes at the edges of the measured window (the warm-up is excluded, as for latency).
        var cpu = MeasureCpuAsync(serverCpu, cancellationToken);
        var result = options.IsPaced ? await RunPacedAsync(baseUrl, cancellationToken) : await RunFlatAsync(baseUrl, unique, cancellationToken);
        var (server, client, machineBusy) = await cpu;
        return result with { ServerCpuSeconds = server.TotalSeconds, ClientCpuSeconds = client.TotalSeconds, MachineBusyCores = machineBusy };
    }

    private async Task<(TimeSpan Server, TimeSpan Client, double MachineBusyCores)> MeasureCpuAsync(Func<TimeSpan> serverCpu, CancellationToken cancellationToken)
    {
        using var self = Process.GetCurrentProcess();
        TimeSpan Client()
        {
            self.Refresh();
            return self.TotalProcessorTime;
        }

        await Task.Delay(TimeSpan.FromSeconds(options.Warmup), cancellationToken);
        var (server0, client0, machine0) = (serverCpu(), Client(), MachineInfo.ReadCpuTimes());
        await Task.Delay(TimeSpan.FromSeconds(options.MeasuredSeconds), cancellationToken);
        var (server1, client1, machine1) = (serverCpu(), Client(), MachineInfo.ReadCpuTimes());
        var total = machine1.Total - machine0.Total;
        var busyShare = total > 0 ? 1 - ((double)(machine1.Idle - machine0.Idle) / total) : 0;
        return (server1 - server0, client1 - client0, busyShare * Environment.ProcessorCount);
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

    private async Task<LoadResult> RunFlatAsync(Uri baseUrl, bool unique, CancellationToken cancellationToken)
    {
        using var http = CreateClient();
        var uri = SentryWebhookSender.WebhookUriFor(baseUrl);
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

                var (status, error) = await SendAsync(http, uri, pool.Deliveries[index], cancellationToken);
                var done = Stopwatch.GetTimestamp();
                if (started >= measureFrom)
                {
                    recorder.Record(done - started, status, error);
                    InterlockedMax(ref lastStarted, started);
                }
            }
        }

        await Task.WhenAll(Enumerable.Range(0, options.Connections).Select(_ => Task.Run(WorkerAsync, CancellationToken.None)));
        cancellationToken.ThrowIfCancellationRequested();

        // If the pool ran out, the window ends at the last request started in it.
        var windowTicks = exhausted ? Math.Max(1, Interlocked.Read(ref lastStarted) - measureFrom) : measureTo - measureFrom;
        var seconds = (double)windowTicks / Stopwatch.Frequency;
        return Result(recorder, null, seconds, exhausted, windowStart);
    }

    private async Task<LoadResult> RunPacedAsync(Uri baseUrl, CancellationToken cancellationToken)
    {
        using var http = CreateClient();
        var uri = SentryWebhookSender.WebhookUriFor(baseUrl);
        var schedule = BuildSchedule();
        var recorder = new LatencyRecorder();
        var burstRecorder = new LatencyRecorder();
        var warmupTicks = Ticks(options.Warmup);
        var (burstFrom, burstTo) = BurstWindow(warmupTicks);

        var start = Stopwatch.GetTimestamp();
        var windowStart = DateTimeOffset.UtcNow.AddSeconds(options.Warmup);
        var inFlight = new List<Task>(schedule.Length);

        async Task SendScheduledAsync(SignedDelivery delivery, long offset)
        {
            var (status, error) = await SendAsync(http, uri, delivery, cancellationToken);
            var latency = Stopwatch.GetTimestamp() - (start + offset);
            if (offset >= warmupTicks)
            {
                recorder.Record(latency, status, error);
                if (offset >= burstFrom && offset < burstTo)
                {
                    burstRecorder.Record(latency, status, error);
                }
            }
        }

        for (var i = 0; i < schedule.Length; i++)
        {
            var wait = start + schedule[i] - Stopwatch.GetTimestamp();
            if (wait > 0)
            {
                // Timer granularity (about 1 ms) can only make a send late, and lateness is counted in its latency.
                await Task.Delay(TimeSpan.FromSeconds((double)wait / Stopwatch.Frequency), cancellationToken);
            }

            inFlight.Add(SendScheduledAsync(pool.Deliveries[i % pool.Count], schedule[i]));
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

    private static async Task<(int? Status, string? Error)> SendAsync(HttpClient http, Uri uri, SignedDelivery delivery, CancellationToken cancellationToken)
    {
        try
        {
            using var request = SentryWebhookSender.CreateRequest(uri, delivery, SentryWebhookSender.NewRequestId(), DateTimeOffset.UtcNow.ToUnixTimeSeconds());
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
            0);

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
