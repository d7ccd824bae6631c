using StackExchange.Redis;

namespace Portal.Scaleout;

/// <summary>
/// Opens the one Redis connection of the process. An unreachable Redis never stops the start: the client keeps
/// trying in the background, and until it succeeds each instance streams only its own deliveries and its caches
/// re-read the database on the short interval.
/// </summary>
internal static partial class RedisConnector
{
    public static IConnectionMultiplexer Connect(ConfigurationOptions configuration, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var endpoints = string.Join(", ", configuration.EndPoints.Select(EndPointCollection.ToString));
        var redis = ConnectionMultiplexer.Connect(configuration);
        if (redis.IsConnected)
        {
            LogConnected(logger, endpoints);
        }
        else
        {
            LogUnreachable(logger, endpoints);
        }

        redis.ConnectionFailed += (_, e) => LogLost(logger, e.EndPoint is { } endpoint ? EndPointCollection.ToString(endpoint) : endpoints, e.ConnectionType, e.FailureType);
        redis.ConnectionRestored += (_, e) => LogRestored(logger, e.EndPoint is { } endpoint ? EndPointCollection.ToString(endpoint) : endpoints, e.ConnectionType);
        return redis;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Connected to Redis at {Endpoints}: the live stream and cache changes reach the other instances")]
    private static partial void LogConnected(ILogger logger, string endpoints);

    [LoggerMessage(Level = LogLevel.Error, Message = "Redis at {Endpoints} is unreachable; running on, and connecting in the background. Until then this instance streams only its own deliveries and its caches re-read the database on the short interval")]
    private static partial void LogUnreachable(ILogger logger, string endpoints);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Lost the {ConnectionType} connection to Redis at {Endpoint} ({FailureType}); reconnecting")]
    private static partial void LogLost(ILogger logger, string endpoint, ConnectionType connectionType, ConnectionFailureType failureType);

    [LoggerMessage(Level = LogLevel.Information, Message = "The {ConnectionType} connection to Redis at {Endpoint} is back")]
    private static partial void LogRestored(ILogger logger, string endpoint, ConnectionType connectionType);
}
