using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Portal.Scaleout;

/// <summary>
/// Messages between the portal's instances over Redis pub/sub (<c>ConnectionStrings:Redis</c>): the live stream and
/// what the in-memory caches learn. Each process has its own <see cref="InstanceId"/>, which is how it knows its own
/// messages when Redis hands them back. Without Redis the channels it opens send and receive nothing.
/// </summary>
public sealed partial class InstanceMessages : IDisposable
{
    private readonly IConnectionMultiplexer? redis;
    private readonly string prefix;
    private readonly ILogger<InstanceMessages> logger;
    private readonly List<IDisposable> channels = [];
    private readonly Lock gate = new();

    /// <summary>With <paramref name="redis"/> null when Redis is not configured (one process, or caches on a timer).</summary>
    public InstanceMessages(IOptions<ScaleoutOptions> options, ILogger<InstanceMessages> logger, IConnectionMultiplexer? redis = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        this.redis = redis;
        this.logger = logger;
        prefix = options.Value.ChannelPrefix;
        if (redis is not null)
        {
            redis.ConnectionFailed += Changed;
            redis.ConnectionRestored += Changed;
            LogInstance(InstanceId, prefix);
        }
    }

    public string InstanceId { get; } = Guid.NewGuid().ToString("N");

    /// <summary>What every channel name of this portal starts with (<see cref="ScaleoutOptions.ChannelPrefix"/>).</summary>
    public string ChannelPrefix => prefix;

    /// <summary>Whether Redis is configured at all.</summary>
    public bool Enabled => redis is not null;

    /// <summary>Whether messages reach the other instances right now.</summary>
    public bool IsConnected => redis?.IsConnected == true;

    /// <summary>
    /// Other instances' messages may have been lost: the connection that brings them was lost or came back, or a
    /// gap showed in one sender's sequence. Caches then re-read the database (and, while Redis is down, on the
    /// shorter interval).
    /// </summary>
    public event Action? Interrupted;

    /// <summary>
    /// The channel <c>{prefix}:{name}</c>; <paramref name="capacity"/> messages may wait for Redis before the
    /// oldest are dropped.
    /// </summary>
    public InstanceChannel<T> Open<T>(string name, int capacity)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        var channel = new InstanceChannel<T>($"{prefix}:{name}", capacity, InstanceId, redis, logger);
        channel.Missed += _ => Interrupted?.Invoke();
        lock (gate)
        {
            channels.Add(channel);
        }

        return channel;
    }

    public void Dispose()
    {
        if (redis is not null)
        {
            redis.ConnectionFailed -= Changed;
            redis.ConnectionRestored -= Changed;
        }

        lock (gate)
        {
            channels.ForEach(channel => channel.Dispose());
            channels.Clear();
        }
    }

    private void Changed(object? sender, ConnectionFailedEventArgs e)
    {
        if (e.ConnectionType == ConnectionType.Subscription)
        {
            Interrupted?.Invoke();
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "This instance is {InstanceId} on Redis; its channels start with {Prefix}")]
    private partial void LogInstance(string instanceId, string prefix);
}
