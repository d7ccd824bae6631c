using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Portal.SentryPlatform;

internal static class SentryPlatformRegistration
{
    /// <summary>
    /// How long one attempt of a call to Sentry may take to answer: Sentry answers in well under a second, and a slow
    /// call should fail while the user still waits for it.
    /// </summary>
    public static readonly TimeSpan ApiTimeout = TimeSpan.FromSeconds(10);

    private static readonly string UserAgent =
        $"SentryAppPortal/{typeof(SentryPlatformRegistration).Assembly.GetName().Version?.ToString(3) ?? "1.0.0"}";

    /// <summary>
    /// Validated <see cref="SentryOptions"/>, the clock, the signing keys the signature filter uses and the budget of
    /// bodies read before it runs.
    /// </summary>
    public static IHostApplicationBuilder AddSentryPlatform(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptionsWithValidateOnStart<SentryOptions>().BindConfiguration(SentryOptions.SectionName);
        builder.Services.AddSingleton<IValidateOptions<SentryOptions>, SentryOptionsValidator>();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<SentrySigningKeys>();
        builder.Services.AddOptionsWithValidateOnStart<IntakeOptions>().BindConfiguration(IntakeOptions.SectionName);
        builder.Services.AddSingleton<IValidateOptions<IntakeOptions>, IntakeOptionsValidator>();
        builder.Services.AddSingleton<UnverifiedBodyBudget>();
        builder.Services.AddSingleton<SentryRequestMetrics>();
        builder.Services.AddTransient<SentryRateLimitHandler>();
        builder.Services.AddHttpClient<SentryApiClient>(ConfigureApiClient)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                // Sentry's API never redirects a correct call; following one would send a token elsewhere.
                AllowAutoRedirect = false,
                ConnectTimeout = TimeSpan.FromSeconds(5),
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            })

            // Outermost first: each attempt after a 429 gets a timeout of its own.
            .AddHttpMessageHandler<SentryRateLimitHandler>()
            .AddHttpMessageHandler(AttemptTimeout)

            // Callers log each failed call once, in words; the factory's per-request lines would add only stack traces.
            .RemoveAllLoggers();
        return builder;
    }

    // On the real clock, as HttpClient.Timeout was: a network timeout measures the network, and tests move the
    // injected clock by hours while calls are in flight.
    private static SentryAttemptTimeoutHandler AttemptTimeout() => new(ApiTimeout, TimeProvider.System);

    private static void ConfigureApiClient(IServiceProvider services, HttpClient http)
    {
        var baseUrl = services.GetRequiredService<IOptions<SentryOptions>>().Value.BaseUrl.ToString();
        http.BaseAddress = new Uri(baseUrl.EndsWith('/') ? baseUrl : baseUrl + "/");

        // SentryAttemptTimeoutHandler applies ApiTimeout to each attempt instead.
        http.Timeout = Timeout.InfiniteTimeSpan;
        http.DefaultRequestHeaders.UserAgent.ParseAdd(UserAgent);
    }
}
