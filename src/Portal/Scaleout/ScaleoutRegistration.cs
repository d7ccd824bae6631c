using StackExchange.Redis;

namespace Portal.Scaleout;

/// <summary>
/// Running as several instances: the optional Redis connection (<c>ConnectionStrings:Redis</c>), the messages
/// between instances, the caches' refresh and Redis's readiness check. Without Redis nothing here talks to anything.
/// </summary>
internal static class ScaleoutRegistration
{
    public const string ConnectionStringName = "Redis";

    /// <summary>The name of Redis's health check, tagged <see cref="ReadyTag"/>.</summary>
    public const string HealthCheckName = "redis";

    public const string ReadyTag = "ready";

    public static IHostApplicationBuilder AddScaleout(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptionsWithValidateOnStart<ScaleoutOptions>().BindConfiguration(ScaleoutOptions.SectionName).ValidateDataAnnotations();
        builder.Services.AddSingleton<InstanceMessages>();
        builder.Services.AddHostedService<CacheRefresher>();
        if (builder.Configuration.RedisConfiguration() is { } redis)
        {
            builder.Services.AddSingleton(services => RedisConnector.Connect(redis, services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(RedisConnector).FullName!)));
            builder.Services.AddHealthChecks().AddCheck<RedisHealthCheck>(HealthCheckName, tags: [ReadyTag]);
        }

        return builder;
    }

    /// <summary>
    /// <c>ConnectionStrings:Redis</c> as StackExchange.Redis options, or null when it is not set. Never aborts on a
    /// failed connect: an unreachable Redis must not stop a start.
    /// </summary>
    public static ConfigurationOptions? RedisConfiguration(this IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var text = configuration.GetConnectionString(ConnectionStringName);
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        ConfigurationOptions options;
        try
        {
            options = ConfigurationOptions.Parse(text);
        }
        catch (ArgumentException exception)
        {
            throw new InvalidOperationException(
                $"ConnectionStrings:{ConnectionStringName} is not a StackExchange.Redis configuration string (such as 'localhost:6379' or 'redis.internal:6379,password=…'): {exception.Message}", exception);
        }

        if (options.EndPoints.Count == 0)
        {
            throw new InvalidOperationException($"ConnectionStrings:{ConnectionStringName} names no Redis endpoint (such as 'localhost:6379').");
        }

        options.AbortOnConnectFail = false;
        return options;
    }
}
