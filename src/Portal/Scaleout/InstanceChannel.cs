using System.Threading.Channels;
using StackExchange.Redis;

namespace Portal.Scaleout;

/// <summary>
/// One kind of message between instances, on its own Redis channel. <see cref="Publish"/> never waits: messages
/// queue in a bounded buffer that a background pump sends to Redis; when Redis is slow or unreachable the oldest are
/// dropped, counted and logged. <see cref="Received"/> carries what the other instances published, in their order,
/// never this instance's own, and <see cref="Missed"/> says when some of theirs were lost on the way (dropped by
/// the sender, or sent while this instance was not connected). Without Redis all are silent.
/// </summary>
public sealed partial class InstanceChannel<T> : IDisposable
{
    /// <summary>Most messages sent to Redis in one go (pipelined, then awaited together).</summary>
    public const int MaxBatch = 256;

    private static readonly TimeSpan ReportEvery = TimeSpan.FromSeconds(10);

    private readonly IConnectionMultiplexer? redis;
    private readonly RedisChannel channel;
    private readonly string instanceId;
    private readonly Channel<(long Sequence, T Message)>? outbox;

    // The last sequence number heard from each sender; read and written only by the one receiving loop.
    private readonly Dictionary<string, long> heard = new(StringComparer.Ordinal);
    private long sequence;
    private readonly CancellationTokenSource stopping = new();
    private readonly ILogger logger;
    private long dropped;
    private long unreported;
    private long lastReport;
    private long lastUnreadable;

    internal InstanceChannel(string name, int capacity, string instanceId, IConnectionMultiplexer? redis, ILogger logger)
    {
        Name = name;
        this.instanceId = instanceId;
        this.redis = redis;
        this.logger = logger;
        channel = RedisChannel.Literal(name);
        if (redis is null)
        {
            return;
        }

        outbox = Channel.CreateBounded<(long, T)>(
            new BoundedChannelOptions(capacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true },
            _ => Drop(1));
        _ = Task.Run(() => SendAsync(redis, stopping.Token), CancellationToken.None);
        _ = Task.Run(() => SubscribeAsync(redis, stopping.Token), CancellationToken.None);
    }

    /// <summary>The Redis channel, prefix included (<c>portal:deliveries</c>).</summary>
    public string Name { get; }

    /// <summary>Messages that never reached Redis (buffer full, Redis unreachable or failing) since the start.</summary>
    public long Dropped => Interlocked.Read(ref dropped);

    /// <summary>A message another instance published. Raised on one thread at a time, in the order they were sent.</summary>
    public event Action<T>? Received;

    /// <summary>
    /// Raised (before <see cref="Received"/> of the message that revealed it) with how many of another instance's
    /// messages never arrived: whoever follows the channel has a gap to fill from the database.
    /// </summary>
    public event Action<long>? Missed;

    /// <summary>Queues <paramref name="message"/> for the other instances and returns at once.</summary>
    public void Publish(T message)
    {
        if (outbox is not null)
        {
            // Numbered as published, so what the buffer drops shows as a gap at the receivers.
            outbox.Writer.TryWrite((Interlocked.Increment(ref sequence), message));
        }
    }

    public void Dispose()
    {
        outbox?.Writer.TryComplete();
        stopping.Cancel();
        stopping.Dispose();
    }

    /// <summary>A message as it came from Redis: read, and raised unless it is this instance's own.</summary>
    internal void Deliver(ReadOnlySpan<byte> payload)
    {
        switch (InstanceEnvelope.TryRead<T>(payload, instanceId, out var message))
        {
            case EnvelopeRead.Accepted:
                try
                {
                    if (Gap(message.From, message.Sequence) is > 0 and var missed)
                    {
                        Missed?.Invoke(missed);
                    }

                    Received?.Invoke(message.Body);
                }
                catch (Exception exception) when (exception is not OutOfMemoryException)
                {
                    LogHandlerFailed(exception, Name);
                }

                break;
            case EnvelopeRead.Echo:
                break;
            case var unreadable:
                // During a rolling upgrade every message can be unreadable for a while: say so, not once per message.
                if (Due(ref lastUnreadable, TimeSpan.FromMinutes(1)))
                {
                    LogUnreadable(Name, unreadable);
                }

                break;
        }
    }

    // The first message heard from a sender shows no gap: what it sent before this instance listened is not news.
    private long Gap(string from, long sequence)
    {
        if (heard.Count > 1000 && !heard.ContainsKey(from))
        {
            // Instances that restarted (each start is a new id) are forgotten now and then.
            heard.Clear();
        }

        var gap = heard.TryGetValue(from, out var last) && sequence > last + 1 ? sequence - last - 1 : 0;
        heard[from] = Math.Max(last, sequence);
        return gap;
    }

    private async Task SendAsync(IConnectionMultiplexer connection, CancellationToken cancellationToken)
    {
        var reader = outbox!.Reader;
        var subscriber = connection.GetSubscriber();
        var sends = new List<Task>(MaxBatch);
        try
        {
            while (await reader.WaitToReadAsync(cancellationToken))
            {
                sends.Clear();
                while (sends.Count < MaxBatch && reader.TryRead(out var next))
                {
                    // Unreachable: dropped now, rather than parked in the client's backlog until its timeout.
                    if (!connection.IsConnected)
                    {
                        Drop(1);
                        continue;
                    }

                    sends.Add(subscriber.PublishAsync(channel, InstanceEnvelope.Write(next.Message, instanceId, next.Sequence)));
                }

                try
                {
                    await Task.WhenAll(sends);
                }
                catch (Exception exception) when (exception is RedisException or TimeoutException or ObjectDisposedException)
                {
                    Drop(sends.Count(send => !send.IsCompletedSuccessfully));
                }

                Report();
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The host is stopping.
        }
    }

    // Registered once and for good: the client subscribes again by itself after every reconnect. A failed attempt
    // is undone before the next, so no second queue ever receives the same messages.
    private async Task SubscribeAsync(IConnectionMultiplexer connection, CancellationToken cancellationToken)
    {
        var subscriber = connection.GetSubscriber();
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                var queue = await subscriber.SubscribeAsync(channel);
                queue.OnMessage(message => Deliver(((ReadOnlyMemory<byte>)message.Message).Span));
                return;
            }
            catch (Exception exception) when (exception is RedisException or TimeoutException)
            {
                LogSubscribeFailed(Name, exception.Message);
                try
                {
                    await subscriber.UnsubscribeAsync(channel);
                }
                catch (Exception unsubscribing) when (unsubscribing is RedisException or TimeoutException)
                {
                    // Removed here already; the server forgets a subscription with the connection anyway.
                }
            }

            try
            {
                await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private void Drop(int count)
    {
        if (count > 0)
        {
            Interlocked.Add(ref dropped, count);
            Interlocked.Add(ref unreported, count);
        }
    }

    private void Report()
    {
        if (Interlocked.Read(ref unreported) > 0 && Due(ref lastReport, ReportEvery))
        {
            LogDropped(Interlocked.Exchange(ref unreported, 0), Name);
        }
    }

    private static bool Due(ref long last, TimeSpan every)
    {
        var now = Environment.TickCount64;
        var previous = Interlocked.Read(ref last);
        return (previous == 0 || now - previous >= every.TotalMilliseconds) && Interlocked.CompareExchange(ref last, now, previous) == previous;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Count} messages for the other instances on Redis channel {Channel} were dropped (Redis unreachable, failing or too slow); their live views miss them")]
    private partial void LogDropped(long count, string channel);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not subscribe to Redis channel {Channel} ({Reason}); trying again")]
    private partial void LogSubscribeFailed(string channel, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A message on Redis channel {Channel} could not be read ({Outcome}); an instance of another version may be running")]
    private partial void LogUnreadable(string channel, EnvelopeRead outcome);

    [LoggerMessage(Level = LogLevel.Error, Message = "Applying another instance's message from Redis channel {Channel} failed")]
    private partial void LogHandlerFailed(Exception exception, string channel);
}
