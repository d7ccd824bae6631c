using System.Diagnostics;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;

namespace Portal.Bench;

/// <summary>
/// A SignalR client on <c>/hubs/deliveries</c>, connected before the load, that timestamps every message it
/// receives: stream latency = receive time − the portal's <c>publishedAt</c> (same host, so the clocks agree).
/// </summary>
internal sealed class StreamProbe : IAsyncDisposable
{
    private readonly HubConnection connection;
    private readonly Lock gate = new();
    private readonly List<(DateTimeOffset ReceivedAt, double LatencyMs)> stored = new(capacity: 300_000);
    private int stateChanged;
    private int other;
    private int reloads;
    private long lastMessageTicks = Stopwatch.GetTimestamp();
    private string? problem;
    private bool disconnected;

    private StreamProbe(HubConnection connection)
    {
        this.connection = connection;
        connection.On<StreamMessage>("delivery", OnDelivery);
        connection.On<long>("reload", _ => Interlocked.Increment(ref reloads));
        connection.Closed += exception =>
        {
            disconnected = true;
            problem ??= exception?.Message ?? "closed by the server";
            return Task.CompletedTask;
        };
    }

    public bool Available { get; private set; }

    /// <summary>Time since the last message of any kind.</summary>
    public TimeSpan Quiet => Stopwatch.GetElapsedTime(Interlocked.Read(ref lastMessageTicks));

    public int StateChangedCount => Volatile.Read(ref stateChanged);

    /// <summary>Connects and subscribes; on failure returns an unavailable probe instead of throwing.</summary>
    public static async Task<StreamProbe> ConnectAsync(Uri baseUrl, CancellationToken cancellationToken)
    {
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(baseUrl, "/hubs/deliveries"), HttpTransportType.WebSockets, o => o.SkipNegotiation = true)
            .AddJsonProtocol(o => o.PayloadSerializerOptions.PropertyNameCaseInsensitive = true)
            .Build();
        var probe = new StreamProbe(connection);
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(10));
            await connection.StartAsync(timeout.Token);
            await connection.InvokeAsync("Subscribe", (long?)null, timeout.Token);
            probe.Available = true;
        }
        catch (Exception exception) when (exception is HttpRequestException or OperationCanceledException or InvalidOperationException
            or System.Net.WebSockets.WebSocketException or Microsoft.AspNetCore.SignalR.HubException)
        {
            if (cancellationToken.IsCancellationRequested)
            {
                throw;
            }

            probe.problem = exception.Message;
        }

        return probe;
    }

    /// <summary>Latency of Stored messages for deliveries the portal received within [from, to].</summary>
    public StreamSummary Summarize(DateTimeOffset from, DateTimeOffset to)
    {
        if (!Available)
        {
            return new StreamSummary(false, new LatencySummary(0, 0, 0, 0, 0), 0, 0, 0, 0, false, problem ?? "unavailable");
        }

        double[] latencies;
        lock (gate)
        {
            latencies = stored.Where(s => s.ReceivedAt >= from && s.ReceivedAt <= to).Select(s => s.LatencyMs).ToArray();
        }

        Array.Sort(latencies);
        var summary = latencies.Length == 0
            ? new LatencySummary(0, 0, 0, 0, 0)
            : new LatencySummary(latencies.Length, Rank(latencies, 0.50), Rank(latencies, 0.99), Rank(latencies, 0.999), latencies[^1]);
        return new StreamSummary(true, summary, latencies.Length, StateChangedCount, Volatile.Read(ref other), Volatile.Read(ref reloads), disconnected, problem);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await connection.DisposeAsync();
        }
        catch (Exception exception) when (exception is HttpRequestException or OperationCanceledException or System.Net.WebSockets.WebSocketException)
        {
            // The server is already gone.
        }
    }

    private void OnDelivery(StreamMessage message)
    {
        var now = DateTimeOffset.UtcNow;
        Interlocked.Exchange(ref lastMessageTicks, Stopwatch.GetTimestamp());
        switch (message.Kind)
        {
            case "Stored":
                lock (gate)
                {
                    stored.Add((message.ReceivedAt, (now - message.PublishedAt).TotalMilliseconds));
                }

                break;
            case "StateChanged":
                Interlocked.Increment(ref stateChanged);
                break;
            default:
                Interlocked.Increment(ref other);
                break;
        }
    }

    private static double Rank(double[] sorted, double p) => sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
}
