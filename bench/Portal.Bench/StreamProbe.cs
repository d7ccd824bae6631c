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
    private readonly List<Notice> notices = new(capacity: 300_000);
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
        // The hub is behind sign-in: the bench signs in like a developer (Development, no SignIn:*).
        var cookie = await SignInLocallyAsync(baseUrl, cancellationToken);
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(baseUrl, "/hubs/deliveries"), HttpTransportType.WebSockets, o =>
            {
                o.SkipNegotiation = true;
                o.Headers["Cookie"] = cookie;
            })
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
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
        {
            // No hub (yet), or one that does not speak this protocol: measure without the stream.
            probe.problem = $"{exception.GetType().Name}: {exception.Message}";
        }

        return probe;
    }

    /// <summary>What arrived about deliveries the portal received within [from, to].</summary>
    public StreamSummary Summarize(DateTimeOffset from, DateTimeOffset to)
    {
        var none = new LatencySummary(0, 0, 0, 0, 0);
        if (!Available)
        {
            return new StreamSummary(false, none, none, 0, 0, 0, 0, 0, 0, false, problem ?? "unavailable");
        }

        List<Notice> inWindow;
        lock (gate)
        {
            inWindow = notices.Where(n => n.ReceivedAt >= from && n.ReceivedAt <= to).ToList();
        }

        var live = inWindow.Where(n => !n.Backfill).Select(n => (n.ClientAt - n.PublishedAt).TotalMilliseconds).ToArray();

        // First word of each delivery, live or from the database: how long after the request the dashboard knew.
        var first = inWindow.GroupBy(n => n.Id).Select(g => g.Min(n => n.ClientAt - n.ReceivedAt).TotalMilliseconds).ToArray();
        return new StreamSummary(
            true, Summarize(live), Summarize(first), live.Length, inWindow.Count(n => n.Backfill), first.Length,
            StateChangedCount, Volatile.Read(ref other), Volatile.Read(ref reloads), disconnected, problem);
    }

    /// <summary>Live Stored messages about deliveries received within [from, to] that <paramref name="include"/> selects by id.</summary>
    public LatencySummary LiveLatency(DateTimeOffset from, DateTimeOffset to, Func<long, bool> include)
    {
        ArgumentNullException.ThrowIfNull(include);
        lock (gate)
        {
            return Summarize(notices.Where(n => !n.Backfill && n.ReceivedAt >= from && n.ReceivedAt <= to && include(n.Id))
                .Select(n => (n.ClientAt - n.PublishedAt).TotalMilliseconds).ToArray());
        }
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

    private static LatencySummary Summarize(double[] latencies)
    {
        if (latencies.Length == 0)
        {
            return new LatencySummary(0, 0, 0, 0, 0);
        }

        Array.Sort(latencies);
        return new LatencySummary(latencies.Length, Rank(latencies, 0.50), Rank(latencies, 0.99), Rank(latencies, 0.999), latencies[^1]);
    }

    private void OnDelivery(StreamMessage message)
    {
        var now = DateTimeOffset.UtcNow;
        Interlocked.Exchange(ref lastMessageTicks, Stopwatch.GetTimestamp());
        switch (message.Kind)
        {
            case "Stored" or "Backfill":
                lock (gate)
                {
                    notices.Add(new Notice(message.Id, message.Kind == "Backfill", message.ReceivedAt, message.PublishedAt, now));
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

    private readonly record struct Notice(long Id, bool Backfill, DateTimeOffset ReceivedAt, DateTimeOffset PublishedAt, DateTimeOffset ClientAt);

    private static async Task<string> SignInLocallyAsync(Uri baseUrl, CancellationToken cancellationToken)
    {
        var cookies = new System.Net.CookieContainer();
        using var http = new HttpClient(new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false }) { BaseAddress = baseUrl };
        var page = await http.GetStringAsync("/signin", cancellationToken);
        var token = System.Text.RegularExpressions.Regex.Match(page, "name=\"__RequestVerificationToken\" value=\"([^\"]+)\"").Groups[1].Value;
        using var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token, ["returnUrl"] = "/" });
        using var response = await http.PostAsync("/signin/local", form, cancellationToken);
        return cookies.GetCookieHeader(baseUrl);
    }
}
